import * as z from 'zod'
import { printableExcerpt } from './bounded-text'
import { parseReleaseDate } from './release-date'

/**
 * The release settings: one model for the window, the CLI and the pipeline.
 * It mirrors `publishing.app_store_connect` of a codemagic.yaml; keys there are snake_case.
 */
export const ReleaseType = z.enum(['MANUAL', 'AFTER_APPROVAL', 'SCHEDULED'])
export type ReleaseType = z.infer<typeof ReleaseType>

/** App Store release notes ("What's New"): one text for every locale, or a text per locale (`en-US: …`). */
export const WhatsNew = z.union([z.string(), z.record(z.string(), z.string())])
export type WhatsNew = z.infer<typeof WhatsNew>

/** The text for one locale: the single text, or the map's entry; null when the settings give none. */
export function whatsNewFor(whatsNew: WhatsNew | null, locale: string): string | null {
  if (whatsNew === null) return null
  const text = typeof whatsNew === 'string' ? whatsNew : whatsNew[locale]
  return text !== undefined && text.trim() !== '' ? text : null
}

export const ReleaseSettings = z.object({
  /** `integration`: use the stored key named by the workflow's `integrations.app_store_connect`. */
  auth: z.literal('integration').nullable(),
  /** Name of the key from `integrations.app_store_connect`, when the file has one. */
  integrationName: z.string().nullable(),
  submitToTestflight: z.boolean(),
  expireBuildSubmittedForReview: z.boolean(),
  betaGroups: z.array(z.string().min(1)).readonly(),
  whatToTest: z.string().nullable(),
  submitToAppStore: z.boolean(),
  cancelPreviousSubmissions: z.boolean(),
  releaseType: ReleaseType,
  /** ISO 8601 with offset, on the hour; only with SCHEDULED. */
  earliestReleaseDate: z.string().nullable(),
  copyright: z.string().nullable(),
  /** "What's New" of the App Store version; only updates take it (absent in journals written before it existed). */
  whatsNew: WhatsNew.nullable().default(null),
  /** true = on, false = off, null = keep what the version has. */
  phasedRelease: z.boolean().nullable(),
  /** The export-compliance answer used when Info.plist has no ITSAppUsesNonExemptEncryption. */
  usesNonExemptEncryption: z.boolean(),
  /** A fastlane deliver folder (metadata/, screenshots/) pushed to the version before the review submission. */
  metadataPath: z.string().nullable().default(null),
})
export type ReleaseSettings = z.infer<typeof ReleaseSettings>

export const defaultReleaseSettings: ReleaseSettings = {
  auth: null,
  integrationName: null,
  submitToTestflight: false,
  expireBuildSubmittedForReview: false,
  betaGroups: [],
  whatToTest: null,
  submitToAppStore: false,
  cancelPreviousSubmissions: false,
  releaseType: 'MANUAL',
  earliestReleaseDate: null,
  copyright: null,
  whatsNew: null,
  phasedRelease: null,
  usesNonExemptEncryption: false,
  metadataPath: null,
}

export interface SettingsIssue {
  /** Dotted path in the file, e.g. `workflows.ios.publishing.app_store_connect.release_type`. */
  readonly path: string
  readonly message: string
}

type FieldKind =
  | 'boolean'
  | 'string'
  | 'string-list'
  | 'release-type'
  | 'date'
  | 'boolean-or-keep'
  | 'auth'
  | 'credential'
  | 'text-per-locale'

/** Keys of `publishing.app_store_connect`, Codemagic's and Ascent's own (what_to_test, whats_new, uses_non_exempt_encryption, metadata_path). */
const FIELDS = {
  auth: 'auth',
  api_key: 'credential',
  key_id: 'credential',
  issuer_id: 'credential',
  submit_to_testflight: 'boolean',
  expire_build_submitted_for_review: 'boolean',
  beta_groups: 'string-list',
  what_to_test: 'string',
  submit_to_app_store: 'boolean',
  cancel_previous_submissions: 'boolean',
  release_type: 'release-type',
  earliest_release_date: 'date',
  copyright: 'string',
  whats_new: 'text-per-locale',
  phased_release: 'boolean-or-keep',
  uses_non_exempt_encryption: 'boolean',
  metadata_path: 'string',
} as const satisfies Record<string, FieldKind>

