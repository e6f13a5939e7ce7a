import { toErrorShape } from '../../shared/errors'
import type { RunOutcome } from '../../shared/publish-events'
import type { RunJournal } from './journal'
import { wantsTestflight } from './preflight'
import { doneSummary, hasEffect } from './run-record'

/** How a run ended, in the words History, the window and the CLI show. */
export interface RunEnd {
  readonly outcome: RunOutcome
  readonly message: string
}

/** A run whose steps all returned: what it achieved, or that some steps wait for a later run (`postponed`). */
export function successOf(journal: RunJournal, postponed: readonly { readonly note: string }[]): RunEnd {
  const { settings, build } = journal
  const label = `${build.bundleId} ${build.version} (${build.buildNumber})`
  if (postponed.length > 0) {
    return {
      outcome: 'uploaded',
      message: `Uploaded ${label}; not waited for processing, so ${postponed.length} step(s) wait for a later run: publish the same build again (it resumes) once App Store Connect has processed it`,
    }
  }
  const groups = journal.ids.groupIds?.length ?? 0
  const tf = wantsTestflight(settings)
  const beta = journal.substeps['beta-review']?.status === 'done'
  if (settings.submitToAppStore) {
    // The run ends when Apple has the version for review; it is on the App Store only after review, so the
    // outcome says "submitted for review" even when TestFlight was part of the run.
    const testflight = tf
      ? `TestFlight${groups > 0 ? ` (${groups} group${groups === 1 ? '' : 's'})` : ''}${beta ? ', beta review' : ''} and `
      : ''
    return { outcome: 'submitted-for-review', message: `Submitted ${label}: ${testflight}App Store review` }
  }
  if (tf) {
    return {
      outcome: 'testflight',
      message: `${label} is in TestFlight${groups > 0 ? `: ${groups} group${groups === 1 ? '' : 's'}` : ''}${beta ? ', submitted for beta review' : ''}`,
    }
  }
  return { outcome: 'uploaded', message: `Uploaded ${label}` }
}

/** A run a step ended early: canceled, refused by preflight, or failed (and whether anything was sent). */
export function failureOf(journal: RunJournal, error: unknown, canceled: boolean): RunEnd {
  const shape = toErrorShape(error)
  if (shape.code === 'CANCELED' || canceled) {
    return {
      outcome: 'canceled',
      message: hasEffect(journal)
        ? `Canceled at a safe point. Done: ${doneSummary(journal)}. Publish the same build again to continue.`
        : 'Canceled before anything was sent to App Store Connect.',
    }
  }
  if (hasEffect(journal)) {
    // A dropped connection leaves a run that a later attempt finishes: say so where the run's end is told.
    const resume =
      shape.code === 'NETWORK'
        ? ' Publish the same build again when the connection is back: the run resumes.'
        : ''
    return { outcome: 'failed', message: `${shape.message}${resume}` }
  }
  // Ended in preflight: nothing was sent, so there is nothing to resume; the reasons are the message.
  return shape.code === 'PREFLIGHT_FAILED'
    ? { outcome: 'refused', message: `Refused by preflight, nothing was sent: ${shape.message}` }
    : { outcome: 'failed', message: `${shape.message} (nothing was sent to App Store Connect)` }
}
