import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { inspectBuild } from '../../../electron/ipa'
import { BuildSummary, hasBlockingProblems } from '../../../shared/build-summary'
import {
  DEMO_BUNDLE_ID,
  encodePlist,
  infoPlistFor,
  makeIpa,
  type IpaOptions,
} from '../../fixtures/build-factory'
import { useTempDir } from './temp-dir'

const tempDir = useTempDir()
const NOW = Date.parse('2026-06-01T00:00:00Z')
const DAY = 24 * 3600 * 1000

async function inspect(options: IpaOptions): Promise<BuildSummary> {
  const file = await makeIpa({ expiresAt: new Date(NOW + 365 * DAY), ...options }, await tempDir())
  return inspectBuild(file, { now: () => NOW })
}

function codes(summary: BuildSummary): string[] {
  return summary.problems.map((p) => `${p.severity}:${p.code}`)
}

describe('a valid App Store IPA', () => {
  test('the factory defaults are a clean App Store build of the demo app, in exactly the fixed `inspect --json` shape', async () => {
    const summary = await inspect({})
    expect(BuildSummary.strict().parse(summary)).toEqual(summary)
    expect(summary).toMatchObject({
      kind: 'ipa',
      bundleId: DEMO_BUNDLE_ID,
      version: '1.1.0',
      buildNumber: '100',
      platform: 'IOS',
      minimumOSVersion: '16.0',
      deviceFamilies: ['iphone', 'ipad'],
      extensions: [],
      frameworks: ['AscentKit.framework'],
      problems: [],
      displayName: 'Ascent Demo',
      usesNonExemptEncryption: false,
      profile: {
        type: 'app-store',
        teamId: 'A1B2C3D4E5',
        teamName: 'Ascent Test Team',
        appIdName: 'Ascent Demo',
        expiresAt: new Date(NOW + 365 * DAY).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
        applicationIdentifier: `A1B2C3D4E5.${DEMO_BUNDLE_ID}`,
        matchesBundleId: true,
      },
    })
    expect(summary.sizeBytes).toBeGreaterThan(1000)
    expect(summary.iconDataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    expect(hasBlockingProblems(summary)).toBe(false)
  })

  test('binary plists (Info.plist, extension and profile content) read the same as XML', async () => {
    const options: IpaOptions = {
      plistFormat: 'binary',
      extensions: [{ bundleId: `${DEMO_BUNDLE_ID}.widget`, profile: { format: 'binary' } }],
    }
    const binary = await inspect(options)
    const xml = await inspect({
      ...options,
      plistFormat: 'xml',
      extensions: [{ bundleId: `${DEMO_BUNDLE_ID}.widget` }],
    })
    expect({ ...binary, file: '', sizeBytes: 0, profile: { ...binary.profile, expiresAt: '' } }).toEqual({
      ...xml,
      file: '',
      sizeBytes: 0,
      profile: { ...xml.profile, expiresAt: '' },
    })
    expect(binary.extensions).toEqual([
      { bundleId: `${DEMO_BUNDLE_ID}.widget`, kind: 'com.apple.widgetkit-extension' },
    ])
  })

  test('an XML Info.plist written by another tool (spaces in tags, comments, CDATA, a "__proto__" key) reads as Xcode\'s does', async () => {
    const xml = encodePlist(infoPlistFor({}))
      .toString('utf8')
      .replace(
        '<dict>',
        '<dict >\n<!-- written by hand -->\n<key>__proto__</key><dict><key>x</key><true /></dict>',
      )
      .replace('<string>1.1.0</string>', '<string><![CDATA[1.1.0]]></string>')
      .replace('<key>CFBundleIdentifier</key>', '<key >CFBundleIdentifier</key >')
    const summary = await inspect({ infoPlistBytes: Buffer.from(xml) })
    expect(summary).toMatchObject({ bundleId: DEMO_BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
    expect(summary.problems.filter((p) => p.severity === 'error')).toEqual([])
  })

  test('zip64 archives are read', async () => {
    const file = await makeIpa({ zip64: true }, await tempDir())
    expect((await readFile(file)).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true) // zip64 end of central directory
    const summary = await inspectBuild(file, { now: () => NOW })
    expect(summary.bundleId).toBe(DEMO_BUNDLE_ID)
    expect(summary.problems).toEqual([])
  })

  test('a central directory larger than one read (20,000 entries, ~3 MB) is walked whole, every name checked', async () => {
    const long = 'r'.repeat(90)
    const extraEntries = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [
        `Payload/AscentDemo.app/Resources/${long}${i}.json`,
        Buffer.from('{}'),
      ]),
    )
    const dir = await tempDir()
    const file = await makeIpa({ fileName: 'many.ipa', extraEntries }, dir)
    // Info.plist and the profile are written after the extras, so their records are in a later window.
    const summary = await inspectBuild(file, { now: () => NOW })
    expect(summary.bundleId).toBe(DEMO_BUNDLE_ID)
    expect(summary.frameworks).toEqual(['AscentKit.framework'])
    expect(summary.problems).toEqual([])
    // A traversal name deep in the directory (past the first read) is still refused.
    const bytes = await readFile(file)
    const victim = Buffer.from(`Payload/AscentDemo.app/Resources/${long}19999.json`)
    const evil = Buffer.from(`Payload/../../../../../tmp/evil`.padEnd(victim.length, 'x'))
    for (let at = bytes.indexOf(victim); at !== -1; at = bytes.indexOf(victim, at + 1)) evil.copy(bytes, at)
    const traversal = path.join(dir, 'traversal.ipa')
    await writeFile(traversal, bytes)
    await expect(inspectBuild(traversal)).rejects.toThrow(
      /^unsafe entry name in the archive \(path traversal\)/,
    )
    // A directory cut short (its records run past the end of the file) is a corrupt zip, not a hang.
    const cut = path.join(dir, 'cut.ipa')
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    const directoryStart = bytes.readUInt32LE(eocd + 16)
    const shortened = Buffer.concat([bytes.subarray(0, directoryStart + 1_500_000), bytes.subarray(eocd)])
    // The end record still names the old offset and count: the walk runs into the end of the file.
    await writeFile(cut, shortened)
    await expect(inspectBuild(cut)).rejects.toThrow(/truncated or corrupt zip|corrupt zip/)
  })

  test('entries written with data descriptors (streamed, general purpose bit 3) are read', async () => {
    const file = await makeIpa(
      {
        dataDescriptors: true,
        extensions: [{ bundleId: `${DEMO_BUNDLE_ID}.share`, kind: 'com.apple.share-services' }],
      },
      await tempDir(),
    )
    expect((await readFile(file)).includes(Buffer.from([0x50, 0x4b, 0x07, 0x08]))).toBe(true) // data descriptor signature
    const summary = await inspectBuild(file, { now: () => NOW })
    expect(summary.problems).toEqual([])
    expect(summary.extensions[0]?.kind).toBe('com.apple.share-services')
  })

  test('Info.plist first or last makes no difference; a large stored entry is not read', async () => {
    const first = await inspect({ infoPlistLast: false, padBytes: 8 * 1024 * 1024 })
    expect(first.sizeBytes).toBeGreaterThan(8 * 1024 * 1024)
    expect(first.problems).toEqual([])
  })

  test('frameworks are listed by name, once each', async () => {
    const summary = await inspect({
      frameworks: ['Alamofire.framework', 'libswift_Concurrency.dylib', 'AscentKit.framework'],
    })
    expect(summary.frameworks).toEqual([
      'Alamofire.framework',
      'AscentKit.framework',
      'libswift_Concurrency.dylib',
    ])
  })
})

describe('platform and devices', () => {
  test.each([
    [{ platform: 'TV_OS' } as const, 'TV_OS', ['tv']],
    [{ platform: 'VISION_OS' } as const, 'VISION_OS', ['vision']],
    [{ deviceFamilies: [1] }, 'IOS', ['iphone']],
    [{ deviceFamilies: [2] }, 'IOS', ['ipad']],
    [{ deviceFamilies: null }, 'IOS', ['iphone']],
  ])('%j → %s %j', async (options, platform, families) => {
    const summary = await inspect(options)
    expect(summary.platform).toBe(platform)
    expect(summary.deviceFamilies).toEqual(families)
  })

  test('a simulator build is an error', async () => {
    expect(codes(await inspect({ simulator: true }))).toContain('error:SIMULATOR_BUILD')
  })
})

describe('problems', () => {
  test.each([
    ['ad-hoc', 'error:PROFILE_NOT_APP_STORE'],
    ['development', 'error:PROFILE_NOT_APP_STORE'],
    ['enterprise', 'error:PROFILE_NOT_APP_STORE'],
  ] as const)('an %s profile → %s, with the fix in the message', async (profileType, code) => {
    const summary = await inspect({ profileType })
    expect(summary.profile?.type).toBe(profileType)
    expect(codes(summary)).toEqual([code])
    expect(summary.problems[0]?.message).toMatch(
      /App Store Connect accepts only App Store distribution profiles.*export again/,
    )
  })

  test('an expired profile is an error; one expiring within a week a warning', async () => {
    expect(codes(await inspect({ expiresAt: new Date(NOW - DAY) }))).toEqual(['error:PROFILE_EXPIRED'])
    expect(codes(await inspect({ expiresAt: new Date(NOW + 2 * DAY) }))).toEqual([
      'warning:PROFILE_EXPIRING_SOON',
    ])
  })

  test('a profile for another App ID is an error; a covering wildcard is not', async () => {
    const mismatch = await inspect({ profile: { appId: 'com.example.other' } })
    expect(codes(mismatch)).toEqual(['error:PROFILE_APP_ID_MISMATCH'])
    expect(mismatch.profile?.matchesBundleId).toBe(false)
    const wildcard = await inspect({ profile: { appId: 'com.example.*' } })
    expect(wildcard.problems).toEqual([])
    expect(wildcard.profile?.matchesBundleId).toBe(true)
  })

  test('no embedded.mobileprovision is an error and profile is null', async () => {
    const summary = await inspect({ profile: null })
    expect(summary.profile).toBeNull()
    expect(codes(summary)).toEqual(['error:PROFILE_MISSING'])
  })

  test('a profile not signed by a certificate naming Apple is only a warning (Apple re-validates the signer on upload)', async () => {
    const summary = await inspect({ profile: { signer: 'other' } })
    expect(codes(summary)).toEqual(['warning:PROFILE_SIGNER_UNTRUSTED'])
    expect(hasBlockingProblems(summary)).toBe(false)
  })

  test('two apps in Payload is an error', async () => {
    expect(codes(await inspect({ extraApps: ['Second'] }))).toEqual(['error:MULTIPLE_APPS'])
  })

  test('missing ITSAppUsesNonExemptEncryption is a warning naming the release setting; true/false are reported', async () => {
    const missing = await inspect({ usesNonExemptEncryption: null })
    expect(missing.usesNonExemptEncryption).toBeNull()
    expect(codes(missing)).toEqual(['warning:EXPORT_COMPLIANCE_MISSING'])
    expect(missing.problems[0]?.message).toContain('uses_non_exempt_encryption')
    expect((await inspect({ usesNonExemptEncryption: true })).usesNonExemptEncryption).toBe(true)
  })

  test.each([
    [{ version: '1.2.3.4' }, 'error:VERSION_FORMAT'],
    [{ version: 'v1.0' }, 'error:VERSION_FORMAT'],
    [{ buildNumber: '100a' }, 'error:BUILD_NUMBER_FORMAT'],
    [{ buildNumber: '1.2.3.4' }, 'warning:BUILD_NUMBER_PARTS'],
    [{ version: null }, 'error:VERSION_MISSING'],
    [{ buildNumber: null }, 'error:BUILD_NUMBER_MISSING'],
  ])('%j → %s', async (options, code) => {
    expect(codes(await inspect(options))).toEqual([code])
  })

  test.each([['1'], ['1.0'], ['10.20.30']])('version %s is in Apple format', async (version) => {
    expect((await inspect({ version, buildNumber: version })).problems).toEqual([])
  })

  test('extension problems: non-store profile, missing profile, expired, wrong App ID, bundle id prefix, no Info.plist', async () => {
    const summary = await inspect({
      extensions: [
        { bundleId: `${DEMO_BUNDLE_ID}.adhoc`, profileType: 'ad-hoc' },
        { bundleId: `${DEMO_BUNDLE_ID}.noprofile`, profile: null },
        { bundleId: `${DEMO_BUNDLE_ID}.old`, profile: { expiresAt: new Date(NOW - DAY) } },
        { bundleId: `${DEMO_BUNDLE_ID}.wrong`, profile: { appId: `${DEMO_BUNDLE_ID}.other` } },
        { bundleId: 'com.elsewhere.widget', name: 'elsewhere' },
        { bundleId: `${DEMO_BUNDLE_ID}.broken`, omitInfoPlist: true },
      ],
    })
    expect(codes(summary).sort()).toEqual(
      [
        'error:EXTENSION_PROFILE_NOT_APP_STORE',
        'error:EXTENSION_PROFILE_MISSING',
        'error:EXTENSION_PROFILE_EXPIRED',
        'error:EXTENSION_PROFILE_APP_ID_MISMATCH',
        'error:EXTENSION_BUNDLE_ID_PREFIX',
        'error:EXTENSION_INFO_PLIST_MISSING',
      ].sort(),
    )
    expect(summary.problems.find((p) => p.code === 'EXTENSION_PROFILE_NOT_APP_STORE')?.message).toContain(
      `${DEMO_BUNDLE_ID}.adhoc`,
    )
    expect(summary.extensions).toHaveLength(5)
  })

  test('every problem message says what to do', async () => {
    const summary = await inspect({
      profileType: 'development',
      expiresAt: new Date(NOW - DAY),
      profile: { appId: 'x.y' },
      usesNonExemptEncryption: null,
      version: 'x',
    })
    expect(summary.problems.length).toBeGreaterThanOrEqual(5)
    for (const problem of summary.problems) expect(problem.message).toMatch(/:|;/)
  })
})

describe('icon', () => {
  test('Xcode-crushed (CgBI) PNGs give null rather than a broken image', async () => {
    expect((await inspect({ icon: 'crushed' })).iconDataUrl).toBeNull()
  })

  test('no icon gives null', async () => {
    expect((await inspect({ icon: 'none' })).iconDataUrl).toBeNull()
  })
})

describe('cancel', () => {
  test('an aborted signal stops inspection with CANCELED', async () => {
    const file = await makeIpa({}, await tempDir())
    const controller = new AbortController()
    controller.abort()
    await expect(inspectBuild(file, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELED',
    })
  })
})
