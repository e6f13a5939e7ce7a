import { AscentError } from '../../shared/errors'

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number
  /** No retry starts once this much time has passed since the first attempt (clock of the client). */
  readonly maxTotalMs: number
  /** First backoff step; doubles per attempt up to `maxDelayMs`. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxTotalMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 16_000,
}

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds
 * to wait from `nowMs`, or null when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - nowMs)
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so parallel
 * clients spread out while every wait still grows (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(step / 2 + (step / 2) * random())
}

export function canceledError(what: string): AscentError {
  return new AscentError('CANCELED', `${what} was canceled`)
}

/** Real sleep that ends early (rejecting with CANCELED) when `signal` aborts. */
export function sleepWithSignal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(canceledError('waiting to retry'))
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(canceledError('waiting to retry'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
