import type { AppStatus } from '../../shared/release-status'

/**
 * When to read an app's status again. States that move fast are read often, states that wait for
 * days rarely: the delay is a quarter of the time since the last change (so a fresh submission is
 * read every few seconds and a review that has waited an hour every few minutes), between a floor
 * and a ceiling that depends on what is in motion.
 */
export type PollPolicy = {
  readonly minMs: number
  /** The ceiling while App Review looks at a version (1–2 min suggested). */
  readonly inReviewMaxMs: number
  /** The ceiling while waiting for review, beta review or processing (5 min). */
  readonly waitingMaxMs: number
  /** The ceiling while a phased release runs (hourly). */
  readonly phasedMaxMs: number
  /** The ceiling otherwise (an approved version waiting for its developer, …). */
  readonly idleMaxMs: number
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  minMs: 2_000,
  inReviewMaxMs: 120_000,
  waitingMaxMs: 300_000,
  phasedMaxMs: 3_600_000,
  idleMaxMs: 600_000,
}

const WAITING = [
  'WAITING_FOR_REVIEW',
  'READY_FOR_REVIEW',
  'PROCESSING_FOR_APP_STORE',
  'WAITING_FOR_EXPORT_COMPLIANCE',
]

function ceiling(status: AppStatus | null, policy: PollPolicy): number {
  if (status === null) return policy.minMs
  const states = status.versions.map((v) => v.appStoreState)
  if (states.includes('IN_REVIEW')) return policy.inReviewMaxMs
  const betaWaiting = status.builds.some(
    (b) =>
      b.processingState === 'PROCESSING' ||
      b.betaReviewState === 'WAITING_FOR_REVIEW' ||
      b.betaReviewState === 'IN_REVIEW',
  )
  if (betaWaiting || states.some((s) => WAITING.includes(s))) return policy.waitingMaxMs
  if (status.versions.some((v) => v.phasedRelease?.state === 'ACTIVE')) return policy.phasedMaxMs
  return policy.idleMaxMs
}

/** Milliseconds until the next read of an app last seen as `status`, which last changed `sinceChangeMs` ago. */
export function nextPollDelay(
  status: AppStatus | null,
  sinceChangeMs: number,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
): number {
  return Math.round(Math.min(ceiling(status, policy), Math.max(policy.minMs, sinceChangeMs / 4)))
}

/**
 * The key's hourly request budget, shared with publishing and CI: watching's own requests of the last
 * hour are counted here, and Apple's `X-Rate-Limit` remainder (which counts everyone on the key)
 * stops watching early when others use the key too.
 */
export class HourlyBudget {
  private readonly times: number[] = []
  private appleRemaining: { readonly value: number; readonly at: number } | null = null

  constructor(
    /** The share of Apple's limit watching may use per hour. */
    readonly perHour: number,
    /** What watching leaves untouched of Apple's remainder for publishing and CI. */
    readonly reserve: number,
  ) {}

  /** `requests` sent by watching at `at`. */
  record(at: number, requests = 1): void {
    for (let i = 0; i < requests; i++) this.times.push(at)
  }

  /** Apple's `user-hour-rem` from an answer (any answer on the key: watching's, publishing's). */
  observeRemaining(at: number, remaining: number | undefined): void {
    if (remaining !== undefined) this.appleRemaining = { value: remaining, at }
  }

  used(at: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= at - 3_600_000) this.times.shift()
    return this.times.length
  }

  /** How long to wait before `requests` more may be sent (0: now). */
  waitFor(requests: number, at: number): number {
    const used = this.used(at)
    let wait = 0
    if (used + requests > this.perHour) {
      // The oldest requests leave the window first.
      const freeing = this.times[used + requests - this.perHour - 1] ?? at
      wait = freeing + 3_600_000 - at
    }
    const apple = this.appleRemaining
    if (apple && apple.value - requests < this.reserve && at - apple.at < 3_600_000) {
      // Apple's counter frees up over the hour: step back and look again later.
      wait = Math.max(wait, 300_000 - Math.min(300_000, at - apple.at))
    }
    return Math.max(0, wait)
  }
}
