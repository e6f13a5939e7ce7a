import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { inspectBuild, ZIPPED_APP_REASON } from '../../../electron/ipa'
import { describeFileError } from '../../../electron/ipa/bad-build'
import { AscentError } from '../../../shared/errors'
import { makeBadInput, type BadInputKind } from '../../fixtures/build-factory'
import { useTempDir } from './temp-dir'

const tempDir = useTempDir()

async function failure(file: string): Promise<AscentError> {
  try {
    await inspectBuild(file)
  } catch (error) {
    if (error instanceof AscentError) return error
    throw error
  }
  throw new Error(`${file} was inspected without an error`)
}

describe('unreadable builds are BAD_BUILD with the reason only', () => {
  test.each<[BadInputKind, RegExp]>([
    ['not-a-zip', /^is not an \.ipa or \.pkg: it is neither a zip nor a xar archive$/],
    ['empty', /^is empty \(0 bytes\), not a build$/],
    ['truncated', /^not a zip archive, or truncated/],
    [
      'zip-bomb-declared',
      /^Payload\/AscentDemo\.app\/Info\.plist declares 4294967280 bytes, more than the \d+-byte limit for it \(a zip bomb\?\)$/,
    ],
    [
      'zip-bomb-inflated',
      /^Payload\/AscentDemo\.app\/Info\.plist inflates to more than the 1024 bytes it declares \(a zip bomb\?\)$/,
    ],
    [
      'entry-not-deflate',
      /^Payload\/AscentDemo\.app\/Info\.plist: corrupt zip: its data does not inflate \(invalid block type\)$/,
    ],
    [
      'entry-shorter-than-declared',
      /^Payload\/AscentDemo\.app\/Info\.plist: corrupt zip: it holds 4096 bytes but declares 4196$/,
    ],
    ['path-traversal', /^unsafe entry name in the archive \(path traversal\): "Payload\/\.\.\//],
    ['corrupt-plist', /^Payload\/AscentDemo\.app\/Info\.plist is not a valid property list/],
    ['profile-without-content', /^Payload\/AscentDemo\.app\/embedded\.mobileprovision has no signed content/],
    ['profile-not-cms', /^Payload\/AscentDemo\.app\/embedded\.mobileprovision is not a provisioning profile/],
    ['directory', /^is a directory, not an \.ipa or \.pkg file$/],
    ['missing', /^no such file$/],
    ['zipped-app', new RegExp(`^${ZIPPED_APP_REASON.replace(/[.()>]/g, '\\$&')}$`)],
    ['no-info-plist', /^not an iOS app archive: Payload\/AscentDemo\.app has no Info\.plist$/],
    ['not-a-pkg', /^truncated \.pkg: shorter than a xar header$/],
  ])('%s → %s', async (kind, reason) => {
    const error = await failure(await makeBadInput(kind, await tempDir()))
    expect(error.code).toBe('BAD_BUILD')
    expect(error.message).toMatch(reason)
    expect(error.message).not.toContain('\n')
  })

  test('the zipped .app message says to export a .pkg', () => {
    expect(ZIPPED_APP_REASON).toBe(
      'a zipped .app is not an uploadable build: export a .pkg from Xcode (Product > Archive > Distribute)',
    )
  })

  test('a zip with no Payload at all says it is not an app archive', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'plain.zip')
    execFileSync('sh', ['-c', `cd ${dir} && echo hi > readme.txt && zip -q plain.zip readme.txt`])
    expect((await failure(file)).message).toBe(
      'not an iOS app archive: no Payload/*.app/Info.plist in the zip',
    )
  })

  test('a FIFO is refused without blocking on open', async () => {
    const fifo = path.join(await tempDir(), 'pipe.ipa')
    execFileSync('mkfifo', [fifo])
    expect((await failure(fifo)).message).toBe('is not a regular file')
  })

  test('an .app folder gets the export hint', async () => {
    const dir = await tempDir()
    const app = path.join(dir, 'AscentDemo.app')
    execFileSync('mkdir', [app])
    expect((await failure(app)).message).toMatch(
      /^is an \.app folder, not an uploadable build: export an \.ipa or \.pkg/,
    )
  })

  test('file-system errors become reasons (permission denied cannot be produced as root, so the mapping is checked directly)', () => {
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
      'cannot read the file: permission denied',
    )
    expect(describeFileError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('no such file')
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EIO' }))).toBe(
      'cannot read the file: input/output error',
    )
  })
})
