import { settingError, type BuildSummary, type Problem } from '../../shared/build-summary'
import { parseReleaseDate } from '../../shared/release-date'
import { suggest, type ReleaseSettings } from '../../shared/release-settings'
import { AscApiError } from '../asc/api-error'
import { EDITABLE_VERSION_STATES } from '../asc/enums'
import { compareVersionStrings } from '../asc/version-order'
import type { BetaAppInfo } from '../asc/apps'
import type {
  AppForPublishRecord,
  AppRecord,
  AscGateway,
  BetaGroupRecord,
  BuildRecord,
  ReviewSubmissionRecord,
  VersionRecord,
} from './asc-gateway'
import type { RunIds, SubstepId, SubstepRecord } from './journal'
import { testflightInfoUrl } from './links'
import {
  readReleaseNotesPlan,
  releaseNotesProblems,
  versionOrderProblems,
  whatToTestProblems,
  type ReleaseNotesPlan,
} from './release-notes'

/** Versions Ascent can edit (see EDITABLE_VERSION_STATES for why this list and not fastlane's). */
const EDITABLE_STATES: ReadonlySet<string> = new Set(EDITABLE_VERSION_STATES)
/** In review through a review submission that cancel_previous_submissions can withdraw. */
const CANCELABLE_STATES: ReadonlySet<string> = new Set(['WAITING_FOR_REVIEW', 'IN_REVIEW'])
/** Versions that are open but can be neither edited nor withdrawn by Ascent. */
const LOCKED_STATES: ReadonlySet<string> = new Set([
  'PENDING_APPLE_RELEASE',
  'PENDING_DEVELOPER_RELEASE',
  'PROCESSING_FOR_DISTRIBUTION',
  'ACCEPTED',
])
/** Submissions that hold a version in review (Apple allows one open submission per app and platform). */
export const IN_PROGRESS_SUBMISSION_STATES = ['WAITING_FOR_REVIEW', 'IN_REVIEW', 'UNRESOLVED_ISSUES'] as const

export type VersionPlan =
  | { readonly kind: 'create' }
  | {
      readonly kind: 'update'
      readonly version: VersionRecord
      readonly rename: boolean
      readonly afterCancel: boolean
    }
  | { readonly kind: 'done'; readonly versionId: string }

/** What preflight learned from App Store Connect; the plan and the first steps use it instead of asking again. */
export interface LiveState {
  readonly app: AppRecord | null
  readonly allGroups: readonly BetaGroupRecord[]
  /** The requested groups that exist, in the order given. */
  readonly groups: readonly BetaGroupRecord[]
  /** A build with this version + build number + platform already in App Store Connect. */
  readonly existingBuild: BuildRecord | null
  readonly versions: readonly VersionRecord[]
  /**
   * Open submissions (READY_FOR_REVIEW and in progress) of this app and platform; read only for
   * cancel_previous_submissions (else the review step creates one, and Apple's 409 names an open one to reuse).
   */
  readonly submissions: readonly ReviewSubmissionRecord[]
  /** In-progress submissions cancel_previous_submissions will withdraw (never this run's own). */
  readonly toCancel: readonly ReviewSubmissionRecord[]
  readonly versionPlan: VersionPlan | null
  /** Builds in beta review that expire_build_submitted_for_review will expire (never this run's own). */
  readonly toExpire: readonly BuildRecord[]
  /** App Store Connect's clock when preflight ran. */
  readonly serverNow: number | null
  /** The answer sent for export compliance and where it comes from. */
  readonly exportCompliance: { readonly value: boolean; readonly source: 'Info.plist' | 'settings' }
  /** What's New against the version that gets the build (with App Store submission); null when not read. */
  readonly releaseNotes: ReleaseNotesPlan | null
}

export interface PreflightInput {
  readonly build: BuildSummary
  readonly settings: ReleaseSettings
  readonly gateway: AscGateway
  /** Sub-steps a previous attempt of this run already finished (or started): their checks are skipped or relaxed. */
  readonly substeps?: Partial<Record<SubstepId, SubstepRecord>>
  readonly ids?: RunIds
  /** Local clock, only when App Store Connect sent no Date header. */
  readonly localNow: () => number
}

export interface PreflightResult {
  readonly problems: readonly Problem[]
  readonly live: LiveState
}

function error(code: string, message: string): Problem {
  return { severity: 'error', code, message }
}
function warning(code: string, message: string): Problem {
  return { severity: 'warning', code, message }
}

