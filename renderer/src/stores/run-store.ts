import { create } from 'zustand'
import type { LiveRun, PlanStep, RunRecord } from '../../../shared/ipc'
import { STEP_ORDER, type PublishEvent } from '../../../shared/publish-events'
import {
  applyEvent,
  initialSteps,
  pendingStep,
  stepsNotRequested,
  STOPPED_SUMMARY,
  type LogLine,
  type RunProgress,
} from '../../../shared/run-progress'
import type { ReleaseFacts } from '../outcome-text'

export {
  applyEvent,
  LOG_LIMIT,
  runResumed,
  stepAtRunEnd,
  STOPPED_SUMMARY,
  type LogLine,
  type StepView,
} from '../../../shared/run-progress'

export interface WatchedRun extends RunProgress {
  readonly title: string
  readonly version: string
  readonly buildNumber: string
  /** What was asked for, for the outcome sentence; null for older runs from History that did not record it. */
  readonly facts: ReleaseFacts | null
  readonly startedAt: string
}

/** The build a run publishes and what was asked for. */
export interface RunAbout {
  readonly version: string
  readonly buildNumber: string
  readonly facts: ReleaseFacts | null
}

export function newWatchedRun(
  runId: string,
  title: string,
  startedAt: string,
  plan: readonly PlanStep[] = [],
  about: RunAbout = { version: '', buildNumber: '', facts: null },
): WatchedRun {
  return {
    runId,
    title,
    ...about,
    steps: initialSteps(plan),
    log: [],
    outcome: null,
    message: null,
    links: [],
    startedAt,
    finishedAt: null,
    resumable: false,
  }
}

export function runTitle(build: {
  readonly name: string
  readonly version: string
  readonly buildNumber: string
}): string {
  return `${build.name} ${build.version} (${build.buildNumber})`
}

/** The timeline of a past run (History), with its log when it was read. */
export function watchedRunFromRecord(record: RunRecord, log: readonly LogLine[] = []): WatchedRun {
  const notRequested = new Set(record.release ? stepsNotRequested(record.release) : [])
  return {
    runId: record.runId,
    // Runs from before the app name was recorded (or stopped before preflight found the app) show the file.
    title: runTitle({
      name: record.appName ?? record.fileName,
      version: record.version,
      buildNumber: record.buildNumber,
    }),
    version: record.version,
    buildNumber: record.buildNumber,
    // The zone the date was picked in is not recorded: the date reads in its own UTC offset.
    facts: record.release ? { ...record.release, timeZone: null } : null,
    steps: STEP_ORDER.map((step) => {
      const r = record.steps.find((s) => s.step === step)
      const base = pendingStep(step, { actions: [], skipped: notRequested.has(step) })
      if (!r || (r.status === 'pending' && notRequested.has(step))) return base
      // The journal puts a step stopped by Cancel back to pending with a CANCELED error: show it stopped.
      if (r.error?.code === 'CANCELED' || (r.status === 'running' && record.outcome !== null)) {
        const how = record.outcome === 'interrupted' ? 'interrupted' : 'canceled'
        return {
          ...base,
          status: 'stopped',
          summary: STOPPED_SUMMARY[how],
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
        }
      }
      return {
        ...base,
        status: r.status,
        summary: r.summary,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        error: r.error,
      }
    }),
    log,
    outcome: record.outcome,
    message: record.message,
    links: record.sandbox ? [] : record.links,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    resumable: record.resumable,
  }
}

/**
 * A run going on in the main process when the window opens (reloaded, or reopened): its steps, bytes and
 * log exactly as main folded them, then the events that came in while the window asked, past the last one
 * main had folded.
 */
export function watchedRunFromLive(live: LiveRun, laterEvents: readonly PublishEvent[] = []): WatchedRun {
  const view: WatchedRun = { ...watchedRunFromRecord(live.run), steps: live.steps, log: live.log }
  const last = live.lastEvent === null ? -1 : lastIndexOfEvent(laterEvents, live.lastEvent)
  return laterEvents.slice(last + 1).reduce(applyEvent, view)
}

/** Key order differs between an event re-parsed by the contract and one off the wire: compare sorted. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function lastIndexOfEvent(events: readonly PublishEvent[], event: PublishEvent): number {
  const wanted = canonical(event)
  for (let i = events.length - 1; i >= 0; i--) if (canonical(events[i]) === wanted) return i
  return -1
}

export function isRunActive(run: WatchedRun | null): boolean {
  return run !== null && run.outcome === null
}

export interface RunState {
  readonly current: WatchedRun | null
  /** `waiting`: Publish was clicked while the plan for the settings on screen was on its way; it starts when it comes. */
  readonly busy: 'waiting' | 'starting' | 'canceling' | 'resuming' | 'attaching' | null
  readonly error: string | null
}

export const emptyRun: RunState = { current: null, busy: null, error: null }

/** Events are applied to the current run as they arrive, in order. */
export function runStateWithEvent(state: RunState, event: PublishEvent): RunState {
  if (!state.current) return state
  const current = applyEvent(state.current, event)
  if (current === state.current) return state
  return { ...state, current, busy: event.type === 'run-finished' ? null : state.busy }
}

export const useRunStore = create<RunState>(() => emptyRun)
