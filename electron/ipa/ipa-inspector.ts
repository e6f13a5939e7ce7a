import type {
  BuildSummary,
  DeviceFamily,
  Platform,
  Problem,
  ProfileSummary,
} from '../../shared/build-summary'
import { badBuild } from './bad-build'
import { error, profileProblems, warning } from './build-problems'
import { EntryReader } from './entry-reader'
import {
  parsePlistDict,
  plistArray,
  plistBoolean,
  plistDict,
  plistString,
  type PlistDict,
  type PlistValue,
} from './plist-reader'
import {
  parseProvisioningProfile,
  appIdMatchesBundleId,
  type ProvisioningProfile,
} from './provisioning-profile'
import { BundleCollector } from './validation/bundle-layout'
import { validateBuild } from './validation/validate-build'
import { openZip, zipIntegrityProblems, type ZipArchive, type ZipEntry } from './zip-reader'

/** Real Info.plists are a few KiB; a profile with 100 devices is ~40 KiB. Anything near these caps is not a build. */
const MAX_INFO_PLIST_BYTES = 4 * 1024 * 1024
const MAX_PROFILE_BYTES = 2 * 1024 * 1024
/** The icon is a nicety: skip it rather than read a large file. */
const MAX_ICON_BYTES = 256 * 1024

export const ZIPPED_APP_REASON =
  'a zipped .app is not an uploadable build: export a .pkg from Xcode (Product > Archive > Distribute)'

const APP_ENTRY = /^Payload\/([^/]+)\.app\/(.*)$/
const APPEX_ENTRY = /^PlugIns\/([^/]+)\.appex\/(.*)$/
const ZIPPED_MAC_APP = /^(?:[^/]+\/)?[^/]+\.app\/Contents\/Info\.plist$/

interface Extension {
  readonly dir: string
  infoPlist?: ZipEntry
  profile?: ZipEntry
}

interface AppLayout {
  readonly appNames: readonly string[]
  readonly app: string
  readonly infoPlist: ZipEntry | undefined
  readonly profile: ZipEntry | undefined
  readonly extensions: readonly Extension[]
  readonly frameworks: readonly string[]
  readonly pngs: readonly ZipEntry[]
  readonly zippedMacApp: boolean
  /** The app's bundles (itself, extensions, frameworks) for the validation pass. */
  readonly bundles: BundleCollector
  /** Entries the bundle collector kept, by path inside the app folder. */
  readonly bundleEntries: ReadonlyMap<string, ZipEntry>
}

const FAMILY_BY_NUMBER: Readonly<Record<number, DeviceFamily>> = {
  1: 'iphone',
  2: 'ipad',
  3: 'tv',
  4: 'watch',
  6: 'mac',
  7: 'vision',
}

/**
 * Walks the central directory once, keeping only the few entries inspection reads. Frameworks and
 * extensions are recognised by name; nothing else is remembered, so memory does not grow with the app.
 */
