import * as z from 'zod'

/**
 * What Ascent knows of an app after submission: its App Store versions (state, review submission,
 * release type and date, build, phased release) and its recent builds (processing, beta review,
 * groups). The shape `ascent status --json` prints, the window shows and the watcher compares.
 */
const PhasedReleaseStatus = z.object({
  state: z.string(),
  currentDayNumber: z.number().int(),
})
type PhasedReleaseStatus = z.infer<typeof PhasedReleaseStatus>

export const VersionStatus = z.object({
  platform: z.string(),
  versionString: z.string(),
  /** Apple's appStoreState words (READY_FOR_SALE, PENDING_DEVELOPER_RELEASE, REJECTED, …). */
  appStoreState: z.string(),
  releaseType: z.string().nullable(),
  earliestReleaseDate: z.string().nullable(),
  reviewSubmissionState: z.string().nullable(),
  /** The attached build's number. */
  build: z.string().nullable(),
  phasedRelease: PhasedReleaseStatus.nullable(),
})
export type VersionStatus = z.infer<typeof VersionStatus>

export const BuildStatus = z.object({
  version: z.string(),
  buildNumber: z.string(),
  processingState: z.string(),
  betaReviewState: z.string().nullable(),
  groups: z.array(z.string()),
})
export type BuildStatus = z.infer<typeof BuildStatus>

export const AppStatus = z.object({
  bundleId: z.string(),
  appName: z.string(),
  versions: z.array(VersionStatus),
  builds: z.array(BuildStatus),
})
export type AppStatus = z.infer<typeof AppStatus>

/** The ids behind a version, kept beside the public shape so an action can be sent without another read. */
export type VersionIds = {
  readonly versionId: string
  readonly reviewSubmissionId: string | null
  readonly phasedReleaseId: string | null
}

/** Apple's appStoreState values (the deprecated attribute `ascent status` reports), and beta review states. */
export const APP_STORE_STATES = [
  'ACCEPTED',
  'DEVELOPER_REMOVED_FROM_SALE',
  'DEVELOPER_REJECTED',
  'IN_REVIEW',
  'INVALID_BINARY',
  'METADATA_REJECTED',
  'PENDING_APPLE_RELEASE',
  'PENDING_CONTRACT',
  'PENDING_DEVELOPER_RELEASE',
  'PREPARE_FOR_SUBMISSION',
  'PREORDER_READY_FOR_SALE',
  'PROCESSING_FOR_APP_STORE',
  'READY_FOR_REVIEW',
  'READY_FOR_SALE',
  'REJECTED',
  'REMOVED_FROM_SALE',
  'WAITING_FOR_EXPORT_COMPLIANCE',
  'WAITING_FOR_REVIEW',
  'REPLACED_WITH_NEW_VERSION',
  'NOT_APPLICABLE',
] as const
export const BETA_REVIEW_STATES = ['WAITING_FOR_REVIEW', 'IN_REVIEW', 'REJECTED', 'APPROVED'] as const

/** Share of automatic updates on each day of a phased release (Apple: days 1–7). */
export const PHASED_PERCENT = [1, 2, 5, 10, 20, 50, 100] as const

/** True when a version's appStoreState or a build's betaReviewState is `state`. */
export function statusHasState(status: AppStatus, state: string): boolean {
  return (
    status.versions.some((v) => v.appStoreState === state) ||
    status.builds.some((b) => b.betaReviewState === state)
  )
}

const IN_MOTION = [
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'PENDING_DEVELOPER_RELEASE',
  'PENDING_APPLE_RELEASE',
  'PROCESSING_FOR_APP_STORE',
  'WAITING_FOR_EXPORT_COMPLIANCE',
]
const REJECTED = ['REJECTED', 'METADATA_REJECTED', 'INVALID_BINARY']

/**
 * Whether an app still needs watching: a version on its way (in review, approved, being released,
 * in a running phased release, or rejected and not yet acknowledged), or a build in processing or
 * beta review. A version on sale, an acknowledged rejection and a removed version need nothing more.
 */
export function needsWatching(status: AppStatus, acknowledged: readonly string[]): boolean {
  const versionMoving = status.versions.some(
    (v) =>
      IN_MOTION.includes(v.appStoreState) ||
      (REJECTED.includes(v.appStoreState) && !acknowledged.includes(v.versionString)) ||
      (v.appStoreState === 'READY_FOR_SALE' &&
        (v.phasedRelease?.state === 'ACTIVE' || v.phasedRelease?.state === 'PAUSED')),
  )
  const buildMoving = status.builds.some(
    (b) =>
      b.processingState === 'PROCESSING' ||
      b.betaReviewState === 'WAITING_FOR_REVIEW' ||
      b.betaReviewState === 'IN_REVIEW',
  )
  return versionMoving || buildMoving
}

