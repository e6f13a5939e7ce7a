import { settingError, type BuildSummary, type Problem } from '../../shared/build-summary'
import { whatsNewFor, type ReleaseSettings } from '../../shared/release-settings'
import {
  APPROVED_VERSION_STATES,
  compareVersionStrings,
  highestVersion,
  isUpdate,
  ON_SALE_VERSION_STATES,
  trainRefusal,
} from '../asc/version-order'
import type { AppRecord, AscGateway, VersionLocalizationRecord, VersionRecord } from './asc-gateway'
import type { VersionPlan } from './preflight'

/**
 * Preflight's checks of what App Store Connect refuses only after the upload or at review: the version
 * order (ITMS-90062/90186), "What's New" on updates (and not on first versions), phased release only for
 * updates, and "What to Test" before beta review.
 */

/** What's New ("release notes") against the version that gets this build. */
export interface ReleaseNotesPlan {
  /** An update: a lower version went on sale, so What's New is required (and phased release possible). */
  readonly update: boolean
  /** The version on sale that makes it an update. */
  readonly onSale: string | null
  /** The locales the version has (or will copy from the previous version), primary first. */
  readonly locales: readonly string[]
  /** The version's current localizations (empty for a version not created yet). */
  readonly localizations: readonly VersionLocalizationRecord[]
}

/** Apple's limit for What's New, in characters. */
const WHATS_NEW_MAX_CHARS = 4000

const FIELD_FIX =
  'set whats_new in codemagic.yaml (one text, or locale: text), pass --whats-new TEXT, or fill What’s New in the App Store panel'

function error(code: string, message: string): Problem {
  return { severity: 'error', code, message }
}
function warning(code: string, message: string): Problem {
  return { severity: 'warning', code, message }
}

/** Apple refuses at upload a build whose version is not above every approved version of the platform. */
export function versionOrderProblems(build: BuildSummary, versions: readonly VersionRecord[]): Problem[] {
  const refusal = trainRefusal(build.version, versions)
  if (!refusal) return []
  const fix = `raise CFBundleShortVersionString above ${highestVersion(versions, APPROVED_VERSION_STATES)?.versionString ?? refusal.approved} and export the build again`
  const approved = versions.find((v) => v.versionString === refusal.approved)
  const state = approved ? ` (${approved.state})` : ''
  if (refusal.kind === 'closed-train') {
    return [
      error(
        'VERSION_TRAIN_CLOSED',
        `version ${build.version} was already approved${state} on ${build.platform}: App Store Connect closed its train to new builds and refuses the upload (ITMS-90186); ${fix}`,
      ),
    ]
  }
  return [
    error(
      'VERSION_NOT_HIGHER',
      `version ${build.version} is lower than ${refusal.approved}, already approved${state} on ${build.platform}: App Store Connect refuses the upload (ITMS-90062); ${fix}`,
    ),
  ]
}

/** Primary locale first, then the others in the order App Store Connect lists them. */
function orderLocales(locales: readonly string[], primary: string): string[] {
  const unique = [...new Set(locales)]
  return unique.includes(primary) ? [primary, ...unique.filter((l) => l !== primary)] : unique
}

/** Which version's localizations the build's version has (or will copy), read from App Store Connect. */
export async function readReleaseNotesPlan(input: {
  readonly build: BuildSummary
  readonly app: AppRecord
  readonly versions: readonly VersionRecord[]
  readonly versionPlan: VersionPlan | null
  readonly gateway: AscGateway
}): Promise<ReleaseNotesPlan> {
  const { build, app, versions, versionPlan, gateway } = input
  const targetId =
    versionPlan?.kind === 'update'
      ? versionPlan.version.id
      : versionPlan?.kind === 'done'
        ? versionPlan.versionId
        : undefined
  const others = versions.filter((v) => v.id !== targetId)
  const onSale = highestVersion(
    others.filter((v) => compareVersionStrings(v.versionString, build.version) < 0),
    ON_SALE_VERSION_STATES,
  )
  const update = isUpdate(build.version, others)
  // A new version starts with the previous version's localizations (App Store Connect copies them).
  const source = targetId ?? highestVersion(versions)?.id ?? null
  const read = source ? await gateway.versionLocalizations(source) : []
  const localizations = targetId ? read : read.map((l) => ({ ...l, whatsNew: null }))
  const locales = orderLocales(
    localizations.length > 0 ? localizations.map((l) => l.locale) : [app.primaryLocale],
    app.primaryLocale,
  )
  return { update, onSale: onSale?.versionString ?? null, locales, localizations }
}

