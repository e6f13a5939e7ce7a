import { create } from 'zustand'
import { hasBlockingProblems, type BuildSummary } from '../../../shared/build-summary'
import type { PublishPlan } from '../../../shared/ipc'
import type { ScheduleCheck } from './release-store'

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

/** Why Publish is disabled, in the order a person would fix things; empty when it may run. */
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
  if (input.plan.phase === 'loading' || input.plan.phase === 'idle')
    reasons.push('Checking the plan against App Store Connect…')
  if (input.plan.phase === 'failed')
    reasons.push(`The plan could not be made: ${input.plan.error ?? 'unknown error'}`)
  if (input.plan.plan && hasBlockingProblems(input.plan.plan))
    reasons.push('Preflight found problems: see above.')
  return reasons
}

export const usePlanStore = create<PlanState>(() => emptyPlan)