/** Apple's limit for "What to Test" (fastlane truncates at 4000 bytes; we refuse instead of cutting silently). */
const WHAT_TO_TEST_MAX_BYTES = 4000

export function wantsTestflight(settings: ReleaseSettings): boolean {
  return settings.submitToTestflight || settings.betaGroups.length > 0 || settings.whatToTest !== null
}

/** Beta review is needed when asked for, and for external groups (external testers get a build only after it). */
export function wantsBetaReview(settings: ReleaseSettings, groups: readonly BetaGroupRecord[]): boolean {
  return settings.submitToTestflight || groups.some((g) => !g.isInternal)
}

/** Which sub-steps an earlier attempt of this run finished or started: their checks are skipped or relaxed. */
interface Progress {
  done(id: SubstepId): boolean
  started(id: SubstepId): boolean
}

function progressOf(input: PreflightInput): Progress {
  return {
    done: (id) => {
      const s = input.substeps?.[id]?.status
      return s === 'done' || s === 'skipped'
    },
    started: (id) => input.substeps?.[id] !== undefined,
  }
}

/** What App Store Connect holds that the checks and the steps need, read in one parallel wave. */
interface Reads {
  readonly allGroups: readonly BetaGroupRecord[]
  readonly builds: readonly BuildRecord[]
  readonly versions: readonly VersionRecord[]
  readonly submissions: readonly ReviewSubmissionRecord[]
  readonly inBetaReview: readonly BuildRecord[]
  /** macOS only: the platform's highest build number so far (a new build must be higher, ITMS-90061). */
  readonly highestBuild: { readonly buildNumber: string; readonly version: string } | null
  /** Settled here: a failure is reported where the test information is checked. */
  readonly betaInfo: Promise<Settled<BetaAppInfo>> | null
  /** Read in the same wave when the app's answer already held the versions; settled like betaInfo. */
  readonly releaseNotes: Promise<Settled<ReleaseNotesPlan>> | null
}

type Settled<T> = { value: T } | { error: unknown }

/** Versions also decide whether Apple takes the upload at all (the version order), so they are read before any upload. */
function needsVersions(settings: ReleaseSettings, progress: Progress): boolean {
  return (settings.submitToAppStore && !progress.done('review-item')) || !progress.started('upload')
}

/**
 * Every check before anything is sent. Reads only; a 403 on a read means the key's role cannot do this.
 * Each problem names the fix.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { build, settings, gateway } = input
  const progress = progressOf(input)
  const problems: Problem[] = [...build.problems, ...settingsProblems(settings)]
  const empty = emptyLive(input)

  let found: AppForPublishRecord | null
  try {
    // The groups and the test information come with the app (one call instead of three).
    found = await gateway.findAppForPublish(build.bundleId, {
      betaGroups: settings.betaGroups.length > 0 && !progress.done('beta-groups'),
      betaAppInfo:
        (settings.submitToTestflight || settings.betaGroups.length > 0) && !progress.done('beta-review'),
      versionsOf: needsVersions(settings, progress) ? build.platform : null,
    })
  } catch (e) {
    return { problems: [...problems, ...readFailure(e, 'find the app')], live: empty }
  }
  if (found === null) {
    problems.push(
      error(
        'APP_NOT_FOUND',
        `no app with bundle id ${build.bundleId} in App Store Connect: create the app record (Apps → + → New App) with exactly this bundle id, or check the key's team`,
      ),
    )
    return { problems, live: empty }
  }
  const { app } = found
  let reads: Reads
  try {
    reads = await readApp(input, found, progress)
  } catch (e) {
    return { problems: [...problems, ...readFailure(e, 'read the app')], live: { ...empty, app } }
  }
  return checkApp(input, app, reads, problems, progress)
}

/** The checks against what App Store Connect holds, in the order a person fixes them. */
async function checkApp(
  input: PreflightInput,
  app: AppRecord,
  reads: Reads,
  problems: Problem[],
  progress: Progress,
): Promise<PreflightResult> {
  const { settings, gateway } = input
  const numbers = buildNumberProblems(input, reads, progress)
  problems.push(...numbers.problems)
  const groups = groupProblems(settings, app, reads.allGroups, progress, problems)
  if (wantsBetaReview(settings, groups) && !progress.done('beta-review'))
    problems.push(...(await betaInfoProblems(input, app, reads)))

  const serverNow = gateway.serverTime()
  if (serverNow === null) {
    problems.push(
      warning(
        'NO_SERVER_CLOCK',
        "App Store Connect sent no Date header; the release date was checked against this computer's clock",
      ),
    )
  }
  // Release date rules, against App Store Connect's clock.
  if (settings.submitToAppStore && !progress.done('version'))
    problems.push(...dateProblems(settings, serverNow ?? input.localNow()))

  const version = versionProblems(input, reads, progress, numbers.trainClosed)
  problems.push(...version.problems)
  const releaseNotes =
    wantsReleaseNotes(settings, progress) && !numbers.trainClosed
      ? await releaseNotesCheck(input, app, reads, version.versionPlan, problems)
      : null

  return {
    problems,
    live: {
      app,
      allGroups: reads.allGroups,
      groups,
      existingBuild: numbers.existingBuild,
      versions: reads.versions,
      submissions: reads.submissions,
      toCancel: version.toCancel,
      versionPlan: version.versionPlan,
      toExpire: reads.inBetaReview.filter(
        (b) => b.id !== input.ids?.buildId && b.id !== numbers.existingBuild?.id,
      ),
      serverNow,
      exportCompliance: exportComplianceOf(input),
      releaseNotes,
    },
  }
}

