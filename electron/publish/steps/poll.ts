import { AscentError } from '../../../shared/errors'
import { AscApiError } from '../../asc/api-error'
import type { Attempt } from '../run-context'

/**
 * Waits until `look` says done, or the deadline passes. Each wait is the time waited so far (from `since`, default
 * now) plus initialMs, at most maxMs, so the looks come at 1, 3, 7, 15… s: a quick answer is seen within a second or two, a long one
 * (Apple's processing takes minutes) costs about a dozen looks, and nothing sleeps a fixed time.
 */
export async function poll<T>(
  ctx: Attempt,
  timeoutMs: number,
  look: () => Promise<T | null>,
  onTimeout: () => Error,
  schedule: { readonly since?: number; readonly lookedAt?: number } = {},
): Promise<T> {
  const { now, sleep, pollIntervals } = ctx.deps
  const start = schedule.since ?? now()
  const deadline = now() + timeoutMs
  // Something else just looked (the upload's last answer held the build): the first look waits its turn.
  let waitFirst = schedule.lookedAt !== undefined
  for (;;) {
    if (!waitFirst) {
      const found = await look()
      if (found !== null) return found
    }
    const lastLook = waitFirst ? (schedule.lookedAt ?? now()) : now()
    waitFirst = false
    const delay = Math.min(lastLook - start + pollIntervals.initialMs, pollIntervals.maxMs)
    if (lastLook + delay > deadline) throw onTimeout()
    await sleep(Math.max(0, lastLook + delay - now()), ctx.signal)
    ctx.checkCanceled()
  }
}

/** Apple's "that already exists / not in that state" answers, after which a step looks instead of acting. */
export function isConflict(error: unknown): error is AscApiError {
  return error instanceof AscApiError && (error.status === 409 || error.status === 422)
}

/** A value an earlier sub-step (of this or an earlier attempt) journaled; its absence is a bug, said plainly. */
export function journaled<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new AscentError('INTERNAL', `the run journal has no ${what} (an earlier step should have set it)`)
  return value
}

/** Sub-steps after processing need a processed build; this is what they say when the run did not wait for one. */
export const NOT_PROCESSED = 'needs a processed build; not waited for (processing timeout 0)'
