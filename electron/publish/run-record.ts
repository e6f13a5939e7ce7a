import { AscentError } from '../../shared/errors'
import type { RunRecord, RunReleaseSummary } from '../../shared/ipc'
import type { RunOutcome } from '../../shared/publish-events'
import type { ReleaseSettings } from '../../shared/release-settings'
import { emptySteps, JOURNAL_FILE, SubstepId, type RunJournal } from './journal'

/**
 * What a run's journal says about the run: whether it is finished, open (resumable) or had any effect, and the
 * RunRecord History and `ascent runs` show for it.
 */

const SUCCESS: ReadonlySet<RunOutcome> = new Set([
  'published',
  'submitted-for-review',
  'testflight',
  'uploaded',
])

/** The sub-steps a run with these settings must finish before it counts as complete. */
export function requiredSubsteps(settings: ReleaseSettings): SubstepId[] {
  const ids: SubstepId[] = ['upload', 'processing', 'export-compliance']
  if (settings.whatToTest !== null) ids.push('what-to-test')
  if (settings.expireBuildSubmittedForReview && settings.submitToTestflight) ids.push('expire-previous')
  if (settings.betaGroups.length > 0) ids.push('beta-groups')
  if (settings.submitToTestflight) ids.push('beta-review')
  if (settings.submitToAppStore) {
    if (settings.cancelPreviousSubmissions) ids.push('cancel-previous')
    ids.push('version', 'review-submission', 'review-item', 'review-submit')
    if (settings.whatsNew !== null) ids.push('whats-new')
    if (settings.phasedRelease !== null) ids.push('phased-release')
    if (settings.metadataPath !== null) ids.push('metadata')
  }
  return ids
}

/** Finished = ended well and nothing left for later. A failed, canceled, interrupted or "uploaded, not waited" run is not. */
export function isFinished(journal: RunJournal): boolean {
  if (journal.outcome === null || !SUCCESS.has(journal.outcome)) return false
  return requiredSubsteps(journal.settings).every((id) => {
    const s = journal.substeps[id]?.status
    return s === 'done' || s === 'skipped'
  })
}

/**
 * Whether the run may have changed something in App Store Connect: a sub-step started. A run refused (or
 * failed, or stopped) in preflight sent nothing; there is nothing to resume and it holds no build number. An
 * upload copied from the finished run it goes on from (`uploadedBy`) is that run's doing, not this one's.
 */
export function hasEffect(journal: RunJournal): boolean {
  return Object.keys(journal.substeps).some((id) => id !== 'upload' || journal.uploadedBy === undefined)
}

/**
 * Unfinished: it changed something and has more to do. Only such a run is resumed by publishing its build
 * again, offered as "Resume", and keeps another file of the same build out.
 */
export function isOpen(journal: RunJournal): boolean {
  return hasEffect(journal) && !isFinished(journal) && journal.supersededBy === undefined
}

/** What the run did in App Store Connect so far: finished sub-steps' notes, and those started that may have acted. */
export function doneSummary(journal: RunJournal): string {
  const said: string[] = []
  for (const id of SubstepId.options) {
    const s = journal.substeps[id]
    if (s?.status === 'done' && s.note) said.push(s.note)
    else if (s?.status === 'started') said.push(s.note ?? `${id.replace(/-/g, ' ')} was started`)
  }
  return said.length > 0 ? said.join('; ') : 'nothing was sent yet'
}

/** Why a finished or taken-over run cannot be resumed. */
export function notResumable(journal: RunJournal): AscentError {
  const { runId } = journal
  return journal.supersededBy !== undefined
    ? new AscentError(
        'BAD_INPUT',
        `run ${runId} was continued by run ${journal.supersededBy} (other settings); nothing to resume here`,
      )
    : new AscentError('BAD_INPUT', `run ${runId} already finished (${journal.outcome}); nothing to resume`)
}

/** A run whose journal cannot be read: a failed run saying what to do. */
export function damagedRecord({ runId, file }: { runId: string; file: string }): RunRecord {
  // Run ids start with their start time (20260101T120000Z-…).
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(runId)
  return {
    runId,
    fileName: JOURNAL_FILE,
    bundleId: '',
    version: '',
    buildNumber: '',
    platform: 'IOS',
    startedAt: stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.000Z` : '',
    finishedAt: null,
    outcome: 'failed',
    message: `damaged journal: ${file}; delete the folder to forget it`,
    steps: emptySteps(),
    links: [],
    resumable: false,
  }
}

/**
 * The record of a run. `running`: a process (this one or another) executes it now; `fileOk`: its file is still
 * where it was, unchanged (else it cannot be resumed).
 */
export function runRecord(journal: RunJournal, running: boolean, fileOk: boolean): RunRecord {
  let outcome = journal.outcome
  if (outcome === null && !running) outcome = 'interrupted'
  return {
    runId: journal.runId,
    fileName: journal.file.name,
    bundleId: journal.build.bundleId,
    version: journal.build.version,
    buildNumber: journal.build.buildNumber,
    platform: journal.build.platform,
    startedAt: journal.startedAt,
    finishedAt: journal.finishedAt,
    outcome,
    message: superseded(
      journal,
      journal.message ?? (outcome === 'interrupted' ? interruptedMessage(journal) : null),
    ),
    steps: journal.steps,
    links: journal.links,
    resumable: !running && outcome !== null && isOpen(journal) && fileOk,
    appName: journal.ids.appName ?? null,
    ...(journal.ids.sandbox ? { sandbox: true } : {}),
    ...releaseSummary(journal),
  }
}

/**
 * What the run was asked to do, for History's outcome sentence. Left out while the chosen groups' kinds are
 * unknown (preflight has not found them yet): a guess would tell testers the wrong time they can install.
 */
function releaseSummary(journal: RunJournal): { release?: RunReleaseSummary } {
  const s = journal.settings
  const groups = journal.ids.groups ?? []
  if (s.betaGroups.length > 0 && groups.length === 0) return {}
  return {
    release: {
      submitToTestflight: s.submitToTestflight,
      submitToAppStore: s.submitToAppStore,
      releaseType: s.releaseType,
      earliestReleaseDate: s.earliestReleaseDate,
      phasedRelease: s.phasedRelease,
      groups,
    },
  }
}

function superseded(journal: RunJournal, message: string | null): string | null {
  if (journal.supersededBy === undefined) return message
  const note = `continued by run ${journal.supersededBy} with other settings`
  return message ? `${message} (${note})` : note
}

function interruptedMessage(journal: RunJournal): string {
  return hasEffect(journal)
    ? `Interrupted. Done so far: ${doneSummary(journal)}`
    : 'Interrupted before anything was sent to App Store Connect; publish the build again to start over'
}
