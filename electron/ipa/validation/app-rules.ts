import type { DeviceFamily, Platform } from '../../../shared/build-summary'
import { plistArray, plistBoolean, plistDict, plistString, type PlistDict } from '../plist-reader'
import type { MachOFile } from '../macho'
import { compareVersions } from './version-rules'
import type { Finding } from './problem'

/**
 * The SDK floor, dated. Source: Apple's "Upcoming requirements" announcement on developer.apple.com/news
 * (2026): from April 28, 2026, apps uploaded to App Store Connect must be built with the iOS 26 SDK or
 * later (tvOS, visionOS and watchOS 26 alike; macOS is not named). Refused uploads since then read
 * "ITMS-90725: SDK version issue. This app was built with the iOS 18.2 SDK. All iOS and iPadOS apps must
 * be built with the iOS 26 SDK or later"; before the date the same words came as a warning. Raise
 * `major` and `from` with Apple's next announcement.
 */
const SDK_FLOOR = {
  major: 26,
  from: Date.parse('2026-04-28T00:00:00Z'),
  fromText: 'April 28, 2026',
  platforms: ['IOS', 'TV_OS', 'VISION_OS'] as readonly Platform[],
} as const

/** Apple mails a warning (ITMS-90068, August 2026) for apps below this: "Starting in Spring 2027… 15.0 or later". */
const MINIMUM_OS_WARNING = { IOS: '15.0' } as const

const PLATFORM_WORD: Readonly<Record<Platform, string>> = {
  IOS: 'iOS',
  TV_OS: 'tvOS',
  VISION_OS: 'visionOS',
  MAC_OS: 'macOS',
}

interface SdkSource {
  readonly version: string
  readonly from: string
}

/** Every place that states the SDK: Xcode writes the plist keys, the linker LC_BUILD_VERSION. */
function sdkSources(info: PlistDict, executable: MachOFile | null): SdkSource[] {
  const sources: SdkSource[] = []
  const platformVersion = plistString(info, 'DTPlatformVersion')
  if (platformVersion && /^\d+(\.\d+)*$/.test(platformVersion))
    sources.push({ version: platformVersion, from: 'DTPlatformVersion' })
  const sdkName = /(\d+(?:\.\d+)*)$/.exec(plistString(info, 'DTSDKName') ?? '')?.[1]
  if (sdkName) sources.push({ version: sdkName, from: 'DTSDKName' })
  if (executable && executable.kind !== 'not-mach-o') {
    for (const slice of executable.slices) {
      const sdk = slice.commands?.sdk
      // 0.0 is what a linker writes when it was not told the SDK: no information.
      if (sdk && sdk !== '0.0') sources.push({ version: sdk, from: 'the executable (LC_BUILD_VERSION)' })
    }
  }
  return sources
}

export function sdkFindings(
  info: PlistDict,
  executable: MachOFile | null,
  platform: Platform,
  now: number,
): Finding[] {
  if (!SDK_FLOOR.platforms.includes(platform)) return []
  const word = PLATFORM_WORD[platform]
  const sources = sdkSources(info, executable)
  if (sources.length === 0)
    return [
      {
        severity: 'warning',
        code: 'SDK_UNKNOWN',
        itms: 90725,
        what: 'neither Info.plist (DTPlatformVersion, DTSDKName) nor the executable says which SDK built the app',
        fix: `archive with Xcode ${SDK_FLOOR.major} or later, which writes both; App Store Connect needs the ${word} ${SDK_FLOOR.major} SDK`,
      },
    ]
  const oldest = sources.reduce((a, b) => (compareVersions(b.version, a.version) < 0 ? b : a))
  if (compareVersions(oldest.version, String(SDK_FLOOR.major)) >= 0) return []
  const enforced = now >= SDK_FLOOR.from
  return [
    {
      severity: enforced ? 'error' : 'warning',
      code: 'SDK_TOO_OLD',
      itms: 90725,
      what: `built with the ${word} ${oldest.version} SDK (${oldest.from}); ${enforced ? 'since' : 'from'} ${SDK_FLOOR.fromText} App Store Connect ${enforced ? 'refuses' : 'will refuse'} ${word} apps not built with the ${word} ${SDK_FLOOR.major} SDK or later`,
      fix: `archive again with Xcode ${SDK_FLOOR.major} or later (the ${word} ${SDK_FLOOR.major} SDK) and upload that build`,
    },
  ]
}

function primaryIconName(info: PlistDict, key: string): string | undefined {
  return plistString(plistDict(plistDict(info, key), 'CFBundlePrimaryIcon'), 'CFBundleIconName')
}

