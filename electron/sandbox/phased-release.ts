import { conflict } from './errors'

/**
 * App Store Connect's phased release of a version update, as Apple describes it ("Release a version
 * update in phases"): once the version is on sale, automatic updates reach 1, 2, 5, 10, 20, 50 and
 * 100 % of users on days 1 to 7; it may be paused for up to 30 days in total (then it resumes by
 * itself), and released to everyone at any time. Only an unstarted one can be deleted.
 */
const PHASED_RELEASE_PERCENTAGES = [1, 2, 5, 10, 20, 50, 100] as const

const DAY_MS = 86_400_000
const MAX_TOTAL_PAUSE_MS = 30 * DAY_MS

export type PhasedReleaseState = 'INACTIVE' | 'ACTIVE' | 'PAUSED' | 'COMPLETE'

export type PhasedRelease = {
  id: string
  versionId: string
  phasedReleaseState: PhasedReleaseState
  /** When the version went on sale and the phased release began (sandbox clock); null while INACTIVE. */
  startedAt: number | null
  /** Pauses that have ended, in ms. */
  pausedMs: number
  /** When the current pause began; null unless PAUSED. */
  pausedAt: number | null
}

export function newPhasedRelease(id: string, versionId: string, state: PhasedReleaseState): PhasedRelease {
  return { id, versionId, phasedReleaseState: state, startedAt: null, pausedMs: 0, pausedAt: null }
}

function pauseSoFar(p: PhasedRelease, now: number): number {
  return p.pausedMs + (p.pausedAt === null ? 0 : now - p.pausedAt)
}

/** Days 1-7 while it runs (paused days do not count), 7 once complete, 0 before it starts. */
export function currentDayNumber(p: PhasedRelease, now: number): number {
  if (p.startedAt === null) return 0
  if (p.phasedReleaseState === 'COMPLETE') return PHASED_RELEASE_PERCENTAGES.length
  const running = now - p.startedAt - pauseSoFar(p, now)
  return Math.min(PHASED_RELEASE_PERCENTAGES.length, 1 + Math.floor(running / DAY_MS))
}

/** Whole days paused so far (Apple documents the attribute as an integer without a unit; the UI counts days). */
export function totalPauseDays(p: PhasedRelease, now: number): number {
  return Math.floor(pauseSoFar(p, now) / DAY_MS)
}

/** The version went on sale at `at`: an INACTIVE phased release starts (day 1). */
export function startPhasedRelease(p: PhasedRelease, at: number): void {
  if (p.phasedReleaseState !== 'INACTIVE') return
  p.phasedReleaseState = 'ACTIVE'
  p.startedAt = at
}

/**
 * Moves a running phased release to `now`: a pause that reached 30 days in total ends, and day 7
 * (100 %) completes it. Steps are taken at the moment they happened so later days count right.
 */
export function advancePhasedRelease(p: PhasedRelease, now: number): void {
  if (p.phasedReleaseState === 'PAUSED' && p.pausedAt !== null) {
    const resumeAt = p.pausedAt + (MAX_TOTAL_PAUSE_MS - p.pausedMs)
    if (now >= resumeAt) {
      p.pausedMs = MAX_TOTAL_PAUSE_MS
      p.pausedAt = null
      p.phasedReleaseState = 'ACTIVE'
    }
  }
  if (p.phasedReleaseState === 'ACTIVE' && currentDayNumber(p, now) >= PHASED_RELEASE_PERCENTAGES.length)
    p.phasedReleaseState = 'COMPLETE'
}

function refuse(p: PhasedRelease, target: PhasedReleaseState, why: string): never {
  throw conflict(
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
    'The provided entity includes an attribute with an invalid value',
    `appStoreVersionPhasedReleases with id '${p.id}' is ${p.phasedReleaseState} and cannot be set to ${target}: ${why}`,
    '/data/attributes/phasedReleaseState',
  )
}

/** PATCH phasedReleaseState: PAUSED pauses, ACTIVE resumes, COMPLETE releases to everyone now. */
export function requestPhasedReleaseState(p: PhasedRelease, target: PhasedReleaseState, now: number): void {
  advancePhasedRelease(p, now)
  const from = p.phasedReleaseState
  if (from === target) return
  if (from === 'COMPLETE') refuse(p, target, 'the phased release is complete.')
  if (target === 'INACTIVE') refuse(p, target, 'a started phased release cannot be reset.')
  if (from === 'INACTIVE')
    refuse(p, target, 'it starts when the version is released (to turn it off, delete it instead).')
  if (target === 'PAUSED') {
    if (pauseSoFar(p, now) >= MAX_TOTAL_PAUSE_MS)
      refuse(p, target, 'a phased release can be paused for 30 days in total.')
    p.pausedAt = now
  } else if (from === 'PAUSED' && p.pausedAt !== null) {
    p.pausedMs += now - p.pausedAt
    p.pausedAt = null
  }
  p.phasedReleaseState = target
}

/** DELETE: Apple deletes only "a phased release that has not been started". */
export function assertDeletable(p: PhasedRelease): void {
  if (p.phasedReleaseState === 'INACTIVE') return
  throw conflict(
    'STATE_ERROR',
    'The request cannot be fulfilled because of the state of the resource.',
    `appStoreVersionPhasedReleases with id '${p.id}' is ${p.phasedReleaseState}; only a phased release that has not started can be deleted.`,
  )
}
