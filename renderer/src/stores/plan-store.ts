import { create } from 'zustand'
import { hasBlockingProblems, type BuildSummary } from '../../../shared/build-summary'
import type { PublishPlan } from '../../../shared/ipc'
import { checkSchedule, localesWithoutWhatsNew, type ReleaseState, type ScheduleCheck } from './release-store'

/** The plan against live App Store Connect state; every change of build or settings asks again. */
export interface PlanState {
  /** Increases with every request; a reply for an older one is stale and dropped. */
  readonly seq: number
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly plan: PublishPlan | null
  readonly error: string | null
}

export const emptyPlan: PlanState = { seq: 0, phase: 'idle', plan: null, error: null }

export function planRequested(state: PlanState): PlanState {
  return { ...state, seq: state.seq + 1, phase: 'loading', error: null }
}

export function planReceived(state: PlanState, seq: number, plan: PublishPlan): PlanState {
  if (seq !== state.seq) return state
  return { ...state, phase: 'ready', plan, error: null }
}

export function planFailed(state: PlanState, seq: number, message: string): PlanState {
  if (seq !== state.seq) return state
  return { ...state, phase: 'failed', plan: null, error: message }
}

export function planCleared(state: PlanState): PlanState {
  return { ...emptyPlan, seq: state.seq + 1 }
}

export interface PublishReadiness {
  readonly build: BuildSummary | null
  readonly plan: PlanState
  readonly schedule: ScheduleCheck
  readonly runActive: boolean
  /** Locales of an update that would go to review without What's New (empty: none, or not an update). */
  readonly whatsNewMissing?: readonly string[]
  /** Beta review is asked for and What to Test is empty. */
  readonly whatToTestMissing?: boolean
}

/** Said while the plan for the settings on screen is on its way: it holds Publish back only until it comes. */
const CHECKING_PLAN = 'Checking the plan against App Store Connect…'

export function planPending(plan: PlanState): boolean {
  return plan.phase === 'loading' || plan.phase === 'idle'
}

/** Why Publish cannot run now, in the order a person would fix things; empty when it may run. */
export function publishBlockers(input: PublishReadiness): readonly string[] {
  const reasons: string[] = []
  if (input.runActive) reasons.push('A run is in progress.')
  if (!input.build) return [...reasons, 'Choose a build first.']
  if (hasBlockingProblems(input.build))
    reasons.push('The build has problems Apple would refuse: fix them and drop the new build.')
  if (input.whatToTestMissing)
    reasons.push('What to Test: beta review needs it. Say what testers should try in the TestFlight panel.')
  const missing = input.whatsNewMissing ?? []
  if (missing.length > 0)
    reasons.push(
      `What’s New: this version is an update, and App Store review needs release notes (${missing.join(', ')}). Fill What’s New in the App Store panel.`,
    )
  // The field says what is wrong with the date; here only where to look.
  if (input.schedule.kind === 'invalid')
    reasons.push('Earliest release date: see the message under the field in the App Store panel.')
  if (planPending(input.plan)) reasons.push(CHECKING_PLAN)
  if (input.plan.phase === 'failed')
    reasons.push(`The plan could not be made: ${input.plan.error ?? 'unknown error'}`)
  if (input.plan.plan && hasBlockingProblems(input.plan.plan))
    reasons.push('Preflight found problems: see above.')
  return reasons
}

/** What the Publish bar needs from the window's state; the fields shown elsewhere come with it. */
interface PublishCheck {
  readonly blockers: readonly string[]
  readonly schedule: ScheduleCheck
  readonly whatsNewMissing: readonly string[]
  readonly whatToTestMissing: boolean
}

export function checkPublish(input: {
  readonly build: BuildSummary | null
  readonly plan: PlanState
  readonly release: Pick<ReleaseState, 'settings' | 'schedule'>
  readonly runActive: boolean
  readonly now: number
}): PublishCheck {
  const { settings } = input.release
  const releaseNotes = input.plan.plan?.releaseNotes ?? null
  // Without App Store submission the greyed-out date is not sent, so it holds nothing back.
  const schedule: ScheduleCheck = settings.submitToAppStore
    ? checkSchedule(settings.releaseType, input.release.schedule, input.now)
    : { kind: 'empty' }
  const whatsNewMissing =
    settings.submitToAppStore && releaseNotes?.update
      ? localesWithoutWhatsNew(settings, releaseNotes.locales, releaseNotes.present)
      : []
  const whatToTestMissing = settings.submitToTestflight && (settings.whatToTest ?? '').trim() === ''
  const blockers = publishBlockers({
    build: input.build,
    plan: input.plan,
    schedule,
    runActive: input.runActive,
    whatsNewMissing,
    whatToTestMissing,
  })
  return { blockers, schedule, whatsNewMissing, whatToTestMissing }
}

/** Only the plan on its way holds Publish back: a click now starts the run once it comes. */
export function waitsOnlyForPlan(blockers: readonly string[]): boolean {
  return blockers.length === 1 && blockers[0] === CHECKING_PLAN
}

export const usePlanStore = create<PlanState>(() => emptyPlan)
