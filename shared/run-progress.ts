import * as z from 'zod'
import { AscentErrorShape } from './errors'
import {
  STEP_ORDER,
  STEP_TITLES,
  StepId,
  type Link,
  type PublishEvent,
  type RunOutcome,
} from './publish-events'

/**
 * A run as a person watches it: its steps (with upload bytes and App Store Connect's state) and its log,
 * folded from the run's PublishEvents. The main process folds the same events the window does, so a window
 * that reloads or reopens mid-run is handed the very steps, bytes and log lines it had, and the run's log
 * file holds exactly the lines the window shows.
 */

/**
 * A step's state in the window: the record's states plus `stopped`, a step that was going when the run
 * was canceled or interrupted. It did not fail, so it must not look like a failure.
 */
const StepStatus = z.enum(['pending', 'running', 'done', 'skipped', 'failed', 'stopped'])
type StepStatus = z.infer<typeof StepStatus>

const UploadProgress = z.object({
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
})
type UploadProgress = z.infer<typeof UploadProgress>

export const StepView = z.object({
  step: StepId,
  title: z.string(),
  /** What the plan said the step will do, shown under the step while it waits. */
  detail: z.string().nullable(),
  status: StepStatus,
  summary: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: UploadProgress.nullable(),
  /** App Store Connect's state name while waiting (PROCESSING, WAITING_FOR_REVIEW, …). */
  state: z.string().nullable(),
  message: z.string().nullable(),
  error: AscentErrorShape.nullable(),
})
export type StepView = z.infer<typeof StepView>

export const LogLine = z.object({
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
})
export type LogLine = z.infer<typeof LogLine>

/** What the event fold needs of a run; the window's view adds its title and what was asked for. */
export interface RunProgress {
  readonly runId: string
  readonly steps: readonly StepView[]
  readonly log: readonly LogLine[]
  readonly outcome: RunOutcome | null
  readonly message: string | null
  readonly links: readonly Link[]
  readonly finishedAt: string | null
  readonly resumable: boolean
}

/** A long run can log a lot; the window keeps the latest lines (the run's log file keeps everything). */
export const LOG_LIMIT = 2000

const RESUMABLE: readonly RunOutcome[] = ['failed', 'canceled', 'interrupted']

/** What a stopped step says instead of a summary. */
export const STOPPED_SUMMARY: Readonly<Record<'canceled' | 'interrupted', string>> = {
  canceled: 'Canceled at this step',
  interrupted: 'Interrupted — Ascent stopped before this step finished',
}

/** What a step the run was not asked to do says. */
const NOT_REQUESTED = 'Not requested'

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

/** A step before the run reaches it: waiting with what the plan said, or skipped when not requested. */
export function pendingStep(
  step: StepId,
  plan?: { readonly actions: readonly string[]; readonly skipped: boolean },
): StepView {
  return {
    step,
    title: STEP_TITLES[step],
    detail: plan && plan.actions.length > 0 ? plan.actions.join(' · ') : null,
    status: plan?.skipped ? 'skipped' : 'pending',
    summary: plan?.skipped ? NOT_REQUESTED : null,
    startedAt: null,
    finishedAt: null,
    progress: null,
    state: null,
    message: null,
    error: null,
  }
}

/** The six steps before the run starts, as the plan describes them (a step it skips shows skipped). */
export function initialSteps(
  plan: readonly {
    readonly step: StepId
    readonly actions: readonly string[]
    readonly skipped: boolean
  }[] = [],
): StepView[] {
  const byStep = new Map(plan.map((p) => [p.step, p]))
  return STEP_ORDER.map((step) => pendingStep(step, byStep.get(step)))
}

/** The steps a run with these settings does not do at all (the plan shows them skipped from the start). */
export function stepsNotRequested(settings: { readonly submitToAppStore: boolean }): StepId[] {
  return settings.submitToAppStore ? [] : ['app-store', 'review']
}

function updateStep<R extends RunProgress>(run: R, step: StepId, change: (s: StepView) => StepView): R {
  return { ...run, steps: run.steps.map((s) => (s.step === step ? change(s) : s)) }
}

function appendLog<R extends RunProgress>(run: R, line: LogLine): R {
  const log =
    run.log.length >= LOG_LIMIT
      ? [...run.log.slice(run.log.length - LOG_LIMIT + 1), line]
      : [...run.log, line]
  return { ...run, log }
}

function withStepLog<R extends RunProgress>(
  run: R,
  at: string,
  level: LogLine['level'],
  message: string,
  change: (run: R) => R,
): R {
  return appendLog(change(run), { at, level, message })
}

/** One publish event applied to the run it belongs to; events of other runs leave it unchanged. */
export function applyEvent<R extends RunProgress>(run: R, event: PublishEvent): R {
  if (event.runId !== run.runId) return run
  switch (event.type) {
    case 'step-started':
      // A step the run was not asked for still starts and finishes at once; its one line is the finish's
      // "not requested", never a "started" before it.
      if (run.steps.find((s) => s.step === event.step)?.status === 'skipped') return run
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
    case 'step-finished': {
      const finish = (r: R): R =>
        updateStep(r, event.step, (s) => ({
          ...s,
          status: event.postponed ? 'pending' : event.skipped ? 'skipped' : 'done',
          summary: event.summary,
          finishedAt: event.at,
          progress:
            s.progress && !event.skipped && !event.postponed
              ? { ...s.progress, bytesDone: s.progress.bytesTotal, etaSeconds: 0 }
              : s.progress,
          error: null,
        }))
      // A step whose last progress line already said its summary (a sub-step's note) is not logged twice.
      const said = run.steps.find((s) => s.step === event.step)?.message === event.summary
      return said
        ? finish(run)
        : withStepLog(run, event.at, 'info', `${STEP_TITLES[event.step]}: ${event.summary}`, finish)
    }
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
export function runResumed<R extends RunProgress>(run: R, runId: string): R {
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

const LEVEL_WIDTH = 5

/** One log line as the log file and Copy log write it: time, level, message. */
export function formatLogLine(line: LogLine): string {
  return `${line.at} ${line.level.toUpperCase().padEnd(LEVEL_WIDTH)} ${line.message}`
}

export function logText(log: readonly LogLine[]): string {
  return log.map(formatLogLine).join('\n')
}

const LINE_START = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (INFO |WARN |ERROR) (.*)$/

/** The lines of a log file; a message that spans lines (an error's detail) stays one entry. */
export function parseLogText(text: string): LogLine[] {
  const lines: LogLine[] = []
  let current: { at: string; level: LogLine['level']; message: string } | null = null
  for (const raw of text.split('\n')) {
    const match = LINE_START.exec(raw)
    if (match) {
      if (current) lines.push(current)
      current = {
        at: match[1]!,
        level: match[2]!.trim().toLowerCase() as LogLine['level'],
        message: match[3]!,
      }
    } else if (current) {
      current.message += `\n${raw}`
    }
  }
  if (current) {
    // The file ends with a newline after its last line: that is not part of the message.
    current.message = current.message.replace(/\n$/, '')
    lines.push(current)
  }
  return lines
}
