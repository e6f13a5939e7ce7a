import { create } from 'zustand'
import type { AscentErrorShape } from '../../../shared/errors'
import type { PlanStep, RunRecord } from '../../../shared/ipc'
import {
  STEP_ORDER,
  type Link,
  type PublishEvent,
  type RunOutcome,
  type StepId,
} from '../../../shared/publish-events'
import type { ReleaseFacts } from './outcome'

/**
 * A step's state in the window: the record's states plus `stopped`, a step that was going when the run
 * was canceled or interrupted. It did not fail, so it must not look like a failure.
 */
type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'stopped'

interface UploadProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly bytesPerSecond: number
  readonly etaSeconds: number | null
}

export interface StepView {
  readonly step: StepId
  readonly title: string
  /** What the plan said the step will do, shown under the step while it waits. */
  readonly detail: string | null
  readonly status: StepStatus
  readonly summary: string | null
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly progress: UploadProgress | null
  /** App Store Connect's state name while waiting (PROCESSING, WAITING_FOR_REVIEW, …). */
  readonly state: string | null
  readonly message: string | null
  readonly error: AscentErrorShape | null
}

export interface LogLine {
  readonly at: string
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

export interface RunView {
  readonly runId: string
  readonly title: string
  readonly version: string
  readonly buildNumber: string
  /** What was asked for, for the outcome sentence; null for older runs from History that did not record it. */
  readonly facts: ReleaseFacts | null
  readonly steps: readonly StepView[]
  readonly log: readonly LogLine[]
  readonly outcome: RunOutcome | null
  readonly message: string | null
  readonly links: readonly Link[]
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly resumable: boolean
}

/** A long run can log a lot; the window keeps the latest lines (the journal keeps everything). */
export const LOG_LIMIT = 2000

const STEP_TITLES: Readonly<Record<StepId, string>> = {
  preflight: 'Preflight',
  upload: 'Upload',
  processing: 'Processing',
  testflight: 'TestFlight',
  'app-store': 'App Store',
  review: 'App Store review',
}

const RESUMABLE: readonly RunOutcome[] = ['failed', 'canceled', 'interrupted']

/** What a stopped step says instead of a summary. */
export const STOPPED_SUMMARY: Readonly<Record<'canceled' | 'interrupted', string>> = {
  canceled: 'Canceled at this step',
  interrupted: 'Interrupted — Ascent stopped before this step finished',
}

/**
 * What a step still going when the run ended becomes: stopped (neutral) when the run was canceled or
 * interrupted, failed when the run failed, and stopped when it ended otherwise (it never finished).
 */
export function stepAtRunEnd(step: StepView, outcome: RunOutcome): StepView {
  if (step.status !== 'running') return step
  if (outcome === 'failed' || outcome === 'refused') return { ...step, status: 'failed' }
  return {
    ...step,
    status: 'stopped',
    summary: outcome === 'interrupted' ? STOPPED_SUMMARY.interrupted : STOPPED_SUMMARY.canceled,
  }
}

function pendingStep(step: StepId, plan?: PlanStep): StepView {
  return {
    step,
    title: STEP_TITLES[step],
    detail: plan && plan.actions.length > 0 ? plan.actions.join(' · ') : null,
    status: plan?.skipped ? 'skipped' : 'pending',
    summary: plan?.skipped ? 'Not requested' : null,
    startedAt: null,
    finishedAt: null,
    progress: null,
    state: null,
    message: null,
    error: null,
  }
}

/** The build a run publishes and what was asked for. */
export interface RunAbout {
  readonly version: string
  readonly buildNumber: string
  readonly facts: ReleaseFacts | null
}

export function newRunView(
  runId: string,
  title: string,
  startedAt: string,
  plan: readonly PlanStep[] = [],
  about: RunAbout = { version: '', buildNumber: '', facts: null },
): RunView {
  const byStep = new Map(plan.map((p) => [p.step, p]))
  return {
    runId,
    title,
    ...about,
    steps: STEP_ORDER.map((step) => pendingStep(step, byStep.get(step))),
    log: [],
    outcome: null,
    message: null,
    links: [],
    startedAt,
    finishedAt: null,
    resumable: false,
  }
}

function updateStep(run: RunView, step: StepId, change: (s: StepView) => StepView): RunView {
  return { ...run, steps: run.steps.map((s) => (s.step === step ? change(s) : s)) }
}

function appendLog(run: RunView, line: LogLine): RunView {
  const log =
    run.log.length >= LOG_LIMIT
      ? [...run.log.slice(run.log.length - LOG_LIMIT + 1), line]
      : [...run.log, line]
  return { ...run, log }
}

function withStepLog(
  run: RunView,
  at: string,
  level: LogLine['level'],
  message: string,
  change: (run: RunView) => RunView,
): RunView {
  return appendLog(change(run), { at, level, message })
}

/** One publish event applied to the run it belongs to; events of other runs leave it unchanged. */
export function applyEvent(run: RunView, event: PublishEvent): RunView {
  if (event.runId !== run.runId) return run
  switch (event.type) {
    case 'step-started':
      return withStepLog(run, event.at, 'info', `${event.title || STEP_TITLES[event.step]}: started`, (r) =>
        updateStep(r, event.step, (s) => ({
          ...s,
          title: event.title || s.title,
          status: 'running',
          startedAt: event.at,
          finishedAt: null,
          summary: null,
          error: null,
        })),
      )
    case 'step-progress': {
      // Byte counts are not log-worthy; a new App Store Connect state or message is.
      const before = run.steps.find((s) => s.step === event.step)
      const said = [
        event.state !== undefined && event.state !== before?.state ? event.state : null,
        event.message !== undefined && event.message !== before?.message ? event.message : null,
      ]
        .filter((x): x is string => x !== null)
        .join(': ')
      const next = updateStep(run, event.step, (s) => {
        const hasBytes = event.bytesDone !== undefined && event.bytesTotal !== undefined
        const progress: UploadProgress | null = hasBytes
          ? {
              bytesDone: event.bytesDone ?? 0,
              bytesTotal: event.bytesTotal ?? 0,
              bytesPerSecond: event.bytesPerSecond ?? s.progress?.bytesPerSecond ?? 0,
              etaSeconds: event.etaSeconds ?? null,
            }
          : s.progress
        return {
          ...s,
          status: s.status === 'pending' ? 'running' : s.status,
          startedAt: s.startedAt ?? event.at,
          progress,
          state: event.state ?? s.state,
          message: event.message ?? s.message,
        }
      })
      return said === ''
        ? next
        : appendLog(next, { at: event.at, level: 'info', message: `${STEP_TITLES[event.step]}: ${said}` })
    }
    case 'step-finished':
      return withStepLog(run, event.at, 'info', `${STEP_TITLES[event.step]}: ${event.summary}`, (r) =>
        updateStep(r, event.step, (s) => ({
          ...s,
          status: event.skipped ? 'skipped' : 'done',
          summary: event.summary,
          finishedAt: event.at,
          progress:
            s.progress && !event.skipped
              ? { ...s.progress, bytesDone: s.progress.bytesTotal, etaSeconds: 0 }
              : s.progress,
          error: null,
        })),
      )
    case 'step-failed':
      return appendLog(
        updateStep(run, event.step, (s) => ({
          ...s,
          status: 'failed',
          finishedAt: event.at,
          error: event.error,
        })),
        { at: event.at, level: 'error', message: `${STEP_TITLES[event.step]}: ${event.error.message}` },
      )
    case 'log':
      return appendLog(run, { at: event.at, level: event.level, message: event.message })
    case 'run-finished':
      return {
        ...appendLog(run, {
          at: event.at,
          level: event.outcome === 'failed' || event.outcome === 'refused' ? 'error' : 'info',
          message: event.message,
        }),
        // A step still "running" when the run ends did not finish: show it stopped (or failed), not spinning.
        steps: run.steps.map((s) => stepAtRunEnd(s, event.outcome)),
        outcome: event.outcome,
        message: event.message,
        links: event.links,
        finishedAt: event.at,
        resumable: RESUMABLE.includes(event.outcome),
      }
  }
}

/** A resumed run keeps what was done; everything else waits again. */
export function runResumed(run: RunView, runId: string): RunView {
  return {
    ...run,
    runId,
    outcome: null,
    message: null,
    links: [],
    finishedAt: null,
    resumable: false,
    steps: run.steps.map((s) =>
      s.status === 'done' || s.status === 'skipped'
        ? s
        : { ...s, status: 'pending', error: null, finishedAt: null, summary: null },
    ),
  }
}

export function runTitle(build: {
  readonly name: string
  readonly version: string
  readonly buildNumber: string
}): string {
  return `${build.name} ${build.version} (${build.buildNumber})`
}

/** The timeline of a past run (History) or of a run found still going when the window opens. */
export function runViewFromRecord(record: RunRecord): RunView {
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
      const base = pendingStep(step)
      if (!r) return base
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
    log: [],
    outcome: record.outcome,
    message: record.message,
    links: record.links,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    resumable: record.resumable,
  }
}

export function isRunActive(run: RunView | null): boolean {
  return run !== null && run.outcome === null
}

export interface RunState {
  readonly current: RunView | null
  readonly busy: 'starting' | 'canceling' | 'resuming' | null
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
