import type { Problem, SettingFix } from '../../shared/build-summary'
import type { SettingsKey } from '../../shared/release-settings'
import { platformLabel } from './format'

/**
 * The engine words its problems for codemagic.yaml and the CLI ("set earliest_release_date, e.g.
 * 2031-12-01T14:00:00+02:00"); the window names the fields a person sees instead. The CLI keeps its own
 * wording: this only rewrites what the window shows.
 */

/** The window's label for each release setting of codemagic.yaml. */
const FIELD_LABELS: Readonly<
  Record<Exclude<SettingsKey, 'auth' | 'api_key' | 'key_id' | 'issuer_id'>, string>
> = {
  submit_to_testflight: 'Submit to TestFlight',
  expire_build_submitted_for_review: 'Expire build submitted for review',
  beta_groups: 'Beta groups',
  what_to_test: 'What to Test',
  submit_to_app_store: 'Submit to App Store',
  cancel_previous_submissions: 'Cancel previous submissions',
  release_type: 'Release type',
  earliest_release_date: 'Earliest release date',
  copyright: 'Copyright',
  whats_new: 'What’s New',
  phased_release: 'Phased release',
  uses_non_exempt_encryption: 'Uses non-exempt encryption',
  metadata_path: 'Metadata folder',
}

/** Where each field lives in the window, for "… in the App Store panel". */
const FIELD_PANEL: Readonly<Record<string, string>> = {
  'Submit to TestFlight': 'TestFlight',
  'Expire build submitted for review': 'TestFlight',
  'Beta groups': 'TestFlight',
  'What to Test': 'TestFlight',
  'Submit to App Store': 'App Store',
  'Cancel previous submissions': 'App Store',
  'Release type': 'App Store',
  'Earliest release date': 'App Store',
  Copyright: 'App Store',
  'What’s New': 'App Store',
  'Metadata folder': 'App Store',
  'Phased release': 'App Store',
}

const RELEASE_TYPE_LABELS: Readonly<Record<string, string>> = {
  MANUAL: 'Manual',
  AFTER_APPROVAL: 'After approval',
  SCHEDULED: 'Scheduled',
}

const KEY = `(${Object.keys(FIELD_LABELS).join('|')})`

function label(key: string): string {
  return FIELD_LABELS[key as keyof typeof FIELD_LABELS] ?? key
}

function where(key: string): string {
  const name = label(key)
  const panel = FIELD_PANEL[name]
  return panel ? `${name} in the ${panel} panel` : name
}

