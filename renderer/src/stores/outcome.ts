import type { RunOutcome } from '../../../shared/publish-events'

/** How an ended run looks: green when it got where it was asked to, red when it failed, grey when stopped. */
export type OutcomeTone = 'ok' | 'failed' | 'stopped' | 'running'

export function outcomeTone(outcome: RunOutcome | null): OutcomeTone {
  switch (outcome) {
    case null:
      return 'running'
    case 'failed':
      return 'failed'
    case 'canceled':
    case 'interrupted':
      return 'stopped'
    default:
      return 'ok'
  }
}
