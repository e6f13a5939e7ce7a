import type { BetaGroup } from '../../shared/ipc'
import type { ReleaseSettings, ReleaseType } from '../../shared/release-settings'
import { OUTCOME_HEADLINES, type RunOutcome, type StepId } from '../../shared/publish-events'

/** How an ended run looks: green when it got where it was asked to, red when it failed, grey when stopped. */
export type OutcomeTone = 'ok' | 'failed' | 'stopped' | 'running'

export function outcomeTone(outcome: RunOutcome | null): OutcomeTone {
  switch (outcome) {
    case null:
      return 'running'
    case 'failed':
    case 'refused':
      return 'failed'
    case 'canceled':
    case 'interrupted':
      return 'stopped'
    default:
      return 'ok'
  }
}

/**
 * What the window knew about the release when Publish was pressed: which groups (with their kind, which
 * the run's events do not carry) and how the App Store version goes out. For runs opened from History it
 * comes from the run record; absent when the record does not say (older runs).
 */
export interface ReleaseFacts {
  readonly groups: readonly Pick<BetaGroup, 'name' | 'isInternal'>[]
  readonly submitToTestflight: boolean
  readonly submitToAppStore: boolean
  readonly releaseType: ReleaseType
  /** ISO 8601 with the offset the person chose, e.g. 2031-12-01T14:00:00+02:00. */
  readonly earliestReleaseDate: string | null
  /** The zone the date was picked in, e.g. Europe/Riga; null when unknown. */
  readonly timeZone: string | null
  readonly phasedRelease: boolean | null
}

/** The facts for a run, from the settings sent with Publish and the groups App Store Connect listed. */
export function releaseFacts(
  settings: Pick<
    ReleaseSettings,
    | 'betaGroups'
    | 'submitToTestflight'
    | 'submitToAppStore'
    | 'releaseType'
    | 'earliestReleaseDate'
    | 'phasedRelease'
  >,
  known: readonly Pick<BetaGroup, 'name' | 'isInternal'>[],
  timeZone: string | null,
): ReleaseFacts {
  const byName = new Map(known.map((g) => [g.name, g]))
  return {
    // A chosen name App Store Connect did not list is counted as external: it is not known to skip review.
    groups: settings.betaGroups.map((name) => byName.get(name) ?? { name, isInternal: false }),
    submitToTestflight: settings.submitToTestflight,
    submitToAppStore: settings.submitToAppStore,
    releaseType: settings.releaseType,
    earliestReleaseDate: settings.earliestReleaseDate,
    timeZone,
    phasedRelease: settings.phasedRelease,
  }
}

export interface OutcomeStep {
  readonly step: StepId
  readonly title: string
  readonly status: 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'stopped'
  readonly summary?: string | null
  readonly error: { readonly message: string } | null
}

export interface OutcomeInput {
  readonly outcome: RunOutcome
  readonly version: string
  readonly buildNumber: string
  readonly steps: readonly OutcomeStep[]
  readonly facts: ReleaseFacts | null
  /** The pipeline's own message, used when nothing better can be said (a run from History). */
  readonly message: string | null
}

export interface OutcomeText {
  readonly headline: string
  /** One sentence after the headline: what happened and what happens next. */
  readonly sentence: string
}

/** "QA", "QA and Beta", "A, B and C", "A, B, C and 997 more groups". */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? ''
  if (names.length > max + 1) return `${names.slice(0, max).join(', ')} and ${names.length - max} more groups`
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "1 Dec 2031, 14:00 (Europe/Riga)" from the ISO date as chosen: its wall-clock time, not the viewer's. */
export function releaseDateText(iso: string, timeZone: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso)
  if (!m) return iso
  const [, y, mo, d, h, mi, offset] = m
  const zone = timeZone ?? (offset === undefined || offset === 'Z' ? 'UTC' : `UTC${offset}`)
  return `${Number(d)} ${MONTHS[Number(mo) - 1] ?? mo} ${y}, ${h}:${mi} (${zone})`
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function stepStatus(steps: readonly OutcomeStep[], id: StepId): OutcomeStep['status'] | null {
  return steps.find((s) => s.step === id)?.status ?? null
}

/** Who can install the build: internal groups at once, external ones after beta review. */
function testflightClause(input: OutcomeInput, facts: ReleaseFacts): string | null {
  const label = `${input.version} (${input.buildNumber})`
  const internal = facts.groups.filter((g) => g.isInternal).map((g) => g.name)
  const external = facts.groups.filter((g) => !g.isInternal).map((g) => g.name)
  const review = facts.submitToTestflight || external.length > 0
  if (internal.length > 0 && external.length > 0)
    return `testers in ${nameList(internal)} can install ${label} now; ${nameList(external)} after beta review`
  if (internal.length > 0) return `testers in ${nameList(internal)} can install ${label} now`
  if (external.length > 0) return `testers in ${nameList(external)} can install ${label} after beta review`
  if (review) return `${label} is in TestFlight, waiting for beta review`
  return stepStatus(input.steps, 'testflight') === 'done' ? `${label} is in TestFlight` : null
}