function exportComplianceOf(input: PreflightInput): LiveState['exportCompliance'] {
  const { build, settings } = input
  return typeof build.usesNonExemptEncryption === 'boolean'
    ? { value: build.usesNonExemptEncryption, source: 'Info.plist' }
    : { value: settings.usesNonExemptEncryption, source: 'settings' }
}

function emptyLive(input: PreflightInput): LiveState {
  return {
    app: null,
    allGroups: [],
    groups: [],
    existingBuild: null,
    versions: [],
    submissions: [],
    toCancel: [],
    versionPlan: null,
    toExpire: [],
    serverNow: null,
    exportCompliance: exportComplianceOf(input),
    releaseNotes: null,
  }
}

/** Settings rules that need no network. */
function settingsProblems(settings: ReleaseSettings): Problem[] {
  const problems: Problem[] = []
  if (settings.expireBuildSubmittedForReview && !settings.submitToTestflight) {
    problems.push(
      error(
        'EXPIRE_NEEDS_TESTFLIGHT',
        'expire_build_submitted_for_review only applies with submit_to_testflight: true (it withdraws the build in beta review to make room for this one)',
      ),
    )
  }
  const whatToTestBytes = settings.whatToTest === null ? 0 : Buffer.byteLength(settings.whatToTest, 'utf8')
  if (whatToTestBytes > WHAT_TO_TEST_MAX_BYTES) {
    problems.push(
      error(
        'WHAT_TO_TEST_TOO_LONG',
        `what to test is ${whatToTestBytes} bytes; App Store Connect accepts ${WHAT_TO_TEST_MAX_BYTES}: shorten it`,
      ),
    )
  }
  return problems
}

/** Independent reads, in parallel: preflight is what a person waits for before anything happens. */
async function readApp(
  input: PreflightInput,
  found: AppForPublishRecord,
  progress: Progress,
): Promise<Reads> {
  const { build, settings, gateway } = input
  const { app } = found
  const appId = app.id
  const needsGroups = settings.betaGroups.length > 0 && !progress.done('beta-groups')
  const needsSubmissions =
    settings.submitToAppStore && settings.cancelPreviousSubmissions && !progress.done('cancel-previous')
  const needsExpire =
    settings.expireBuildSubmittedForReview && settings.submitToTestflight && !progress.done('expire-previous')
  // With submit_to_testflight a beta review is wanted whatever the groups, so the TestFlight test information
  // is read in the same wave (when the app's answer did not hold it).
  const betaInfo = found.betaAppInfo
    ? Promise.resolve({ value: found.betaAppInfo })
    : settings.submitToTestflight && !progress.done('beta-review')
      ? settle(gateway.betaAppInfo(app))
      : null
  // The versions came with the app: which version's localizations the release notes need is known now.
  const releaseNotes =
    found.versions !== null && wantsReleaseNotes(settings, progress)
      ? settle(
          readReleaseNotesPlan({
            build,
            app,
            versions: found.versions,
            versionPlan: planOf(decideVersion(input, found.versions, progress)),
            gateway,
          }),
        )
      : null
  const [allGroups, builds, versions, submissions, inBetaReview, highestBuild] = await Promise.all([
    needsGroups ? (found.groups ?? gateway.listBetaGroups(appId)) : [],
    gateway.findBuilds(appId, build.version, build.buildNumber, build.platform),
    needsVersions(settings, progress) ? (found.versions ?? gateway.listVersions(appId, build.platform)) : [],
    needsSubmissions
      ? gateway.listReviewSubmissions(appId, build.platform, [
          'READY_FOR_REVIEW',
          ...IN_PROGRESS_SUBMISSION_STATES,
        ])
      : [],
    needsExpire ? gateway.buildsInBetaReview(appId, build.platform) : [],
    build.platform === 'MAC_OS' ? gateway.highestBuild(appId, build.platform) : null,
  ])
  return { allGroups, builds, versions, submissions, inBetaReview, highestBuild, betaInfo, releaseNotes }
}

