import { describe, expect, test } from 'vitest'
import { inspectBuild } from '../../../electron/ipa'
import { hasBlockingProblems, type BuildSummary, type Problem } from '../../../shared/build-summary'
import {
  DEMO_BUNDLE_ID,
  encodePlist,
  infoPlistFor,
  makeIpa,
  type FrameworkOptions,
  type IpaOptions,
} from '../../fixtures/build-factory'
import { makeMachO } from '../../fixtures/macho-factory'
import { useTempDir } from './temp-dir'

/** Apple's upload validation, bundle by bundle: each variant of the valid demo build breaks one rule. */

const tempDir = useTempDir()
const NOW = Date.parse('2026-12-01T00:00:00Z')
const DAY = 24 * 3600 * 1000
const APP = 'AscentDemo.app'

async function inspect(options: IpaOptions, now = NOW): Promise<BuildSummary> {
  const file = await makeIpa({ expiresAt: new Date(NOW + 365 * DAY), ...options }, await tempDir())
  return inspectBuild(file, { now: () => now })
}

function codes(summary: BuildSummary): string[] {
  return summary.problems.map((p) => `${p.severity}:${p.code}`)
}

function only(summary: BuildSummary, code: string): Problem {
  const found = summary.problems.filter((p) => p.code === code)
  expect(found, JSON.stringify(summary.problems, null, 1)).toHaveLength(1)
  return found[0]!
}

function framework(options: Partial<FrameworkOptions> & { name?: string }): IpaOptions {
  return { frameworks: ['AscentKit.framework', { name: 'Vendor.framework', ...options }] }
}

const VENDOR = `${APP}/Frameworks/Vendor.framework`