/** Phrase by phrase, most specific first; what no rule knows keeps its words, with its keys named as fields. */
const REWRITES: readonly (readonly [RegExp, (...groups: string[]) => string])[] = [
  // "set whats_new in codemagic.yaml (…), pass --whats-new TEXT, or fill What’s New in the App Store panel"
  [
    /set \w+ in codemagic\.yaml(?: \([^)]*\))?, pass --[\w-]+(?: [A-Z]+)?, or (fill [^;.]+? panel)/g,
    (_m, fill) => fill ?? '',
  ],
  [
    /set earliest_release_date, e\.g\. \S+/g,
    () => 'pick a day and hour under Earliest release date in the App Store panel',
  ],
  [/set release_type: SCHEDULED or remove the date/g, () => 'choose Scheduled, or clear the date'],
  // App Store readiness: the App Store information panel lists each missing item with Fill in; said there once.
  [
    /\b(version \S+ is not ready for App Review): [^]*? Fill (?:it|them) from a fastlane deliver folder [^]*?; ascent metadata check lists where each is filled/g,
    (_m, head) => `${head ?? ''}: fill in what the App Store information panel lists as missing`,
  ],
  [new RegExp(`set ${KEY}: true`, 'g'), (_m, key) => `turn on ${where(key ?? '')}`],
  [new RegExp(`set ${KEY}: false`, 'g'), (_m, key) => `turn off ${where(key ?? '')}`],
  [new RegExp(`(?:add (?:it|them) to|set) ${KEY}\\b`, 'g'), (_m, key) => `fill ${where(key ?? '')}`],
  [new RegExp(`\\bwith ${KEY}: true`, 'g'), (_m, key) => `with ${label(key ?? '')} turned on`],
  [
    /\brelease type (?:is )?(MANUAL|AFTER_APPROVAL|SCHEDULED)\b/gi,
    (m, type) => releaseTypeWords(m, type ?? ''),
  ],
  [/the release setting uses_non_exempt_encryption/g, () => 'Uses non-exempt encryption'],
  // The plan's export-compliance line: why Ascent answers is said once, on the build card.
  [
    / \(from the settings; Info\.plist has no ITSAppUsesNonExemptEncryption\)/g,
    () => ' (as set on the build card)',
  ],
  [new RegExp(`\\b${KEY}\\b`, 'g'), (_m, key) => label(key ?? '')],
  [/,? pass --[\w-]+(?: [A-Z]+)?,?/g, () => ''],
  // The plan's lines name the window's choices as the App Store panel shows them.
  [/^Release: manually\b/, () => 'Release type: Manual'],
  [/^Release: automatically after approval\b/, () => 'Release type: After approval'],
  [/^Release: scheduled\b/, () => 'Release type: Scheduled'],
  [
    /^Export compliance: uses non-exempt encryption = (Yes|No)\b/,
    (_m, answer) => `Export compliance: “${answer ?? ''}” to Uses non-exempt encryption`,
  ],
  // The CLI's ways to resume; the window has its Resume button beside the run, named once.
  [/;\s*run the upload again to resume\b/g, () => ''],
  [/\bpublishing again sends the rest\b/g, () => 'Resume sends the rest'],
  [/\bPublish the same build again to continue\./g, () => 'Resume continues from there.'],
  [/(Resume sends the rest[^]*?)\s*Resume continues from there\./g, (_m, before) => before ?? ''],
  // ISO 8601 instants read as the date field writes them: 2031-12-01 14:00 UTC+02:00.
  [
    /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::00(?:\.0+)?)?(Z|[+-]\d{2}:\d{2})/g,
    (_m, date, time, zone) => `${date} ${time} ${zone === 'Z' ? 'UTC' : `UTC${zone}`}`,
  ],
  [/\((IOS|TV_OS|MAC_OS|VISION_OS)\)/g, (_m, platform) => `(${platformLabel(platform ?? '')})`],
  // App Store Connect's states read as words (WAITING_FOR_REVIEW: waiting for review); platforms keep theirs.
  [
    /\b(?!(?:TV|MAC|VISION)_OS\b)[A-Z]{2,}(?:_[A-Z]+)+\b/g,
    (state) => state.replaceAll('_', ' ').toLowerCase(),
  ],
]

function releaseTypeWords(match: string, type: string): string {
  const is = / is /i.test(match) ? ' is' : ''
  const lead = match.startsWith('R') ? 'Release type' : 'release type'
  return `${lead}${is} ${RELEASE_TYPE_LABELS[type.toUpperCase()] ?? type}`
}

/** One message of the engine's, in the window's words. */
export function inWindowWords(text: string): string {
  let out = text
  for (const [pattern, replace] of REWRITES) out = out.replace(pattern, replace)
  return out
}

/** A setting's fix in the window's words, chosen by its key: the field, and the panel it is in. */
function settingFixWords(fix: SettingFix): string {
  switch (fix.change) {
    case 'turn-on':
      return `turn on ${where(fix.key)}`
    case 'choose':
      return `choose ${fix.key === 'release_type' ? (RELEASE_TYPE_LABELS[fix.to ?? ''] ?? fix.to) : fix.to} under ${where(fix.key)}`
    case 'fill':
      return fix.key === 'earliest_release_date'
        ? 'pick a day and hour under Earliest release date in the App Store panel'
        : `fill ${where(fix.key)}`
  }
}

/**
 * The message of a problem whose fix is a release setting, from its parts: the window words the fix by the
 * setting's key instead of rewriting the CLI's words. One colon a sentence: a problem that has one is
 * followed by a semicolon.
 */
function settingMessage(fix: SettingFix): string {
  const joiner = fix.problem.includes(': ') ? '; ' : ': '
  return `${inWindowWords(fix.problem)}${joiner}${settingFixWords(fix)}${inWindowWords(fix.after ?? '')}`
}

/** A problem as the window shows it: its message and fix in the window's words. */
export function windowProblem(p: Problem): Problem {
  const message = p.setting ? settingMessage(p.setting) : inWindowWords(p.message)
  const fix = p.fix === undefined ? undefined : inWindowWords(p.fix)
  if (message === p.message && fix === p.fix) return p
  return fix === undefined ? { ...p, message } : { ...p, message, fix }
}

/** A line shown on its own (a step's summary, an error): the window's words, starting with a capital. */
export function windowSentence(text: string): string {
  const words = inWindowWords(text)
  return words.charAt(0).toUpperCase() + words.slice(1)
}