async function readLayout(
  fd: number,
  size: number,
  signal: AbortSignal | undefined,
): Promise<{ zip: ZipArchive; layout: AppLayout }> {
  const apps = new Set<string>()
  const frameworks = new Set<string>()
  const appexDirs = new Set<string>()
  const collectors = new Map<string, BundleCollector>()
  let collector = new BundleCollector()
  let zippedMacApp = false
  // Entries of one app come together: the last app's prefix answers most names without the regex.
  let lastPrefix = '\0'
  let lastApp = ''
  const zip = await openZip(
    fd,
    size,
    (name) => {
      let appName: string
      let rest: string
      if (name.startsWith(lastPrefix)) {
        appName = lastApp
        rest = name.slice(lastPrefix.length)
        const forValidation = collector.note(rest)
        // Most of an app's files: not a plist, profile, framework, extension or top-level icon.
        if (rest.includes('/') && !rest.startsWith('Frameworks/') && !rest.startsWith('PlugIns/'))
          return forValidation
        return keepForSummary(appName, rest) || forValidation
      } else {
        const app = APP_ENTRY.exec(name)
        if (!app) {
          if (ZIPPED_MAC_APP.test(name)) zippedMacApp = true
          return false
        }
        appName = app[1] ?? ''
        rest = app[2] ?? ''
        lastApp = appName
        lastPrefix = `Payload/${appName}.app/`
        apps.add(appName)
        collector = collectors.get(appName) ?? new BundleCollector()
        collectors.set(appName, collector)
        const forValidation = collector.note(rest)
        return keepForSummary(appName, rest) || forValidation
      }
    },
    signal,
  )
  function keepForSummary(appName: string, rest: string): boolean {
    if (rest === 'Info.plist' || rest === 'embedded.mobileprovision') return true
    if (rest.startsWith('Frameworks/')) {
      const framework = rest.slice('Frameworks/'.length).split('/')[0]
      if (framework) frameworks.add(framework)
      return false
    }
    const appex = APPEX_ENTRY.exec(rest)
    if (appex) {
      appexDirs.add(`${appName}/${appex[1] ?? ''}`)
      return appex[2] === 'Info.plist' || appex[2] === 'embedded.mobileprovision'
    }
    return !rest.includes('/') && rest.toLowerCase().endsWith('.png')
  }
  const appNames = [...apps].sort()
  const app = appNames[0] ?? ''
  const inApp = (suffix: string): ZipEntry | undefined =>
    zip.entries.find((e) => e.name === `Payload/${app}.app/${suffix}`)
  const extensions = new Map<string, Extension>()
  for (const key of appexDirs) {
    const [owner, dir = ''] = key.split('/')
    if (owner === app) extensions.set(dir, { dir })
  }
  for (const entry of zip.entries) {
    const match = APP_ENTRY.exec(entry.name)
    if (!match || match[1] !== app) continue
    const appex = APPEX_ENTRY.exec(match[2] ?? '')
    if (!appex) continue
    const dir = appex[1] ?? ''
    const extension = extensions.get(dir)
    if (extension && appex[2] === 'Info.plist') extension.infoPlist = entry
    if (extension && appex[2] === 'embedded.mobileprovision') extension.profile = entry
  }
  const pngs = zip.entries.filter(
    (e) => e.name.startsWith(`Payload/${app}.app/`) && e.name.toLowerCase().endsWith('.png'),
  )
  return {
    zip,
    layout: {
      appNames,
      app,
      infoPlist: inApp('Info.plist'),
      profile: inApp('embedded.mobileprovision'),
      extensions: [...extensions.values()].sort((a, b) => a.dir.localeCompare(b.dir)),
      frameworks: [...frameworks].sort(),
      pngs,
      zippedMacApp,
      bundles: collectors.get(app) ?? new BundleCollector(),
      bundleEntries: new Map(
        zip.entries
          .filter((e) => e.name.startsWith(`Payload/${app}.app/`))
          .map((e) => [e.name.slice(`Payload/${app}.app/`.length), e]),
      ),
    },
  }
}

function platformOf(info: PlistDict): { platform: Platform; simulator: boolean } {
  const names = [...(plistArray(info, 'CFBundleSupportedPlatforms') ?? []), info['DTPlatformName'] ?? '']
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.toLowerCase())
  const simulator = names.some((n) => n.endsWith('simulator'))
  if (names.some((n) => n.startsWith('appletv'))) return { platform: 'TV_OS', simulator }
  if (names.some((n) => n.startsWith('xr'))) return { platform: 'VISION_OS', simulator }
  if (names.some((n) => n.startsWith('iphone'))) return { platform: 'IOS', simulator }
  if (names.some((n) => n === 'macosx')) return { platform: 'MAC_OS', simulator }
  return { platform: 'IOS', simulator }
}

function deviceFamiliesOf(info: PlistDict, platform: Platform): DeviceFamily[] {
  const raw = info['UIDeviceFamily']
  const numbers = (Array.isArray(raw) ? (raw as readonly PlistValue[]) : [raw])
    .map(Number)
    .filter((n) => Number.isInteger(n))
  const families = [
    ...new Set(numbers.map((n) => FAMILY_BY_NUMBER[n]).filter((f): f is DeviceFamily => f !== undefined)),
  ]
  if (families.length > 0) return families
  // Without UIDeviceFamily, iOS treats an app as iPhone-only; the other platforms have one family.
  return platform === 'TV_OS'
    ? ['tv']
    : platform === 'VISION_OS'
      ? ['vision']
      : platform === 'MAC_OS'
        ? ['mac']
        : ['iphone']
}