describe('a current, valid App Store build', () => {
  test.each<[string, IpaOptions]>([
    ['the demo app', {}],
    [
      'iPhone and iPad with an extension and several frameworks',
      {
        extensions: [{ bundleId: `${DEMO_BUNDLE_ID}.widget`, name: 'Widget' }],
        frameworks: [
          'AscentKit.framework',
          { name: 'Alamofire.framework', privacyManifest: true },
          'libswift_Concurrency.dylib',
        ],
      },
    ],
    [
      'an iPad app that requires full screen, with two orientations',
      {
        deviceFamilies: [2],
        infoPlistExtra: {
          UIRequiresFullScreen: true,
          UISupportedInterfaceOrientations: ['UIInterfaceOrientationPortrait'],
        },
      },
    ],
    [
      'an iPhone-only app with one orientation and no launch screen key',
      {
        deviceFamilies: [1],
        infoPlistExtra: {
          UISupportedInterfaceOrientations: ['UIInterfaceOrientationPortrait'],
          UILaunchStoryboardName: undefined,
        },
      },
    ],
    ['a tvOS app', { platform: 'TV_OS' }],
    ['a visionOS app', { platform: 'VISION_OS' }],
    ['binary plists everywhere', { plistFormat: 'binary' }],
    [
      'an older linker (LC_VERSION_MIN_IPHONEOS) on the 26 SDK',
      { executable: { versionCommand: 'version-min' } },
    ],
    [
      'a framework whose privacy manifest sits in a resource bundle',
      {
        frameworks: ['AscentKit.framework', 'FirebaseCore.framework'],
        extraEntries: {
          [`Payload/${APP}/Frameworks/FirebaseCore.framework/FirebaseCore_Privacy.bundle/PrivacyInfo.xcprivacy`]:
            Buffer.from('<plist/>'),
        },
      },
    ],
    ['a build number with four numeric parts (a warning only)', { buildNumber: '24.1.0.0' }],
  ])('%s has no error problem', async (_, options) => {
    const summary = await inspect(options)
    expect(summary.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(hasBlockingProblems(summary)).toBe(false)
  })
})

describe('SDK floor (ITMS-90725)', () => {
  test('an app built with the iOS 18.2 SDK is refused, naming the app, the SDK and the fix', async () => {
    const problem = only(await inspect({ sdkVersion: '18.2' }), 'SDK_TOO_OLD')
    expect(problem).toMatchObject({ severity: 'error', itms: 'ITMS-90725', bundle: APP })
    expect(problem.message).toMatch(
      /^AscentDemo\.app: built with the iOS 18\.2 SDK .*\(ITMS-90725\): archive again with Xcode 26/,
    )
  })

  test.each<[string, IpaOptions]>([
    ['DTPlatformVersion alone', { infoPlistExtra: { DTPlatformVersion: '17.5' } }],
    ['DTSDKName alone', { infoPlistExtra: { DTSDKName: 'iphoneos18.0' } }],
    ['LC_BUILD_VERSION alone', { executable: { sdk: '18.4' } }],
    ['LC_VERSION_MIN_IPHONEOS', { executable: { versionCommand: 'version-min', sdk: '16.2' } }],
  ])('the oldest SDK any source names counts: %s', async (_, options) => {
    expect(only(await inspect(options), 'SDK_TOO_OLD').severity).toBe('error')
  })

  test('before April 28, 2026 the same build was only warned about', async () => {
    const summary = await inspect({ sdkVersion: '18.2' }, Date.parse('2026-03-01T00:00:00Z'))
    expect(only(summary, 'SDK_TOO_OLD').severity).toBe('warning')
  })

  test('a tvOS app on the tvOS 18 SDK is refused too', async () => {
    expect(only(await inspect({ platform: 'TV_OS', sdkVersion: '18.0' }), 'SDK_TOO_OLD').message).toContain(
      'tvOS 18.0 SDK',
    )
  })
})

describe('app icon (ITMS-90713, ITMS-90704)', () => {
  test('no CFBundleIconName is refused', async () => {
    const summary = await inspect({
      infoPlistExtra: { CFBundleIcons: { CFBundlePrimaryIcon: { CFBundleIconFiles: ['AppIcon60x60'] } } },
    })
    expect(only(summary, 'APP_ICON_NAME_MISSING')).toMatchObject({
      severity: 'error',
      itms: 'ITMS-90713',
      bundle: APP,
    })
  })

  test('an iPad icon set without a name is refused as well', async () => {
    const summary = await inspect({
      infoPlistExtra: {
        'CFBundleIcons~ipad': { CFBundlePrimaryIcon: { CFBundleIconFiles: ['AppIcon76x76'] } },
      },
    })
    expect(only(summary, 'APP_ICON_NAME_MISSING').message).toContain('CFBundleIcons~ipad')
  })

  test('no Assets.car is refused', async () => {
    expect(only(await inspect({ assetCatalog: false }), 'ASSET_CATALOG_MISSING').itms).toBe('ITMS-90704')
  })
})

describe('iPad multitasking (ITMS-90474, ITMS-90475)', () => {
  test('an iPad app with two orientations and no UIRequiresFullScreen is refused, naming the missing ones', async () => {
    const summary = await inspect({
      infoPlistExtra: {
        UISupportedInterfaceOrientations: [
          'UIInterfaceOrientationPortrait',
          'UIInterfaceOrientationLandscapeLeft',
        ],
      },
    })
    const problem = only(summary, 'IPAD_ORIENTATIONS')
    expect(problem).toMatchObject({ severity: 'error', itms: 'ITMS-90474', bundle: APP })
    expect(problem.message).toContain(
      'UIInterfaceOrientationPortraitUpsideDown, UIInterfaceOrientationLandscapeRight',
    )
    expect(problem.fix).toMatch(/UIRequiresFullScreen/)
  })

  test('iPad reads the ~ipad key when there is one', async () => {
    const summary = await inspect({
      infoPlistExtra: { 'UISupportedInterfaceOrientations~ipad': ['UIInterfaceOrientationPortrait'] },
    })
    expect(only(summary, 'IPAD_ORIENTATIONS').message).toContain('UISupportedInterfaceOrientations~ipad')
  })

  test('no launch screen is refused for a multitasking iPad app', async () => {
    const summary = await inspect({ infoPlistExtra: { UILaunchStoryboardName: undefined } })
    expect(only(summary, 'IPAD_LAUNCH_SCREEN').itms).toBe('ITMS-90475')
  })
})

describe('architectures, bitcode, encryption (ITMS-90087, 90086, 90482, 90125)', () => {
  test('a framework with x86_64 and i386 simulator slices is refused, naming the framework', async () => {
    const summary = await inspect(
      framework({ executable: { fat: [{ cpu: 'x86_64' }, { cpu: 'i386' }, { cpu: 'arm64' }] } }),
    )
    const problem = only(summary, 'SIMULATOR_SLICE')
    expect(problem).toMatchObject({ severity: 'error', itms: 'ITMS-90087', bundle: VENDOR })
    expect(problem.message).toContain("unsupported architectures '[x86_64, i386]'")
    expect(problem.message).toMatch(/^AscentDemo\.app\/Frameworks\/Vendor\.framework: /)
  })

  test('a framework built for the iOS Simulator (arm64, LC_BUILD_VERSION platform 7) is refused', async () => {
    const summary = await inspect(framework({ executable: { platform: 'iOS Simulator' } }))
    expect(only(summary, 'SIMULATOR_SLICE').message).toContain('iOS Simulator')
  })

  test('an app without an arm64 slice is refused', async () => {
    const summary = await inspect({ executable: { cpu: 'armv7' } })
    expect(only(summary, 'ARM64_MISSING')).toMatchObject({ itms: 'ITMS-90086', bundle: APP })
  })

  test('bitcode in a framework is refused', async () => {
    expect(only(await inspect(framework({ executable: { bitcode: true } })), 'BITCODE').bundle).toBe(VENDOR)
  })

  test('an executable without LC_ENCRYPTION_INFO, or already encrypted, is refused', async () => {
    expect(
      only(await inspect(framework({ executable: { cryptId: null } })), 'ENCRYPTION_INFO_MISSING').itms,
    ).toBe('ITMS-90125')
    expect(only(await inspect({ executable: { cryptId: 1 } }), 'BINARY_ENCRYPTED').bundle).toBe(APP)
  })

  test('load commands past the first read are read too (an app linking 400 dylibs)', async () => {
    const dylibs = Array.from({ length: 400 }, (_, i) => `@rpath/Library${i}.framework/Library${i}`)
    const summary = await inspect({ executable: { dylibs, sdk: '18.0', codeBytes: 4 * 1024 * 1024 } })
    expect(only(summary, 'SDK_TOO_OLD').message).toContain('LC_BUILD_VERSION')
  })

  test('load commands followed by zero padding are read whole (the padding inflates ~1000x)', async () => {
    // Linkers pad the header to a page boundary with zeros: a prefix reaching into them inflates to far
    // more than was asked, and the commands before them must still be read in full.
    const dylibs = Array.from({ length: 400 }, (_, i) => `@rpath/Library${i}.framework/Library${i}`)
    const executable = Buffer.concat([
      makeMachO({ dylibs, sdk: '18.0', codeBytes: 0 }),
      Buffer.alloc(8 * 1024 * 1024),
      makeMachO({ codeBytes: 64 * 1024 }),
    ])
    const summary = await inspect({ executable })
    expect(only(summary, 'SDK_TOO_OLD').message).toContain('LC_BUILD_VERSION')
  })

  test('a fat framework: the arm64 slice behind the zero padding lipo writes is read (bitcode found)', async () => {
    const summary = await inspect(
      framework({ executable: { fat: [{ cpu: 'armv7' }, { cpu: 'arm64', bitcode: true }] } }),
    )
    expect(only(summary, 'BITCODE').bundle).toBe(VENDOR)
  })

  test('an executable that is not Mach-O is a warning, not a guess', async () => {
    const summary = await inspect(framework({ executable: Buffer.from('not a binary') }))
    expect(only(summary, 'EXECUTABLE_UNREADABLE').severity).toBe('warning')
  })

  test('a framework whose binary is missing is refused', async () => {
    const summary = await inspect(framework({ infoPlist: { CFBundleExecutable: 'Elsewhere' } }))
    expect(only(summary, 'EXECUTABLE_MISSING').bundle).toBe(VENDOR)
  })
})

describe('version formats in every bundle (ITMS-90060, 90058, 90059)', () => {
  test('a framework whose versions are not numeric is refused, naming the framework', async () => {
    const summary = await inspect(
      framework({
        infoPlist: { CFBundleShortVersionString: '5.0.0-beta1', CFBundleVersion: '8.22.3-beta.0' },
      }),
    )
    expect(only(summary, 'VERSION_FORMAT')).toMatchObject({
      severity: 'error',
      itms: 'ITMS-90060',
      bundle: VENDOR,
    })
    expect(only(summary, 'BUILD_NUMBER_FORMAT')).toMatchObject({
      severity: 'error',
      itms: 'ITMS-90058',
      bundle: VENDOR,
    })
    expect(only(summary, 'VERSION_FORMAT').message).toContain('"5.0.0-beta1"')
  })

  test.each<[string, Record<string, unknown>, string]>([
    [
      'an unexpanded build setting',
      { CFBundleVersion: '$(CURRENT_PROJECT_VERSION)' },
      'BUILD_NUMBER_UNEXPANDED',
    ],
    ['19 characters', { CFBundleVersion: '1234567890.12345678' }, 'BUILD_NUMBER_TOO_LONG'],
    ['an <integer> CFBundleVersion', { CFBundleVersion: 7 }, 'BUILD_NUMBER_NOT_STRING'],
    ['a <real> CFBundleShortVersionString', { CFBundleShortVersionString: 1.5 }, 'VERSION_NOT_STRING'],
    ['four-part short version', { CFBundleShortVersionString: '1.2.3.4' }, 'VERSION_FORMAT'],
    ['no CFBundleVersion', { CFBundleVersion: undefined }, 'BUILD_NUMBER_MISSING'],
    ['no CFBundleShortVersionString', { CFBundleShortVersionString: undefined }, 'VERSION_MISSING'],
  ])('a framework with %s is refused', async (_, infoPlist, code) => {
    const summary = await inspect(framework({ infoPlist: infoPlist as FrameworkOptions['infoPlist'] }))
    expect(only(summary, code)).toMatchObject({ severity: 'error', bundle: VENDOR })
  })

  test('the app and an extension follow the same rules; <integer> is not silently a string', async () => {
    const app = await inspect({ infoPlistExtra: { CFBundleVersion: 100, CFBundleShortVersionString: 2 } })
    expect(codes(app)).toEqual(['error:VERSION_NOT_STRING', 'error:BUILD_NUMBER_NOT_STRING'])
    expect(app.problems[0]?.message).toContain('<integer>')
    const extension = await inspect({
      extensions: [
        { bundleId: `${DEMO_BUNDLE_ID}.widget`, name: 'Widget', infoPlist: { CFBundleVersion: '100-rc' } },
      ],
    })
    expect(only(extension, 'BUILD_NUMBER_FORMAT').bundle).toBe(`${APP}/PlugIns/Widget.appex`)
  })

  test('a million-digit version is refused with a short message', async () => {
    const huge = '9'.repeat(1_000_000)
    const app = await inspect({ version: huge, buildNumber: huge })
    expect(codes(app)).toEqual(['error:VERSION_FORMAT', 'error:BUILD_NUMBER_TOO_LONG'])
    const inFramework = await inspect(framework({ infoPlist: { CFBundleShortVersionString: huge } }))
    expect(hasBlockingProblems(inFramework)).toBe(true)
    for (const p of [...app.problems, ...inFramework.problems]) expect(p.message.length).toBeLessThan(400)
  })

  test('an extension whose build number differs from the app is a warning (ITMS-90473)', async () => {
    const summary = await inspect({
      extensions: [
        { bundleId: `${DEMO_BUNDLE_ID}.widget`, name: 'Widget', infoPlist: { CFBundleVersion: '99' } },
      ],
    })
    expect(only(summary, 'EXTENSION_VERSION_MISMATCH')).toMatchObject({
      severity: 'warning',
      itms: 'ITMS-90473',
      bundle: `${APP}/PlugIns/Widget.appex`,
    })
  })
})

describe('NUL bytes in an XML plist', () => {
  test('in the app Info.plist the build is unreadable (exit 2 in the CLI)', async () => {
    const xml = encodePlist(infoPlistFor({}))
      .toString('utf8')
      .replace('<string>1.1.0</string>', '<string>1.1.0\0-beta</string>')
    await expect(inspect({ infoPlistBytes: Buffer.from(xml) })).rejects.toMatchObject({
      code: 'BAD_BUILD',
      message: expect.stringMatching(/Info\.plist is not a valid property list \(it contains NUL bytes/),
    })
  })

  test('in a framework Info.plist it is an error problem naming the framework', async () => {
    const summary = await inspect({
      frameworks: ['AscentKit.framework', { name: 'Vendor.framework', omitInfoPlist: true }],
      extraEntries: {
        [`Payload/${APP}/Frameworks/Vendor.framework/Info.plist`]: Buffer.from(
          '<?xml version="1.0"?><plist version="1.0"><dict><key>CFBundleVersion</key><string>1\0</string></dict></plist>',
        ),
      },
    })
    expect(only(summary, 'INFO_PLIST_INVALID')).toMatchObject({ severity: 'error', bundle: VENDOR })
  })
})

describe('privacy (ITMS-91061, 91053, 90683)', () => {
  test("a framework on Apple's list of commonly used SDKs without a privacy manifest is refused", async () => {
    const summary = await inspect({ frameworks: ['AscentKit.framework', 'Alamofire.framework'] })
    const problem = only(summary, 'PRIVACY_MANIFEST_MISSING')
    expect(problem).toMatchObject({
      severity: 'error',
      itms: 'ITMS-91061',
      bundle: `${APP}/Frameworks/Alamofire.framework`,
    })
    expect(problem.message).toContain("Alamofire is on Apple's list")
  })

  test('a framework not on the list needs no manifest', async () => {
    expect((await inspect({ frameworks: ['HomeGrownKit.framework'] })).problems).toEqual([])
  })

  test('an app without its own privacy manifest gets a warning', async () => {
    expect(codes(await inspect({ privacyManifest: false }))).toEqual(['warning:APP_PRIVACY_MANIFEST_MISSING'])
  })

  test('an app linking CoreLocation without a location purpose string gets a warning naming the key', async () => {
    const executable = { dylibs: ['/System/Library/Frameworks/CoreLocation.framework/CoreLocation'] }
    const missing = only(await inspect({ executable }), 'PURPOSE_STRING_MISSING')
    expect(missing).toMatchObject({ severity: 'warning', itms: 'ITMS-90683' })
    expect(missing.message).toContain('NSLocationWhenInUseUsageDescription')
    const given = await inspect({
      executable,
      infoPlistExtra: { NSLocationWhenInUseUsageDescription: 'Maps' },
    })
    expect(given.problems).toEqual([])
  })
})

describe('bundle structure (ITMS-90685, 90171, 90206, 90208)', () => {
  test('a framework with the app bundle id is refused as a duplicate', async () => {
    const summary = await inspect(framework({ infoPlist: { CFBundleIdentifier: DEMO_BUNDLE_ID } }))
    const problem = only(summary, 'BUNDLE_ID_DUPLICATE')
    expect(problem).toMatchObject({ severity: 'error', itms: 'ITMS-90685', bundle: VENDOR })
    expect(problem.message).toContain(APP)
  })

  test('static libraries, object files and stray dylibs are refused, named', async () => {
    const summary = await inspect({
      extraEntries: {
        [`Payload/${APP}/libVendor.a`]: Buffer.from('!<arch>\n'),
        [`Payload/${APP}/Resources/helper.dylib`]: makeMachO({ fileType: 6 }),
      },
    })
    const problem = only(summary, 'LOOSE_BINARY')
    expect(problem).toMatchObject({ severity: 'error', itms: 'ITMS-90171' })
    expect(problem.message).toContain('libVendor.a, Resources/helper.dylib')
  })

  test('an extension with its own Frameworks folder is refused', async () => {
    const summary = await inspect({
      extensions: [{ bundleId: `${DEMO_BUNDLE_ID}.widget`, name: 'Widget' }],
      extraEntries: { [`Payload/${APP}/PlugIns/Widget.appex/Frameworks/Kit.framework/Kit`]: makeMachO() },
    })
    expect(only(summary, 'EXTENSION_FRAMEWORKS_FOLDER').bundle).toBe(`${APP}/PlugIns/Widget.appex`)
  })

  test('a framework that needs a newer OS than the app is refused', async () => {
    const summary = await inspect(framework({ infoPlist: { MinimumOSVersion: '17.0' } }))
    expect(only(summary, 'FRAMEWORK_MINIMUM_OS')).toMatchObject({ itms: 'ITMS-90208', bundle: VENDOR })
  })

  test('a framework without an Info.plist is refused', async () => {
    expect(only(await inspect(framework({ omitInfoPlist: true })), 'INFO_PLIST_MISSING').bundle).toBe(VENDOR)
  })
})
