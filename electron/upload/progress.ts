import type { UploadProgress } from './types'

export interface ProgressMeter {
  /**
   * Set the number of bytes done. What is shown never goes back: a part that failed and is sent again takes
   * back its in-flight bytes here, and the count holds until the retry passes the high-water mark.
   */
  update(bytesDone: number, phase?: UploadProgress['phase']): void
  /** Emit now regardless of throttling (phase changes, the final 100 %). */
  flush(phase?: UploadProgress['phase']): void
  snapshot(): UploadProgress
}

/**
 * Rate over a sliding window of samples so the ETA does not jump with each part; events are throttled
 * (a 512 MiB upload would otherwise produce thousands per second).
 */
export function createProgressMeter(options: {
  readonly bytesTotal: number
  readonly onProgress?: (progress: UploadProgress) => void
  readonly now?: () => number
  readonly intervalMs?: number
  readonly windowMs?: number
  /** How long the rate must be measured over before it is reported (0 until then): a first guess misleads. */
  readonly minRateSpanMs?: number
}): ProgressMeter {
  // The monotonic clock without `performance`, whose first use loads node:perf_hooks (ten modules) into the CLI.
  const now = options.now ?? (() => Number(process.hrtime.bigint()) / 1e6)
  const intervalMs = options.intervalMs ?? 200
  const windowMs = options.windowMs ?? 5000
  const minRateSpanMs = options.minRateSpanMs ?? 1000
  const samples: { t: number; bytes: number }[] = []
  let bytesDone = 0
  let phase: UploadProgress['phase'] = 'preparing'
  let lastEmit = -Infinity

  function rate(): number {
    const first = samples[0]
    const last = samples[samples.length - 1]
    if (!first || !last || last.t - first.t < Math.max(1, minRateSpanMs)) return 0
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.t - first.t))
  }

  function snapshot(): UploadProgress {
    const bytesPerSecond = rate()
    const remaining = Math.max(0, options.bytesTotal - bytesDone)
    return {
      bytesDone,
      bytesTotal: options.bytesTotal,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: remaining === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null,
      phase,
    }
  }

  function record(t: number): void {
    samples.push({ t, bytes: bytesDone })
    while (samples.length > 2 && (samples[0]?.t ?? t) < t - windowMs) samples.shift()
  }

  return {
    update(bytes, nextPhase) {
      bytesDone = Math.max(bytesDone, bytes)
      const t = now()
      if (nextPhase && nextPhase !== phase) {
        phase = nextPhase
        lastEmit = -Infinity
      }
      if (t - lastEmit >= intervalMs) {
        record(t)
        lastEmit = t
        options.onProgress?.(snapshot())
      }
    },
    flush(nextPhase) {
      if (nextPhase) phase = nextPhase
      const t = now()
      record(t)
      lastEmit = t
      options.onProgress?.(snapshot())
    },
    snapshot,
  }
}