export type SettingsKey = keyof typeof FIELDS
export const SETTINGS_KEYS = Object.keys(FIELDS) as SettingsKey[]

/**
 * The value that says a key's default when written out. A workflow that inherits a setting (a YAML merge key or an
 * alias shared with other workflows) cannot delete it: it says the default over it instead.
 */
export function defaultYamlValue(key: SettingsKey): unknown {
  switch (FIELDS[key]) {
    case 'boolean':
      return false
    case 'string-list':
      return []
    case 'release-type':
      return 'MANUAL'
    default:
      // Read as "not set" (phased_release: null keeps App Store Connect's setting, which is its default).
      return null
  }
}

/** App Store Connect's locale codes: a language, then an optional script or region (en-US, zh-Hans, es-419). */
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,4})*$/

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = current
    }
  }
  return row[b.length]!
}

export function suggest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = levenshtein(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : null
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (value instanceof Date) return 'a date'
  if (typeof value === 'string') return `"${printableExcerpt(value)}"`
  if (typeof value === 'object') return 'a mapping'
  return String(value)
}

export interface ValidateOptions {
  /** Where the section sits in the file, for error paths. */
  readonly basePath?: string
  /** The clock used for "not in the past"; injected for tests and set to App Store Connect's clock by the pipeline. */
  readonly now?: () => number
  readonly integrationName?: string | null
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: ReleaseSettings; readonly issues: readonly [] }
  | { readonly ok: false; readonly issues: readonly SettingsIssue[] }