function wantsReleaseNotes(settings: ReleaseSettings, progress: Progress): boolean {
  return settings.submitToAppStore && !progress.done('review-item')
}

function settle<T>(read: Promise<T>): Promise<Settled<T>> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

/** Build number: unused, unless this run uploaded it (a resumed run finds its own build); and the version order. */
function buildNumberProblems(
  input: PreflightInput,
  reads: Reads,
  progress: Progress,
): { problems: Problem[]; existingBuild: BuildRecord | null; trainClosed: boolean } {
  const { build } = input
  const problems: Problem[] = []
  const existingBuild = reads.builds[0] ?? null
  const ours =
    progress.started('upload') ||
    (input.ids?.buildId !== undefined && input.ids.buildId === existingBuild?.id)
  if (!ours) problems.push(...versionOrderProblems(build, reads.versions))
  const trainClosed = problems.some(
    (p) => p.code === 'VERSION_TRAIN_CLOSED' || p.code === 'VERSION_NOT_HIGHER',
  )
  if (existingBuild !== null && !ours) {
    problems.push(
      error(
        'BUILD_NUMBER_USED',
        `build ${build.buildNumber} of version ${build.version} (${build.platform}) is already in App Store Connect (${existingBuild.processingState.toLowerCase()}): raise CFBundleVersion and export the build again`,
      ),
    )
  }
  const highest = reads.highestBuild
  if (
    existingBuild === null &&
    !ours &&
    highest !== null &&
    compareVersionStrings(build.buildNumber, highest.buildNumber) <= 0
  ) {
    problems.push(
      error(
        'BUILD_NUMBER_NOT_HIGHER',
        `build ${build.buildNumber} is not higher than build ${highest.buildNumber} (version ${highest.version}), already in App Store Connect: on macOS App Store Connect takes only a build number higher than every earlier upload (ITMS-90061); raise CFBundleVersion above ${highest.buildNumber} and export the build again`,
      ),
    )
  }
  return { problems, existingBuild, trainClosed }
}

/** Beta groups: exact names (a case-insensitive near miss is suggested); the ones found, in the order given. */
function groupProblems(
  settings: ReleaseSettings,
  app: AppRecord,
  allGroups: readonly BetaGroupRecord[],
  progress: Progress,
  problems: Problem[],
): BetaGroupRecord[] {
  const groups: BetaGroupRecord[] = []
  if (settings.betaGroups.length === 0 || progress.done('beta-groups')) return groups
  const names = allGroups.map((g) => g.name)
  for (const name of settings.betaGroups) {
    const exact = allGroups.find((g) => g.name === name)
    if (exact) {
      groups.push(exact)
      continue
    }
    const hint = names.find((n) => n.toLowerCase() === name.toLowerCase()) ?? suggest(name, names)
    problems.push(
      error(
        'BETA_GROUP_NOT_FOUND',
        `beta group "${name}" does not exist for ${app.name}${hint ? `: did you mean "${hint}"?` : names.length > 0 ? ` (groups: ${names.join(', ')})` : ': create it in TestFlight first'}`,
      ),
    )
  }
  const external = groups.filter((g) => !g.isInternal)
  if (external.length > 0 && !settings.submitToTestflight) {
    problems.push(
      settingError(
        'EXTERNAL_GROUP_NEEDS_REVIEW',
        {
          key: 'submit_to_testflight',
          change: 'turn-on',
          problem: `${external.map((g) => `"${g.name}"`).join(', ')} ${external.length === 1 ? 'is an external group' : 'are external groups'}: external testers get a build only after beta review`,
          after: ' (or pick internal groups only)',
        },
        'set submit_to_testflight: true',
        '; ',
      ),
    )
  }
  return groups
}

