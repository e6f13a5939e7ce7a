import * as z from 'zod'
import { SETTINGS_KEYS, type SettingsKey } from './release-settings'

/** What `ascent inspect --json` prints and what the window shows for a dropped build (its keys are a fixed interface, docs/architecture.md). */
export const Platform = z.enum(['IOS', 'TV_OS', 'MAC_OS', 'VISION_OS'])
export type Platform = z.infer<typeof Platform>

export const DeviceFamily = z.enum(['iphone', 'ipad', 'tv', 'watch', 'carplay', 'mac', 'vision'])
export type DeviceFamily = z.infer<typeof DeviceFamily>

export const ProfileType = z.enum(['app-store', 'ad-hoc', 'development', 'enterprise', 'none'])
export type ProfileType = z.infer<typeof ProfileType>

export const ProfileSummary = z.object({
  type: ProfileType,
  name: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  appIdName: z.string(),
  /** ISO 8601 in UTC. */
  expiresAt: z.string(),
  applicationIdentifier: z.string().optional(),
  matchesBundleId: z.boolean().optional(),
})
export type ProfileSummary = z.infer<typeof ProfileSummary>

/**
 * A problem whose fix is a change to one release setting: which setting, how, and the problem without the fix.
 * The message words the fix for codemagic.yaml and the CLI; the window words it for its own field from this.
 */
export const SettingFix = z.object({
  key: z.enum(SETTINGS_KEYS as [SettingsKey, ...SettingsKey[]]),
  /** fill: give it a value; turn-on: the switch; choose: the value `to` (a release type). */
  change: z.enum(['fill', 'turn-on', 'choose']),
  to: z.string().optional(),
  /** What is wrong, without the fix: "release type SCHEDULED needs an earliest release date". */
  problem: z.string(),
  /** What follows the fix, said the same way everywhere: " (or pick internal groups only)". */
  after: z.string().optional(),
})
export type SettingFix = z.infer<typeof SettingFix>

export const Problem = z.object({
  severity: z.enum(['error', 'warning']),
  /** Stable code, e.g. PROFILE_NOT_APP_STORE; tests and the UI match on it. */
  code: z.string(),
  /** Says what is wrong and how to fix it. */
  message: z.string(),
  /** Apple's code for the same refusal, e.g. ITMS-90725, when it has one. */
  itms: z.string().optional(),
  /** The bundle it concerns, e.g. `App.app/Frameworks/Kit.framework`, when it is about one bundle. */
  bundle: z.string().optional(),
  /** What to do about it (the message says it too). */
  fix: z.string().optional(),
  /** When the fix is a change to one release setting (the message says it for codemagic.yaml and the CLI). */
  setting: SettingFix.optional(),
})
export type Problem = z.infer<typeof Problem>

/** An error whose fix is a release setting: the problem, `joiner`, the CLI's words for the fix, then `after`. */
export function settingError(code: string, setting: SettingFix, cliFix: string, joiner = ': '): Problem {
  return {
    severity: 'error',
    code,
    message: `${setting.problem}${joiner}${cliFix}${setting.after ?? ''}`,
    setting,
  }
}

export const BuildSummary = z.object({
  file: z.string(),
  kind: z.enum(['ipa', 'pkg']),
  bundleId: z.string(),
  version: z.string(),
  buildNumber: z.string(),
  platform: Platform,
  minimumOSVersion: z.string().nullable(),
  deviceFamilies: z.array(DeviceFamily),
  sizeBytes: z.number().int().nonnegative(),
  profile: ProfileSummary.nullable(),
  extensions: z.array(z.object({ bundleId: z.string(), kind: z.string() })),
  frameworks: z.array(z.string()),
  problems: z.array(Problem),
  /** CFBundleDisplayName or CFBundleName, when the build has one. */
  displayName: z.string().nullable().optional(),
  /** ITSAppUsesNonExemptEncryption from Info.plist; null when the build does not answer. */
  usesNonExemptEncryption: z.boolean().nullable().optional(),
  /** The app icon as a data: URL (PNG), when one could be read. */
  iconDataUrl: z.string().nullable().optional(),
})
export type BuildSummary = z.infer<typeof BuildSummary>

export function hasBlockingProblems(summary: Pick<BuildSummary, 'problems'>): boolean {
  return summary.problems.some((p) => p.severity === 'error')
}
