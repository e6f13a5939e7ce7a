import { redactSecrets } from '../../shared/errors'
import type { Unsubscribe } from '../../shared/ipc'
import type { PublishEvent } from '../../shared/publish-events'
import type { RunLog } from './run-log'

/** A copy with every string (at any depth) passed through redactSecrets. */
export function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => redactStrings(v)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v)])) as T
  }
  return value
}

export interface EventHub {
  emit(event: PublishEvent): void
  onEvent(listener: (event: PublishEvent) => void): Unsubscribe
}

/** Where a run's events go: its log (file and live view), then every listener (window, CLI, web bridge). */
export function createEventHub(runLog: RunLog): EventHub {
  const listeners = new Set<(event: PublishEvent) => void>()
  return {
    emit(event) {
      // Nothing secret is meant to be here; this is the last line of defence for a message quoting a request.
      // Each string on its own: on serialized JSON a BEGIN line without END would swallow the closing quote.
      const safe = redactStrings(event)
      runLog.record(safe)
      for (const listener of [...listeners]) {
        try {
          listener(safe)
        } catch {
          // One broken listener must not stop the run or the others.
        }
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