const RELEASE_ACTIONS = ['now', 'pause', 'resume', 'complete', 'cancel-review'] as const
export const ReleaseAction = z.enum(RELEASE_ACTIONS)
export type ReleaseAction = z.infer<typeof ReleaseAction>

/** What each action is called in the window, and the CLI flag that does it. */
export const RELEASE_ACTION_WORDS: Readonly<
  Record<ReleaseAction, { readonly label: string; readonly flag: string; readonly confirm: string }>
> = {
  now: {
    label: 'Release now',
    flag: '--now',
    confirm: 'puts the approved version on the App Store now',
  },
  pause: {
    label: 'Pause phased release',
    flag: '--pause',
    confirm: 'stops automatic updates from reaching more users (up to 30 days in total)',
  },
  resume: {
    label: 'Resume phased release',
    flag: '--resume',
    confirm: 'lets automatic updates reach more users again, day by day',
  },
  complete: {
    label: 'Release to all',
    flag: '--complete',
    confirm: 'ends the phased release: every user gets the update now, and there is no way back',
  },
  'cancel-review': {
    label: 'Cancel review',
    flag: '--cancel-review',
    confirm: 'withdraws the version from App Review; it becomes editable and must be submitted again',
  },
}

const CANCELABLE_REVIEW = ['WAITING_FOR_REVIEW', 'IN_REVIEW', 'UNRESOLVED_ISSUES']

/** The actions App Store Connect allows for a version in its current state. */
export function possibleActions(v: VersionStatus): readonly ReleaseAction[] {
  const out: ReleaseAction[] = []
  if (v.appStoreState === 'PENDING_DEVELOPER_RELEASE') out.push('now')
  const phased = v.appStoreState === 'READY_FOR_SALE' ? v.phasedRelease?.state : undefined
  if (phased === 'ACTIVE') out.push('pause', 'complete')
  if (phased === 'PAUSED') out.push('resume', 'complete')
  if (v.reviewSubmissionState !== null && CANCELABLE_REVIEW.includes(v.reviewSubmissionState))
    out.push('cancel-review')
  return out
}

/** "1.1.0 is REJECTED (review submission UNRESOLVED_ISSUES)": the state an action was refused in. */
function describeState(v: VersionStatus): string {
  const review = v.reviewSubmissionState ? `, review submission ${v.reviewSubmissionState}` : ''
  const phased = v.phasedRelease ? `, phased release ${v.phasedRelease.state}` : ''
  return `${v.versionString} is ${v.appStoreState}${review}${phased}`
}

/** The refusal sentence: the state, and what is possible instead. */
export function refusalMessage(action: ReleaseAction, v: VersionStatus, flags: boolean): string {
  const possible = possibleActions(v).map((a) =>
    flags ? RELEASE_ACTION_WORDS[a].flag : `"${RELEASE_ACTION_WORDS[a].label}"`,
  )
  const what = RELEASE_ACTION_WORDS[action].label
  return `${what} is not possible: ${describeState(v)}. ${
    possible.length > 0 ? `Possible now: ${possible.join(', ')}.` : 'Nothing can be done to it now.'
  }`
}

const WORDS: Readonly<Record<string, string>> = {
  PREPARE_FOR_SUBMISSION: 'Being prepared',
  READY_FOR_REVIEW: 'Ready for review',
  WAITING_FOR_REVIEW: 'Waiting for review',
  IN_REVIEW: 'In review',
  PENDING_DEVELOPER_RELEASE: 'Approved, waiting for you to release it',
  PENDING_APPLE_RELEASE: 'Approved, waiting for Apple to release it',
  PROCESSING_FOR_APP_STORE: 'Being prepared for the App Store',
  READY_FOR_SALE: 'On the App Store',
  REJECTED: 'Rejected by App Review',
  METADATA_REJECTED: 'Metadata rejected by App Review',
  DEVELOPER_REJECTED: 'Withdrawn from review',
  INVALID_BINARY: 'Invalid binary',
  REPLACED_WITH_NEW_VERSION: 'Replaced by a newer version',
  REMOVED_FROM_SALE: 'Removed from sale',
  DEVELOPER_REMOVED_FROM_SALE: 'Removed from sale by you',
  WAITING_FOR_EXPORT_COMPLIANCE: 'Waiting for export compliance',
}

/** A state in words a person reads ("Approved, waiting for you to release it"). */
export function stateInWords(state: string): string {
  return WORDS[state] ?? state.charAt(0) + state.slice(1).toLowerCase().replace(/_/g, ' ')
}
