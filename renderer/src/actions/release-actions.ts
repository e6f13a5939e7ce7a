import { type ReleaseState, setOption, useReleaseStore, type BooleanOption } from '../stores/release-store'
import { schedulePlan } from './plan-actions'

/** A release setting changed: store it and ask for a fresh plan (a longer pause for typed text). */
export function changeRelease(change: (state: ReleaseState) => ReleaseState, planDelayMs?: number): void {
  useReleaseStore.setState(change)
  schedulePlan(planDelayMs)
}

export function setAndPlan(option: BooleanOption, value: boolean): void {
  changeRelease((s) => setOption(s, option, value))
}