/** An update needs What's New in every locale; a first version takes neither release notes nor phased release. */
export function releaseNotesProblems(
  build: BuildSummary,
  settings: ReleaseSettings,
  plan: ReleaseNotesPlan,
): Problem[] {
  const problems: Problem[] = []
  if (!plan.update) {
    const first = `${build.version} is the first App Store version of this app on ${build.platform}`
    if (settings.whatsNew !== null)
      problems.push(
        warning(
          'WHATS_NEW_FIRST_VERSION',
          `What’s New is not sent: ${first}, and App Store Connect takes release notes only for updates`,
        ),
      )
    if (settings.phasedRelease === true)
      problems.push(
        warning(
          'PHASED_RELEASE_FIRST_VERSION',
          `phased release is not turned on: ${first}, and App Store Connect offers phased release only for updates`,
        ),
      )
    return problems
  }
  const existing = new Map(plan.localizations.map((l) => [l.locale, l.whatsNew]))
  const missing = plan.locales.filter(
    (locale) => whatsNewFor(settings.whatsNew, locale) === null && !existing.get(locale)?.trim(),
  )
  if (missing.length > 0) {
    const update = `version ${build.version} is an update${plan.onSale ? ` (${plan.onSale} is on the App Store)` : ''}`
    problems.push(
      settings.whatsNew === null || typeof settings.whatsNew === 'string'
        ? settingError(
            'WHATS_NEW_MISSING',
            {
              key: 'whats_new',
              change: 'fill',
              problem: `${update}: App Store review refuses it without What’s New in every locale (${plan.locales.join(', ')})`,
            },
            FIELD_FIX,
            '; ',
          )
        : settingError(
            'WHATS_NEW_MISSING',
            {
              key: 'whats_new',
              change: 'fill',
              problem: `${update}: What’s New has no text for ${missing.join(', ')} (the version’s locales: ${plan.locales.join(', ')})`,
              after: ', or give one text for every locale',
            },
            `add ${missing.length === 1 ? 'it' : 'them'} to whats_new`,
            '; ',
          ),
    )
  }
  for (const locale of plan.locales) {
    const text = whatsNewFor(settings.whatsNew, locale)
    if (text !== null && text.length > WHATS_NEW_MAX_CHARS) {
      problems.push(
        error(
          'WHATS_NEW_TOO_LONG',
          `What’s New (${locale}) is ${text.length} characters; App Store Connect accepts ${WHATS_NEW_MAX_CHARS}: shorten it`,
        ),
      )
      break
    }
  }
  if (settings.whatsNew !== null && typeof settings.whatsNew !== 'string') {
    const unknown = Object.keys(settings.whatsNew).filter((l) => !plan.locales.includes(l))
    if (unknown.length > 0)
      problems.push(
        warning(
          'WHATS_NEW_UNKNOWN_LOCALE',
          `What’s New for ${unknown.join(', ')} is not sent: version ${build.version} has no ${unknown.length === 1 ? 'such locale' : 'such locales'} (it has ${plan.locales.join(', ')}); add the locale in App Store Connect first`,
        ),
      )
  }
  return problems
}

/** Beta review needs "What to Test"; without it Apple refuses the submission after the upload and the wait. */
export function whatToTestProblems(settings: ReleaseSettings, app: AppRecord): Problem[] {
  if (settings.whatToTest !== null && settings.whatToTest.trim() !== '') return []
  return [
    settingError(
      'WHAT_TO_TEST_MISSING',
      {
        key: 'what_to_test',
        change: 'fill',
        problem: `TestFlight beta review needs What to Test (what testers should try) in ${app.primaryLocale}`,
      },
      'set what_to_test in codemagic.yaml, pass --what-to-test TEXT, or fill What to Test in the TestFlight panel',
    ),
  ]
}