/** Validates a raw `publishing.app_store_connect` mapping (from YAML, JSON or CLI flags) into ReleaseSettings. */
export function parseReleaseSettings(raw: unknown, options: ValidateOptions = {}): SettingsResult {
  const base = options.basePath ?? 'app_store_connect'
  const at = (key: string): string => `${base}.${key}`
  const issues: SettingsIssue[] = []
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      issues: [{ path: base, message: `must be a mapping of settings, found ${describe(raw)}` }],
    }
  }
  const settings: { -readonly [K in keyof ReleaseSettings]: ReleaseSettings[K] } = {
    ...defaultReleaseSettings,
    betaGroups: [],
    integrationName: options.integrationName ?? null,
  }
  let dateValue: string | Date | null = null
  let releaseTypeInvalid = false

  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in FIELDS)) {
      const hint = suggest(key, SETTINGS_KEYS)
      issues.push({
        path: at(key),
        message: `unknown key "${key}"${hint ? `: did you mean "${hint}"?` : ''}`,
      })
      continue
    }
    const kind: FieldKind = FIELDS[key as SettingsKey]
    const wrong = (expected: string): void => {
      issues.push({ path: at(key), message: `must be ${expected}, found ${describe(value)}` })
    }
    switch (kind) {
      case 'boolean':
      case 'boolean-or-keep': {
        if (kind === 'boolean-or-keep' && value === null) break
        if (typeof value !== 'boolean') {
          wrong(
            kind === 'boolean'
              ? 'true or false'
              : 'true or false (or leave it out to keep the current setting)',
          )
          break
        }
        const target: Record<string, keyof ReleaseSettings> = {
          submit_to_testflight: 'submitToTestflight',
          expire_build_submitted_for_review: 'expireBuildSubmittedForReview',
          submit_to_app_store: 'submitToAppStore',
          cancel_previous_submissions: 'cancelPreviousSubmissions',
          phased_release: 'phasedRelease',
          uses_non_exempt_encryption: 'usesNonExemptEncryption',
        }
        Object.assign(settings, { [target[key]!]: value })
        break
      }
      case 'string': {
        if (value === null) break
        // Exactly text: `copyright: 2031` is a number to YAML; quoting it says what is meant.
        if (typeof value !== 'string') {
          wrong(typeof value === 'number' ? 'text (put it in quotes)' : 'text')
          break
        }
        // Empty is not "clear it": App Store Connect would be sent nothing to show (a copyright line, What to Test).
        if (key !== 'metadata_path' && value.trim() === '') {
          issues.push({
            path: at(key),
            message: `is empty: write the ${key === 'copyright' ? 'copyright line (e.g. 2031 Example Inc.)' : 'notes for testers'}, or leave it out`,
          })
          break
        }
        if (key === 'copyright') settings.copyright = value
        else if (key === 'metadata_path') {
          if (value.trim() === '') wrong('the path of a fastlane deliver folder (metadata/, screenshots/)')
          else settings.metadataPath = value
        } else settings.whatToTest = value
        break
      }
      case 'string-list': {
        // Exactly a list: a lone string is refused rather than guessed at (Codemagic reads a list).
        if (!Array.isArray(value)) {
          wrong(
            typeof value === 'string'
              ? `a list of beta group names, e.g. beta_groups: ["${printableExcerpt(value)}"]`
              : 'a list of beta group names',
          )
          break
        }
        const bad = value.findIndex((g) => typeof g !== 'string' || g.trim() === '')
        if (bad >= 0) {
          const item: unknown = value[bad]
          issues.push({
            path: at(key),
            message:
              typeof item === 'string'
                ? `entry ${bad + 1} is empty: a beta group name cannot be empty; write the group’s name or remove the entry`
                : `entry ${bad + 1} must be a beta group name (text), found ${describe(item)}`,
          })
          break
        }
        settings.betaGroups = [...new Set(value as string[])]
        break
      }
      case 'release-type': {
        // Case does not matter (the CLI's --release-type scheduled and YAML's release_type: scheduled are the same).
        const parsed = ReleaseType.safeParse(typeof value === 'string' ? value.trim().toUpperCase() : value)
        if (!parsed.success) {
          releaseTypeInvalid = true
          const hint = typeof value === 'string' ? suggest(value.toUpperCase(), ReleaseType.options) : null
          issues.push({
            path: at(key),
            message: `must be MANUAL, AFTER_APPROVAL or SCHEDULED, found ${describe(value)}${hint ? `: did you mean ${hint}?` : ''}`,
          })
          break
        }
        settings.releaseType = parsed.data
        break
      }
      case 'date': {
        if (value === null) break
        if (typeof value !== 'string' && !(value instanceof Date)) {
          wrong('a date and hour with time zone, e.g. 2031-12-01T14:00:00+02:00')
          break
        }
        dateValue = value
        break
      }
      case 'auth': {
        // Not set, like an empty optional text: how a workflow says it no longer uses a shared `auth: integration`.
        if (value === null) break
        if (value !== 'integration') {
          issues.push({
            path: at(key),
            message: `must be "integration" (the key named by integrations.app_store_connect), found ${describe(value)}`,
          })
          break
        }
        settings.auth = 'integration'
        break
      }
      case 'text-per-locale': {
        if (value === null) break
        // Exactly text: `whats_new: 1.10` is the number 1.1 to YAML, and sending "1.1" would change the words.
        if (typeof value === 'number') {
          wrong('text (put it in quotes)')
          break
        }
        if (typeof value === 'string') {
          settings.whatsNew = value.trim() === '' ? null : value
          break
        }
        const entries =
          typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
            ? Object.entries(value as Record<string, unknown>)
            : null
        if (!entries || entries.length === 0) {
          wrong('text for every locale, or a mapping of locale to text (e.g. en-US: Bug fixes)')
          break
        }
        const map: Record<string, string> = {}
        for (const [locale, text] of entries) {
          if (!LOCALE.test(locale)) {
            issues.push({
              path: at(`${key}.${locale}`),
              message: `"${locale}" is not a locale: use App Store Connect's codes, e.g. en-US, de-DE, fr-FR`,
            })
          } else if (typeof text !== 'string' || text.trim() === '') {
            issues.push({
              path: at(`${key}.${locale}`),
              message: `must be text${typeof text === 'number' ? ' (put it in quotes)' : ''}, found ${describe(text)}`,
            })
          } else map[locale] = text
        }
        settings.whatsNew = map
        break
      }
      case 'credential':
        // Codemagic's older inline credentials: accepted so existing files stay valid; the key itself
        // comes from APP_STORE_CONNECT_* variables or the keychain, never from this file.
        if (typeof value !== 'string')
          wrong('text (usually an environment variable like $APP_STORE_CONNECT_KEY_IDENTIFIER)')
        break
    }
  }

  if (dateValue !== null) {
    const parsed = parseReleaseDate(dateValue)
    if (!parsed.ok) {
      issues.push({ path: at('earliest_release_date'), message: `${describe(dateValue)} ${parsed.reason}` })
    } else {
      settings.earliestReleaseDate = parsed.iso
      const now = (options.now ?? Date.now)()
      if (parsed.epochMs <= now) {
        issues.push({
          path: at('earliest_release_date'),
          message: `${parsed.iso} is in the past: choose a later hour (App Store Connect refuses past release dates)`,
        })
      }
      // A misspelt release_type already has its message; the date is not judged against a type nobody chose.
      if (settings.releaseType !== 'SCHEDULED' && !releaseTypeInvalid) {
        issues.push({
          path: at('earliest_release_date'),
          message: `is set but release_type is ${settings.releaseType}: set release_type: SCHEDULED or remove the date`,
        })
      }
    }
  } else if (settings.releaseType === 'SCHEDULED' && settings.submitToAppStore) {
    issues.push({
      path: at('earliest_release_date'),
      message:
        'is required when release_type is SCHEDULED: add the date and hour, e.g. 2031-12-01T14:00:00+02:00',
    })
  }
  if (settings.expireBuildSubmittedForReview && !settings.submitToTestflight) {
    issues.push({
      path: at('expire_build_submitted_for_review'),
      message:
        'only applies with submit_to_testflight: true (it withdraws the build in beta review to make room for this one)',
    })
  }

  if (settings.metadataPath !== null && !settings.submitToAppStore) {
    issues.push({
      path: at('metadata_path'),
      message:
        'only applies with submit_to_app_store: true (the folder is pushed to the App Store version before its review submission)',
    })
  }

  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, settings: ReleaseSettings.parse(settings) as ReleaseSettings, issues: [] }
}