function iconNamesOf(info: PlistDict): string[] {
  const names: string[] = []
  for (const key of ['CFBundleIcons', 'CFBundleIcons~ipad']) {
    const files =
      plistArray(plistDict(plistDict(info, key), 'CFBundlePrimaryIcon'), 'CFBundleIconFiles') ?? []
    names.push(...files.filter((v): v is string => typeof v === 'string'))
  }
  names.push(
    ...(plistArray(info, 'CFBundleIconFiles') ?? []).filter((v): v is string => typeof v === 'string'),
  )
  const single = plistString(info, 'CFBundleIconFile')
  if (single) names.push(single)
  return names.map((n) => n.replace(/\.png$/i, ''))
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Xcode "crushes" iOS PNGs (a CgBI chunk before IHDR, BGRA, raw deflate): browsers cannot show them,
 * so such an icon is reported as absent rather than as a broken image.
 */
function pngDataUrl(bytes: Buffer): string | null {
  if (bytes.length < 16 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null
  return `data:image/png;base64,${bytes.toString('base64')}`
}

async function readIcon(
  zip: ZipArchive,
  layout: AppLayout,
  info: PlistDict,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  const bases = iconNamesOf(info)
  if (bases.length === 0) return null
  const candidates = layout.pngs
    .filter((e) => {
      const file = e.name.slice(`Payload/${layout.app}.app/`.length)
      return bases.some((base) => file.startsWith(base)) && e.uncompressedSize <= MAX_ICON_BYTES
    })
    .sort((a, b) => b.uncompressedSize - a.uncompressedSize)
  const best = candidates[0]
  if (!best) return null
  try {
    return pngDataUrl(await zip.readEntry(best, MAX_ICON_BYTES, signal))
  } catch {
    // Best effort by design: a damaged icon must not make an otherwise good build unreadable.
    return null
  }
}

function profileSummary(profile: ProvisioningProfile, bundleId: string): ProfileSummary {
  return {
    type: profile.type,
    name: profile.name,
    teamId: profile.teamId,
    teamName: profile.teamName,
    appIdName: profile.appIdName,
    expiresAt: profile.expiresAt.toISOString(),
    applicationIdentifier: profile.applicationIdentifier,
    matchesBundleId: appIdMatchesBundleId(profile.appIdPattern, bundleId),
  }
}

async function readExtensions(
  zip: ZipArchive,
  layout: AppLayout,
  appBundleId: string,
  now: number,
  signal: AbortSignal | undefined,
): Promise<{ extensions: BuildSummary['extensions']; problems: Problem[] }> {
  const extensions: { bundleId: string; kind: string }[] = []
  const problems: Problem[] = []
  for (const extension of layout.extensions) {
    if (!extension.infoPlist) {
      problems.push(
        error(
          'EXTENSION_INFO_PLIST_MISSING',
          `PlugIns/${extension.dir}.appex has no Info.plist: the extension is damaged; archive and export again`,
        ),
      )
      continue
    }
    const info = parsePlistDict(
      await zip.readEntry(extension.infoPlist, MAX_INFO_PLIST_BYTES, signal),
      extension.infoPlist.name,
    )
    const bundleId = plistString(info, 'CFBundleIdentifier') ?? ''
    const kind =
      plistString(plistDict(info, 'NSExtension'), 'NSExtensionPointIdentifier') ??
      plistString(plistDict(info, 'EXAppExtensionAttributes'), 'EXExtensionPointIdentifier') ??
      'unknown'
    extensions.push({ bundleId, kind })
    if (!bundleId.startsWith(`${appBundleId}.`)) {
      problems.push(
        error(
          'EXTENSION_BUNDLE_ID_PREFIX',
          `extension ${bundleId || extension.dir}: its bundle id must start with the app's (${appBundleId}.), App Store Connect rejects it otherwise: rename it in Xcode`,
        ),
      )
    }
    if (!extension.profile) {
      problems.push(
        error(
          'EXTENSION_PROFILE_MISSING',
          `extension ${bundleId || extension.dir} has no embedded.mobileprovision: sign it with an App Store profile and export again`,
        ),
      )
      continue
    }
    const profile = parseProvisioningProfile(
      await zip.readEntry(extension.profile, MAX_PROFILE_BYTES, signal),
      extension.profile.name,
    )
    problems.push(...profileProblems(profile, bundleId, now, { extension: true }))
  }
  return { extensions, problems }
}

/** Reads an .ipa through its zip central directory; `fd` is owned and closed here. */
export async function inspectIpa(
  file: string,
  fd: number,
  size: number,
  options: { now: number; signal: AbortSignal | undefined; validate: boolean },
): Promise<BuildSummary> {
  const { zip, layout } = await readLayout(fd, size, options.signal)
  try {
    if (layout.appNames.length === 0) {
      if (layout.zippedMacApp) throw badBuild(ZIPPED_APP_REASON)
      throw badBuild('not an iOS app archive: no Payload/*.app/Info.plist in the zip')
    }
    if (!layout.infoPlist)
      throw badBuild(`not an iOS app archive: Payload/${layout.app}.app has no Info.plist`)
    const info = parsePlistDict(
      await zip.readEntry(layout.infoPlist, MAX_INFO_PLIST_BYTES, options.signal),
      layout.infoPlist.name,
    )
    const bundleId = plistString(info, 'CFBundleIdentifier')
    if (!bundleId) throw badBuild(`${layout.infoPlist.name} has no CFBundleIdentifier`)
    const version = plistString(info, 'CFBundleShortVersionString')
    const buildNumber = plistString(info, 'CFBundleVersion')
    const { platform, simulator } = platformOf(info)
    const problems: Problem[] = []
    if (layout.appNames.length > 1) {
      problems.push(
        error(
          'MULTIPLE_APPS',
          `Payload holds ${layout.appNames.length} apps (${layout.appNames.map((n) => `${n}.app`).join(', ')}); an IPA must contain exactly one: export the archive again from Xcode`,
        ),
      )
    }
    if (simulator) {
      problems.push(
        error(
          'SIMULATOR_BUILD',
          'this is a simulator build; App Store Connect needs a device build: archive for "Any iOS Device" and export',
        ),
      )
    }

    let profile: ProfileSummary | null = null
    if (layout.profile) {
      const parsed = parseProvisioningProfile(
        await zip.readEntry(layout.profile, MAX_PROFILE_BYTES, options.signal),
        layout.profile.name,
      )
      profile = profileSummary(parsed, bundleId)
      problems.push(...profileProblems(parsed, bundleId, options.now, { extension: false }))
    } else {
      problems.push(
        error(
          'PROFILE_MISSING',
          `Payload/${layout.app}.app has no embedded.mobileprovision: App Store builds must be signed with an App Store distribution profile; export again from Xcode with the "App Store Connect" method`,
        ),
      )
    }
    const extensions = await readExtensions(zip, layout, bundleId, options.now, options.signal)
    problems.push(...extensions.problems)
    const deviceFamilies = deviceFamiliesOf(info, platform)
    if (options.validate)
      problems.push(
        ...(await validateBuild({
          appDir: `Payload/${layout.app}.app`,
          collector: layout.bundles,
          entries: layout.bundleEntries,
          appInfo: info,
          platform,
          deviceFamilies,
          reader: new EntryReader(fd, size),
          now: options.now,
          signal: options.signal,
        })),
      )

    const usesNonExemptEncryption = plistBoolean(info, 'ITSAppUsesNonExemptEncryption') ?? null
    if (usesNonExemptEncryption === null) {
      problems.push(
        warning(
          'EXPORT_COMPLIANCE_MISSING',
          'Info.plist has no ITSAppUsesNonExemptEncryption, so the build would wait for export compliance: Ascent answers with the release setting uses_non_exempt_encryption (default No); add the key to Info.plist to make it permanent',
        ),
      )
    }
    const iconDataUrl = await readIcon(zip, layout, info, options.signal)
    problems.push(...zipIntegrityProblems(zip))
    return {
      file,
      kind: 'ipa',
      bundleId,
      version: version ?? buildNumber ?? '',
      buildNumber: buildNumber ?? '',
      platform,
      minimumOSVersion:
        plistString(info, 'MinimumOSVersion') ?? plistString(info, 'LSMinimumSystemVersion') ?? null,
      deviceFamilies,
      sizeBytes: size,
      profile,
      extensions: extensions.extensions,
      frameworks: [...layout.frameworks],
      problems,
      displayName: plistString(info, 'CFBundleDisplayName') ?? plistString(info, 'CFBundleName') ?? null,
      usesNonExemptEncryption,
      iconDataUrl,
    }
  } finally {
    zip.close()
  }
}
