import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { inspectBuild } from '../../../electron/ipa'
import { BuildSummary } from '../../../shared/build-summary'
import { makePkg } from '../../fixtures/build-factory'
import { useTempDir } from './temp-dir'

const tempDir = useTempDir()

describe('macOS .pkg (xar)', () => {
  test('a product archive gives bundle id, version and build number from the installer metadata', async () => {
    const summary = await inspectBuild(
      await makePkg(
        { bundleId: 'com.example.mac', version: '2.3.4', buildNumber: '567', minimumOSVersion: '14.0' },
        await tempDir(),
      ),
    )
    expect(BuildSummary.strict().parse(summary)).toEqual(summary)
    expect(summary).toMatchObject({
      kind: 'pkg',
      bundleId: 'com.example.mac',
      version: '2.3.4',
      buildNumber: '567',
      platform: 'MAC_OS',
      deviceFamilies: ['mac'],
      minimumOSVersion: '14.0',
      profile: null,
      extensions: [],
      frameworks: [],
      problems: [],
      displayName: 'Ascent Demo',
    })
  })

  test('metadata stored uncompressed (octet-stream) reads the same', async () => {
    const summary = await inspectBuild(await makePkg({ compressMetadata: false }, await tempDir()))
    expect(summary).toMatchObject({
      bundleId: 'com.example.ascent.demo',
      version: '1.1.0',
      buildNumber: '100',
      problems: [],
    })
  })

  test('a component package (pkgbuild) is read from PackageInfo and flagged as not uploadable', async () => {
    const summary = await inspectBuild(await makePkg({ component: true }, await tempDir()))
    expect(summary).toMatchObject({
      bundleId: 'com.example.ascent.demo',
      version: '1.1.0',
      buildNumber: '100',
      minimumOSVersion: null,
    })
    expect(summary.problems.map((p) => p.code)).toEqual(['PKG_NOT_PRODUCT_ARCHIVE'])
  })

  test('an unsigned package is a warning; a missing CFBundleVersion an error', async () => {
    const unsigned = await inspectBuild(await makePkg({ signed: false }, await tempDir()))
    expect(unsigned.problems.map((p) => `${p.severity}:${p.code}`)).toEqual(['warning:PKG_UNSIGNED'])
    const noBuild = await inspectBuild(await makePkg({ buildNumber: null }, await tempDir()))
    expect(noBuild.problems.map((p) => p.code)).toEqual(['BUILD_NUMBER_MISSING'])
  })

  test('a truncated package and a corrupt TOC are BAD_BUILD', async () => {
    const dir = await tempDir()
    const file = await makePkg({}, dir)
    const bytes = await readFile(file)
    await writeFile(file, bytes.subarray(0, 60))
    await expect(inspectBuild(file)).rejects.toMatchObject({
      code: 'BAD_BUILD',
      message: expect.stringMatching(/^truncated \.pkg/),
    })
    const corrupt = Buffer.from(bytes)
    corrupt.fill(0x41, 28, 60)
    await writeFile(file, corrupt)
    await expect(inspectBuild(file)).rejects.toMatchObject({
      code: 'BAD_BUILD',
      message: expect.stringMatching(/^corrupt \.pkg: the xar table of contents is not valid zlib data$/),
    })
  })

  test('a TOC that declares an absurd size is refused before reading', async () => {
    const file = await makePkg({}, await tempDir())
    const bytes = await readFile(file)
    bytes.writeBigUInt64BE(4n * 1024n * 1024n * 1024n, 16)
    await writeFile(file, bytes)
    await expect(inspectBuild(file)).rejects.toMatchObject({
      code: 'BAD_BUILD',
      message: expect.stringMatching(/declares more than/),
    })
  })
})
