import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

let dir: string
let sandbox: TestSandbox

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-upload-cli-'))
  sandbox = await startTestSandbox({ partSize: 16 * 1024, processingMs: 40 })
})
afterEach(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

function envFor(sb: TestSandbox): NodeJS.ProcessEnv {
  return {
    APP_STORE_CONNECT_KEY_IDENTIFIER: sb.keyId,
    APP_STORE_CONNECT_ISSUER_ID: sb.issuerId,
    APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sb.privateKeyPath}`,
    ASCENT_API_URL: sb.url,
  }
}

describe('ascent upload', () => {
  it('inspects the build, finds the app and uploads it with the API, printing NDJSON events', async () => {
    const ipa = await makeIpa({ version: '3.0.0', buildNumber: '301' }, dir)
    const result = await runCli(['upload', ipa, '--json', '--journal-dir', path.join(dir, 'journal')], {
      env: envFor(sandbox),
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => PublishEvent.parse(JSON.parse(line)))
    expect(events[0]).toMatchObject({ type: 'step-started', step: 'upload' })
    expect(events.some((e) => e.type === 'step-progress')).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'uploaded' })
    const uploads = sandbox.state().buildUploads
    expect(uploads).toHaveLength(1)
    expect(uploads[0]).toMatchObject({
      cfBundleShortVersionString: '3.0.0',
      cfBundleVersion: '301',
      state: 'COMPLETE',
    })
    expect(uploads[0]?.files[0]?.checksums?.file?.algorithm).toBe('SHA_256')
  })

  it('keeps its resume journal in the data directory, one per App Store Connect server, nothing in the temp dir', async () => {
    const ipa = await makeIpa({ version: '3.1.0', buildNumber: '310' }, dir)
    const data = path.join(dir, 'data')
    const tmp = path.join(dir, 'tmp')
    await mkdir(tmp)
    const first = await runCli(['upload', ipa, '--json'], {
      env: { ...envFor(sandbox), ASCENT_DATA_DIR: data, TMPDIR: tmp },
    })
    expect(first.code, first.stderr).toBe(0)
    // Another server (another team's, or the sandbox after Apple) with the same file: a journal of its own.
    const other = await startTestSandbox({ partSize: 16 * 1024, processingMs: 40 })
    try {
      const second = await runCli(['upload', ipa, '--json'], {
        env: { ...envFor(other), ASCENT_DATA_DIR: data, TMPDIR: tmp },
      })
      expect(second.code, second.stderr).toBe(0)
      expect(other.state().buildUploads).toMatchObject([{ cfBundleVersion: '310', state: 'COMPLETE' }])
    } finally {
      await other.close()
    }
    expect(await readdir(path.join(data, 'uploads'))).toHaveLength(2)
    expect(await readdir(tmp)).toEqual([])
  })

  it("refuses a build number App Store Connect already has, with Apple's words, exit 4", async () => {
    // The default seed holds build 1 of version 1.0.0.
    const ipa = await makeIpa({ version: '1.0.0', buildNumber: '1' }, dir)
    const result = await runCli(['upload', ipa, '--journal-dir', path.join(dir, 'journal')], {
      env: envFor(sandbox),
    })
    expect(result.code).toBe(4)
    // Progress lines come first on stderr; the error is the last line, in one line.
    const last = result.stderr.trim().split('\n').at(-1) ?? ''
    expect(last.startsWith(`ascent: ${ipa}: `)).toBe(true)
    expect(last).toContain('Redundant Binary Upload')
  })

  it('says which app record is missing, exit 2', async () => {
    const ipa = await makeIpa({ bundleId: 'com.example.nothere', version: '1.0', buildNumber: '5' }, dir)
    const result = await runCli(['upload', ipa], { env: envFor(sandbox) })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('no app with bundle id com.example.nothere')
    // The same way to create it as the window and publish give.
    expect(result.stderr).toContain('(Apps → + → New App)')
  })

  it('rejects a bad --method with one line and exit 2', async () => {
    const ipa = await makeIpa({ version: '1.0', buildNumber: '6' }, dir)
    const result = await runCli(['upload', ipa, '--method', 'ftp'], { env: envFor(sandbox) })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`ascent: --method must be auto, api or altool, not "ftp"\n`)
  })
})