/** The snake_case mapping written back to codemagic.yaml; keys at their default are left out. */
export function settingsToYamlSection(settings: ReleaseSettings): Record<string, unknown> {
  const section: Record<string, unknown> = {}
  if (settings.auth) section.auth = settings.auth
  if (settings.submitToTestflight) section.submit_to_testflight = true
  if (settings.expireBuildSubmittedForReview) section.expire_build_submitted_for_review = true
  if (settings.betaGroups.length > 0) section.beta_groups = [...settings.betaGroups]
  if (settings.whatToTest) section.what_to_test = settings.whatToTest
  if (settings.submitToAppStore) section.submit_to_app_store = true
  if (settings.cancelPreviousSubmissions) section.cancel_previous_submissions = true
  if (settings.releaseType !== 'MANUAL' || settings.submitToAppStore)
    section.release_type = settings.releaseType
  if (settings.earliestReleaseDate) section.earliest_release_date = settings.earliestReleaseDate
  if (settings.copyright) section.copyright = settings.copyright
  if (settings.whatsNew !== null)
    section.whats_new = typeof settings.whatsNew === 'string' ? settings.whatsNew : { ...settings.whatsNew }
  if (settings.phasedRelease !== null) section.phased_release = settings.phasedRelease
  if (settings.usesNonExemptEncryption) section.uses_non_exempt_encryption = true
  if (settings.metadataPath !== null) section.metadata_path = settings.metadataPath
  return section
}
