import type { AscentErrorShape } from '../../../shared/errors'
import type { Link, PublishEvent, RunOutcome, StepId } from '../../../shared/publish-events'

/** Builders for the PublishEvents a test feeds the run store, so a test reads as the story of its run. */

const runId = 'run-1'
export const at = '2031-01-01T10:00:00.000Z'

type EventOf<T extends PublishEvent['type']> = Extract<PublishEvent, { type: T }>
/** Only when an event must come from another run or another moment than the defaults. */
type Base = { readonly runId?: string; readonly at?: string }
type ProgressFields = Omit<EventOf<'step-progress'>, 'type' | 'runId' | 'at' | 'step'>

export function started(step: StepId, title: string, base: Base = {}): EventOf<'step-started'> {
  return { type: 'step-started', runId, at, ...base, step, title }
}

export function progress(step: StepId, fields: ProgressFields & Base): EventOf<'step-progress'> {
  return { type: 'step-progress', runId, at, ...fields, step }
}

export function finished(step: StepId, summary: string, base: Base = {}): EventOf<'step-finished'> {
  return { type: 'step-finished', runId, at, ...base, step, summary }
}

export function failed(step: StepId, error: AscentErrorShape, base: Base = {}): EventOf<'step-failed'> {
  return { type: 'step-failed', runId, at, ...base, step, error }
}

export function runFinished(
  outcome: RunOutcome,
  message: string,
  links: readonly Link[] = [],
  base: Base = {},
): EventOf<'run-finished'> {
  return { type: 'run-finished', runId, at, ...base, outcome, message, links: [...links] }
}

export function log(level: EventOf<'log'>['level'], message: string, base: Base = {}): EventOf<'log'> {
  return { type: 'log', runId, at, ...base, level, message }
}