/** TestFlight beta app information must be complete before a beta review submission (Codemagic finds out after the upload). */
async function betaInfoProblems(input: PreflightInput, app: AppRecord, reads: Reads): Promise<Problem[]> {
  const { settings, gateway } = input
  // External groups without submit_to_testflight are refused already.
  const problems = settings.submitToTestflight ? whatToTestProblems(settings, app) : []
  try {
    const read = await (reads.betaInfo ?? settle(gateway.betaAppInfo(app)))
    if ('error' in read) throw read.error
    const info = read.value
    const missing = [
      ...(info.missing.includes('feedbackEmail') ? ['a feedback email'] : []),
      ...(info.missing.some((field) => field.startsWith('contact'))
        ? ['a review contact (name, phone, email)']
        : []),
    ]
    if (missing.length > 0) {
      problems.push(
        error(
          'BETA_APP_INFO_INCOMPLETE',
          `TestFlight test information of ${app.name} lacks ${missing.join(' and ')}: beta review refuses builds without it; fill it in at ${testflightInfoUrl(app.id)}`,
        ),
      )
    }
  } catch (e) {
    problems.push(...readFailure(e, 'read the TestFlight test information'))
  }
  return problems
}

/** Which version gets the build: null without App Store submission. */
function decideVersion(
  input: PreflightInput,
  versions: readonly VersionRecord[],
  progress: Progress,
): { plan: VersionPlan } | { problem: Problem } | null {
  const { build, settings } = input
  if (!settings.submitToAppStore) return null
  if (progress.done('version') && input.ids?.versionId) {
    return { plan: { kind: 'done', versionId: input.ids.versionId } }
  }
  return planVersion(
    build.version,
    versions,
    settings.cancelPreviousSubmissions || progress.done('cancel-previous'),
    input.ids?.versionId,
  )
}

function planOf(decided: ReturnType<typeof decideVersion>): VersionPlan | null {
  return decided !== null && 'plan' in decided ? decided.plan : null
}

/** The version: an editable one exists, or one can be created, or why not; and what cancel_previous_submissions withdraws. */
function versionProblems(
  input: PreflightInput,
  reads: Reads,
  progress: Progress,
  trainClosed: boolean,
): { problems: Problem[]; versionPlan: VersionPlan | null; toCancel: ReviewSubmissionRecord[] } {
  const { settings } = input
  const ownSubmission = input.ids?.reviewSubmissionId
  const toCancel =
    settings.submitToAppStore && settings.cancelPreviousSubmissions && !progress.done('cancel-previous')
      ? reads.submissions.filter(
          (s) =>
            (IN_PROGRESS_SUBMISSION_STATES as readonly string[]).includes(s.state) && s.id !== ownSubmission,
        )
      : []
  const decided = decideVersion(input, reads.versions, progress)
  // A closed train already says why this version cannot be published: no second message for it.
  const problems = decided !== null && 'problem' in decided && !trainClosed ? [decided.problem] : []
  return { problems, versionPlan: planOf(decided), toCancel }
}

/** What's New: required on an update, not taken on a first version (nor is phased release). */
async function releaseNotesCheck(
  input: PreflightInput,
  app: AppRecord,
  reads: Reads,
  versionPlan: VersionPlan | null,
  problems: Problem[],
): Promise<ReleaseNotesPlan | null> {
  const { build, settings, gateway } = input
  const { versions } = reads
  try {
    const early = reads.releaseNotes ? await reads.releaseNotes : null
    if (early && 'error' in early) throw early.error
    const releaseNotes =
      early?.value ?? (await readReleaseNotesPlan({ build, app, versions, versionPlan, gateway }))
    problems.push(...releaseNotesProblems(build, settings, releaseNotes))
    return releaseNotes
  } catch (e) {
    problems.push(...readFailure(e, "read the version's localizations"))
    return null
  }
}

