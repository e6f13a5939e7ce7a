import type { Platform } from '../../../shared/build-summary'
import {
  CPU_TYPE_ARM64,
  CPU_TYPE_X86,
  CPU_TYPE_X86_64,
  MACHO_PLATFORMS,
  cpuTypeName,
  type MachOFile,
} from '../macho'
import type { PlistDict } from '../plist-reader'
import type { Finding } from './problem'

/**
 * What App Store Connect checks in every executable of an iOS, tvOS or visionOS build: device slices
 * only (ITMS-90087), a 64-bit ARM slice (ITMS-90086), no bitcode (ITMS-90482, refused since Xcode 14),
 * and the encryption info the linker writes for FairPlay, present and not yet encrypted (ITMS-90125).
 */
export function executableFindings(file: MachOFile, platform: Platform, name: string): Finding[] {
  if (platform === 'MAC_OS') return []
  if (file.kind === 'not-mach-o')
    return [
      {
        severity: 'warning',
        code: 'EXECUTABLE_UNREADABLE',
        what: `the executable ${name} is not a Mach-O file Ascent can read, so its architectures, SDK and encryption were not checked`,
        fix: 'make sure the bundle holds the binary Xcode built; App Store Connect checks it on upload',
      },
    ]
  const findings: Finding[] = []
  const simulatorArchs = file.slices
    .filter((s) => s.cpuType === CPU_TYPE_X86_64 || s.cpuType === CPU_TYPE_X86)
    .map((s) => cpuTypeName(s.cpuType))
  const simulatorPlatforms = file.slices
    .map((s) => (s.commands?.platform == null ? undefined : MACHO_PLATFORMS[s.commands.platform]))
    .filter((p) => p?.simulator)
    .map((p) => p?.name ?? '')
  if (simulatorArchs.length > 0 || simulatorPlatforms.length > 0) {
    const what =
      simulatorArchs.length > 0
        ? `the executable ${name} contains unsupported architectures '[${simulatorArchs.join(', ')}]' (simulator slices)`
        : `the executable ${name} is built for the ${simulatorPlatforms[0]} (LC_BUILD_VERSION), not for devices`
    findings.push({
      severity: 'error',
      code: 'SIMULATOR_SLICE',
      itms: 90087,
      what,
      fix: 'embed the device build: use the ios-arm64 slice of the XCFramework (not a fat simulator+device framework), or strip simulator architectures with lipo before archiving',
    })
  }
  if (!file.slices.some((s) => s.cpuType === CPU_TYPE_ARM64))
    findings.push({
      severity: 'error',
      code: 'ARM64_MISSING',
      itms: 90086,
      what: `the executable ${name} has no arm64 slice (it has ${file.slices.map((s) => cpuTypeName(s.cpuType)).join(', ') || 'none'})`,
      fix: 'build for arm64 (Architectures: Standard Architectures) or embed a framework release that includes arm64',
    })
  const device = file.slices.filter(
    (s) =>
      s.cpuType === CPU_TYPE_ARM64 && s.commands && !MACHO_PLATFORMS[s.commands.platform ?? -1]?.simulator,
  )
  if (device.some((s) => s.commands?.segments.includes('__LLVM')))
    findings.push({
      severity: 'error',
      code: 'BITCODE',
      itms: 90482,
      what: `the executable ${name} contains bitcode (an __LLVM segment)`,
      fix: 'use a framework release built without bitcode, or strip it: xcrun bitcode_strip -r <binary> -o <binary> before signing',
    })
  if (device.some((s) => s.commands?.cryptId === null))
    findings.push({
      severity: 'error',
      code: 'ENCRYPTION_INFO_MISSING',
      itms: 90125,
      what: `the executable ${name} has no LC_ENCRYPTION_INFO load command: it was not linked by Apple's linker for a device`,
      fix: "link it with Xcode's linker for the device SDK (a binary from another toolchain lacks the encryption info App Store Connect requires)",
    })
  else if (device.some((s) => (s.commands?.cryptId ?? 0) !== 0))
    findings.push({
      severity: 'error',
      code: 'BINARY_ENCRYPTED',
      itms: 90125,
      what: `the executable ${name} is already encrypted (cryptid is not 0): it was taken from an installed app`,
      fix: 'embed the binary Xcode built, not one copied from a device or the App Store',
    })
  return findings
}

/**
 * Which system frameworks reach data behind a permission prompt, and the Info.plist keys that explain
 * it (any one of them). Apple mails ITMS-90683 when the binary references such an API, used or not.
 * AVFoundation and MediaPlayer are left out: almost every app links them for playback alone.
 */
const PURPOSE_KEYS: Readonly<Record<string, readonly string[]>> = {
  CoreLocation: ['NSLocationWhenInUseUsageDescription', 'NSLocationAlwaysAndWhenInUseUsageDescription'],
  Contacts: ['NSContactsUsageDescription'],
  EventKit: [
    'NSCalendarsUsageDescription',
    'NSCalendarsFullAccessUsageDescription',
    'NSCalendarsWriteOnlyAccessUsageDescription',
    'NSRemindersUsageDescription',
    'NSRemindersFullAccessUsageDescription',
  ],
  Photos: ['NSPhotoLibraryUsageDescription', 'NSPhotoLibraryAddUsageDescription'],
  CoreBluetooth: ['NSBluetoothAlwaysUsageDescription'],
  CoreMotion: ['NSMotionUsageDescription'],
  Speech: ['NSSpeechRecognitionUsageDescription'],
  AppTrackingTransparency: ['NSUserTrackingUsageDescription'],
  HealthKit: ['NSHealthShareUsageDescription', 'NSHealthUpdateUsageDescription'],
  HomeKit: ['NSHomeKitUsageDescription'],
}

const SYSTEM_FRAMEWORK = /^\/System\/Library\/Frameworks\/([^/]+)\.framework\//

/** Linked privacy frameworks whose purpose string the app's Info.plist lacks (a warning: Apple only mails). */
export function purposeStringFindings(file: MachOFile, appInfo: PlistDict, name: string): Finding[] {
  if (file.kind === 'not-mach-o') return []
  const linked = new Set<string>()
  for (const slice of file.slices)
    for (const dylib of slice.commands?.dylibs ?? []) {
      const framework = SYSTEM_FRAMEWORK.exec(dylib)?.[1]
      if (framework && PURPOSE_KEYS[framework]) linked.add(framework)
    }
  const findings: Finding[] = []
  for (const framework of [...linked].sort()) {
    const keys = PURPOSE_KEYS[framework] ?? []
    if (keys.some((k) => typeof appInfo[k] === 'string' && appInfo[k] !== '')) continue
    findings.push({
      severity: 'warning',
      code: 'PURPOSE_STRING_MISSING',
      itms: 90683,
      what: `the executable ${name} links ${framework} but the app's Info.plist has no ${keys[0]}`,
      fix: `add ${keys[0]} to the app's Info.plist saying why the app uses it (Apple asks even when the framework only links it)`,
    })
  }
  return findings
}