/** When the version goes on sale, as the release type says. */
function appStoreClause(input: OutcomeInput, facts: ReleaseFacts): string {
  const phased = facts.phasedRelease === true ? ', in a 7-day phased release' : ''
  // Trust what the review step saw over the word "published": a version still waiting for review is not on sale.
  const review = input.steps.find((s) => s.step === 'review')?.summary ?? ''
  const inReview = /WAITING_FOR_REVIEW|IN_REVIEW|READY_FOR_REVIEW|UNRESOLVED_ISSUES/.test(review)
  if (input.outcome === 'published' && !inReview) return `${input.version} is on the App Store${phased}`
  switch (facts.releaseType) {
    case 'MANUAL':
      return `once Apple approves ${input.version}, you release it with Release now in Releases${phased}`
    case 'AFTER_APPROVAL':
      return `${input.version} goes on the App Store as soon as Apple approves it${phased}`
    case 'SCHEDULED':
      return facts.earliestReleaseDate === null
        ? `${input.version} goes on the App Store on its scheduled date once Apple approves it${phased}`
        : `${input.version} goes on the App Store on ${releaseDateText(facts.earliestReleaseDate, facts.timeZone)} at the earliest, once Apple approves it${phased}`
  }
}

function stoppedSentence(input: OutcomeInput, how: 'canceled' | 'interrupted'): string {
  const stopped = input.steps.find((s) => s.status === 'stopped' || s.status === 'running')
  const next = input.steps.find((s) => s.status === 'pending')
  const where = stopped ? ` during ${stopped.title}` : next ? ` before ${next.title}` : ''
  const what = how === 'canceled' ? `Stopped${where}` : `Ascent stopped${where} before the run finished`
  return `${what}. Resume picks up where it stopped, without doing anything twice.`
}

/**
 * The status box's one sentence of outcome, built from what the run did (its steps) and what was asked
 * (the release facts), e.g. "Submitted for review. Testers in QA can install 1.1.0 (100) now; Public Beta
 * after beta review." The headline is always the reported outcome.
 */
export function outcomeText(input: OutcomeInput): OutcomeText {
  const headline = OUTCOME_HEADLINES[input.outcome]
  const label = `${input.version} (${input.buildNumber})`
  const facts = input.facts
  switch (input.outcome) {
    case 'failed': {
      const failed = input.steps.find((s) => s.status === 'failed')
      const resume = 'Resume continues from there; nothing done already is done again.'
      // The failed step shows App Store Connect's words; the box names the step instead of saying them again.
      if (failed?.error)
        return { headline, sentence: `${failed.title} failed: the reason is under the step. ${resume}` }
      const reason = input.message ?? 'the run stopped with an error'
      return {
        headline,
        sentence: `${failed ? `${failed.title}: ` : ''}${sentenceCase(reason.replace(/\.$/, ''))}. ${resume}`,
      }
    }
    case 'refused':
      return {
        headline,
        sentence: input.message ?? 'Preflight found problems; nothing was sent to App Store Connect.',
      }
    case 'canceled':
      // What had reached App Store Connect when the cancel came is the pipeline's to say (it asks when unsure).
      return { headline, sentence: input.message ?? stoppedSentence(input, 'canceled') }
    case 'interrupted':
      return { headline, sentence: stoppedSentence(input, input.outcome) }
    case 'uploaded': {
      const processed = stepStatus(input.steps, 'processing') === 'done'
      const waiting =
        facts !== null && (facts.submitToAppStore || facts.submitToTestflight || facts.groups.length > 0)
      return {
        headline,
        sentence: processed
          ? `${label} is processed and in App Store Connect.`
          : waiting
            ? `${label} is in App Store Connect, still processing; publish the same build again once it is processed to do the rest.`
            : `${label} is in App Store Connect.`,
      }
    }
    default:
      break
  }
  // published, submitted-for-review, testflight: say who can install it and when it goes on sale.
  if (facts === null) return { headline, sentence: input.message ?? `${label} went where it was sent.` }
  const clauses: string[] = []
  const tf = testflightClause(input, facts)
  if (tf !== null) clauses.push(tf)
  if (facts.submitToAppStore && input.outcome !== 'testflight') clauses.push(appStoreClause(input, facts))
  if (clauses.length === 0) return { headline, sentence: `${label} is in App Store Connect.` }
  return { headline, sentence: `${clauses.map(sentenceCase).join('. ')}.` }
}