export function dateProblems(settings: ReleaseSettings, serverNow: number): Problem[] {
  const problems: Problem[] = []
  if (settings.releaseType === 'SCHEDULED' && settings.earliestReleaseDate === null) {
    problems.push(
      settingError(
        'RELEASE_DATE_MISSING',
        {
          key: 'earliest_release_date',
          change: 'fill',
          problem: 'release type SCHEDULED needs an earliest release date',
        },
        'set earliest_release_date, e.g. 2031-12-01T14:00:00+02:00',
      ),
    )
  }
  if (settings.earliestReleaseDate !== null) {
    const parsed = parseReleaseDate(settings.earliestReleaseDate)
    if (!parsed.ok) {
      problems.push(
        error(
          'RELEASE_DATE_INVALID',
          `earliest release date ${settings.earliestReleaseDate} ${parsed.reason}`,
        ),
      )
    } else {
      if (settings.releaseType !== 'SCHEDULED') {
        problems.push(
          settingError(
            'RELEASE_DATE_WITHOUT_SCHEDULED',
            {
              key: 'release_type',
              change: 'choose',
              to: 'SCHEDULED',
              problem: `earliest release date is set but release type is ${settings.releaseType}`,
              after: ' or remove the date',
            },
            'set release_type: SCHEDULED',
          ),
        )
      }
      if (parsed.epochMs <= serverNow) {
        problems.push(
          error(
            'RELEASE_DATE_PAST',
            `earliest release date ${parsed.iso} is in the past by App Store Connect's clock (${new Date(serverNow).toISOString()}): choose a later hour`,
          ),
        )
      }
    }
  }
  return problems
}

/**
 * Which version gets this build. Apple allows one open (unreleased) version per platform: a matching
 * editable one is updated; another editable one is renamed; none is created. A version in review can
 * be withdrawn only with cancel_previous_submissions.
 */
export function planVersion(
  versionString: string,
  versions: readonly VersionRecord[],
  canCancel: boolean,
  ownVersionId?: string,
): { plan: VersionPlan } | { problem: Problem } {
  const same = versions.find((v) => v.versionString === versionString)
  if (same && EDITABLE_STATES.has(same.state)) {
    return { plan: { kind: 'update', version: same, rename: false, afterCancel: false } }
  }
  if (same && CANCELABLE_STATES.has(same.state)) {
    if (canCancel || same.id === ownVersionId)
      return { plan: { kind: 'update', version: same, rename: false, afterCancel: true } }
    return {
      problem: settingError(
        'VERSION_IN_REVIEW',
        {
          key: 'cancel_previous_submissions',
          change: 'turn-on',
          problem: `version ${same.versionString} is ${same.state}`,
          after: ' to withdraw it from review first, or wait for the review to finish',
        },
        'set cancel_previous_submissions: true',
      ),
    }
  }
  if (same && LOCKED_STATES.has(same.state)) {
    return {
      problem: error(
        'VERSION_LOCKED',
        `version ${same.versionString} is ${same.state} and cannot take another build: release it (or reject it) in App Store Connect, or raise CFBundleShortVersionString`,
      ),
    }
  }
  if (same) {
    return {
      problem: error(
        'VERSION_RELEASED',
        `version ${same.versionString} is already ${same.state}: raise CFBundleShortVersionString for a new version`,
      ),
    }
  }
  const open = versions.filter((v) => EDITABLE_STATES.has(v.state))
  const openOne = open[0]
  if (openOne) return { plan: { kind: 'update', version: openOne, rename: true, afterCancel: false } }
  const inReview = versions.find((v) => CANCELABLE_STATES.has(v.state))
  if (inReview) {
    if (canCancel) return { plan: { kind: 'update', version: inReview, rename: true, afterCancel: true } }
    return {
      problem: settingError(
        'VERSION_IN_REVIEW',
        {
          key: 'cancel_previous_submissions',
          change: 'turn-on',
          problem: `version ${inReview.versionString} is ${inReview.state}, and Apple allows one open version`,
          after: ' to withdraw it, or wait for its review',
        },
        'set cancel_previous_submissions: true',
      ),
    }
  }
  const locked = versions.find((v) => LOCKED_STATES.has(v.state))
  if (locked) {
    return {
      problem: error(
        'VERSION_LOCKED',
        `version ${locked.versionString} is ${locked.state}, and Apple allows one open version: release it first, then publish ${versionString}`,
      ),
    }
  }
  return { plan: { kind: 'create' } }
}

function readFailure(e: unknown, what: string): Problem[] {
  if (e instanceof AscApiError && e.status === 403) {
    return [
      error(
        'KEY_ROLE',
        `the API key may not ${what} (403): publishing needs the App Manager or Admin role; change it in Users and Access → Integrations`,
      ),
    ]
  }
  throw e
}