/** ITMS-90713 (the asset-catalog icon name) and ITMS-90704 (no asset catalog for the 1024-pixel icon). */
export function iconFindings(
  info: PlistDict,
  platform: Platform,
  families: readonly DeviceFamily[],
  hasAssetCatalog: boolean,
): Finding[] {
  if (platform === 'MAC_OS') return []
  const findings: Finding[] = []
  if (platform === 'IOS') {
    const missing: string[] = []
    if (!primaryIconName(info, 'CFBundleIcons')) missing.push('CFBundleIcons')
    if (
      families.includes('ipad') &&
      plistDict(info, 'CFBundleIcons~ipad') &&
      !primaryIconName(info, 'CFBundleIcons~ipad')
    )
      missing.push('CFBundleIcons~ipad')
    if (missing.length > 0)
      findings.push({
        severity: 'error',
        code: 'APP_ICON_NAME_MISSING',
        itms: 90713,
        what: `Info.plist has no CFBundleIconName in ${missing.join(' and ')} > CFBundlePrimaryIcon, so App Store Connect cannot find the app icon`,
        fix: 'add the app icon to an asset catalog and choose it in the target (General > App Icons), which writes CFBundleIconName; then archive again',
      })
  }
  if (!hasAssetCatalog)
    findings.push({
      severity: 'error',
      code: 'ASSET_CATALOG_MISSING',
      itms: 90704,
      what: 'the app has no Assets.car, so it has no 1024 x 1024 App Store icon',
      fix: 'add an asset catalog with an App Icon set (1024 x 1024 PNG, no alpha) to the app target and archive again',
    })
  return findings
}

const IPAD_ORIENTATIONS = [
  'UIInterfaceOrientationPortrait',
  'UIInterfaceOrientationPortraitUpsideDown',
  'UIInterfaceOrientationLandscapeLeft',
  'UIInterfaceOrientationLandscapeRight',
] as const

/**
 * ITMS-90474/90475: an iPad app that can run in Split View (it does not set UIRequiresFullScreen) must
 * support all four orientations and have a launch screen. iPad reads the `~ipad` key when there is one.
 */
export function iPadMultitaskingFindings(
  info: PlistDict,
  platform: Platform,
  families: readonly DeviceFamily[],
): Finding[] {
  if (platform !== 'IOS' || !families.includes('ipad')) return []
  const fullScreen =
    plistBoolean(info, 'UIRequiresFullScreen~ipad') ?? plistBoolean(info, 'UIRequiresFullScreen')
  if (fullScreen === true) return []
  const findings: Finding[] = []
  const key = plistArray(info, 'UISupportedInterfaceOrientations~ipad')
    ? 'UISupportedInterfaceOrientations~ipad'
    : 'UISupportedInterfaceOrientations'
  const listed = new Set(plistArray(info, key) ?? [])
  const missing = IPAD_ORIENTATIONS.filter((o) => !listed.has(o))
  if (missing.length > 0)
    findings.push({
      severity: 'error',
      code: 'IPAD_ORIENTATIONS',
      itms: 90474,
      what: `the app runs on iPad with multitasking (no UIRequiresFullScreen) but ${key} lacks ${missing.join(', ')}; iPad multitasking needs all four orientations`,
      fix: 'support all four orientations for iPad (target > General > Device Orientation, iPad), or set UIRequiresFullScreen to YES (Requires full screen)',
    })
  const launch = [
    'UILaunchStoryboardName',
    'UILaunchStoryboardName~ipad',
    'UILaunchScreen',
    'UILaunchScreen~ipad',
  ]
  if (!launch.some((k) => info[k] !== undefined))
    findings.push({
      severity: 'error',
      code: 'IPAD_LAUNCH_SCREEN',
      itms: 90475,
      what: 'the app runs on iPad with multitasking but has no launch screen (UILaunchStoryboardName or UILaunchScreen)',
      fix: 'add a launch storyboard or a UILaunchScreen entry to Info.plist, or set UIRequiresFullScreen to YES',
    })
  return findings
}

export function minimumOsFindings(info: PlistDict, platform: Platform): Finding[] {
  const minimum = plistString(info, 'MinimumOSVersion')
  if (platform !== 'IOS' || !minimum || !/^\d+(\.\d+)*$/.test(minimum)) return []
  if (compareVersions(minimum, MINIMUM_OS_WARNING.IOS) >= 0) return []
  return [
    {
      severity: 'warning',
      code: 'MINIMUM_OS_TOO_LOW',
      itms: 90068,
      what: `MinimumOSVersion ${minimum} is below ${MINIMUM_OS_WARNING.IOS}; Apple has announced it will require ${MINIMUM_OS_WARNING.IOS} or later from spring 2027`,
      fix: `raise the deployment target to iOS ${MINIMUM_OS_WARNING.IOS} or later when you can`,
    },
  ]
}

export function appPrivacyManifestFindings(platform: Platform, hasPrivacyManifest: boolean): Finding[] {
  if (platform === 'MAC_OS' || hasPrivacyManifest) return []
  return [
    {
      severity: 'warning',
      code: 'APP_PRIVACY_MANIFEST_MISSING',
      itms: 91053,
      what: 'the app has no PrivacyInfo.xcprivacy; App Store Connect mails ITMS-91053 when the app uses an API that needs a declared reason (UserDefaults, file timestamps, system boot time, disk space)',
      fix: 'add a privacy manifest (File > New > File > App Privacy) to the app target, declaring the reasons for the APIs it uses',
    },
  ]
}
