import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BuildSummary } from '../../shared/build-summary'
import { AscentError } from '../../shared/errors'
import type { ReleaseSettings } from '../../shared/release-settings'
import { RESUME_STATE_FILE as UPLOAD_JOURNAL_FILE } from '../upload/resume-state'
import { confirmSameFile, identify, matchesFile, runKeyOf, sameBuild, sameStat } from './file-identity'
import { emptySteps, newRunId, readAllJournals, runDir, type FileIdentity, type RunJournal } from './journal'
import type { Runner } from './run'
import type { ResolvedDeps } from './run-context'
import type { RunLocks } from './run-lock'
import { isFinished, isOpen } from './run-record'
import type { PublishJob } from './types'

/**
 * Where a publish begins: a new run, the resume of an unfinished one of the same build and settings, or a new
 * run that goes on from an earlier run's upload of the same file.
 */

export interface StartEnv {
  readonly deps: ResolvedDeps
  readonly runner: Runner
  readonly locks: RunLocks
}

/**
 * Where a start of this file with these settings begins. `previous`: the unfinished run of the same build and
 * settings, resumed (of another file: BAD_INPUT saying what it did); or the finished one of this very file,
 * taken up again: publishing the same thing twice (a CI job run again, one killed as it ended) checks it with
 * App Store Connect and says it is done, where a new run would be refused for the version it put in review.
 * Else `earlier`: the latest run of this very file that uploaded it (with other settings): the new run goes on
 * from its build instead of uploading again, which App Store Connect would refuse as a used build number.
 */
export async function startingPoint(
  env: StartEnv,
  file: FileIdentity,
  build: BuildSummary,
  settings: ReleaseSettings,
): Promise<{ runKey: string; previous: RunJournal | null; earlier: RunJournal | null }> {
  const runKey = runKeyOf(build, settings)
  const journals = await readAllJournals(env.deps.dataDir)
  for (const j of journals) {
    if (j.runKey !== runKey) continue
    if (env.runner.isRunning(j.runId) || isOpen(j)) {
      await confirmSameFile(j, file)
      return { runKey, previous: j, earlier: null }
    }
    // Stopped (killed) before it sent anything, or finished: taken up again rather than left beside a second run.
    if (
      (j.outcome === null || isFinished(j)) &&
      j.supersededBy === undefined &&
      (await matchesFile(j, file)).same
    ) {
      await confirmSameFile(j, file)
      return { runKey, previous: j, earlier: null }
    }
  }
  for (const j of journals) {
    if (j.substeps.upload === undefined || !sameBuild(j.build, build)) continue
    if ((await matchesFile(j, file)).same) return { runKey, previous: null, earlier: j }
  }
  return { runKey, previous: null, earlier: null }
}

/** The ids of an earlier run's upload, which a run going on from its build starts with. */
export function uploadIds(journal: RunJournal): RunJournal['ids'] {
  const { buildUploadId, deliveryId, buildId, buildState } = journal.ids
  return Object.fromEntries(
    Object.entries({ buildUploadId, deliveryId, buildId, buildState }).filter(([, v]) => v !== undefined),
  )
}

/** Whether another process is executing this run now (it holds the run key's lock). */
async function runningElsewhere(env: StartEnv, journal: RunJournal): Promise<boolean> {
  return !env.runner.isRunning(journal.runId) && (await env.locks.runningElsewhere(journal))
}

export async function startNew(
  env: StartEnv,
  job: PublishJob,
  start: { file: FileIdentity; build: BuildSummary; runKey: string; earlier: RunJournal | null },
): Promise<string> {
  const { deps } = env
  const { earlier } = start
  const takesOver = earlier !== null && isOpen(earlier)
  if (takesOver && (env.runner.isRunning(earlier.runId) || (await runningElsewhere(env, earlier)))) {
    throw new AscentError(
      'BAD_INPUT',
      `run ${earlier.runId} of this build is running now with other settings; wait for it or cancel it first`,
    )
  }
  const journal: RunJournal = {
    schema: 1,
    runId: newRunId(deps.now()),
    runKey: start.runKey,
    file: start.file,
    settings: job.settings,
    options: job.options,
    build: start.build,
    pid: process.pid,
    startedAt: new Date(deps.now()).toISOString(),
    finishedAt: null,
    outcome: null,
    message: null,
    steps: emptySteps(),
    substeps: earlier?.substeps.upload ? { upload: earlier.substeps.upload } : {},
    ids: earlier ? uploadIds(earlier) : {},
    // A finished run keeps its upload on its own record; one taken over hands it on to this run.
    ...(earlier && !takesOver ? { uploadedBy: earlier.uploadedBy ?? earlier.runId } : {}),
    links: [],
    requests: 0,
  }
  await deps.writeJournal(deps.dataDir, journal)
  if (earlier?.substeps.upload?.status === 'started') {
    // The upload's own resume state (which parts Apple has): the new run sends only what is missing.
    await copyFile(
      join(runDir(deps.dataDir, earlier.runId), UPLOAD_JOURNAL_FILE),
      join(runDir(deps.dataDir, journal.runId), UPLOAD_JOURNAL_FILE),
    ).catch(() => undefined)
  }
  if (takesOver) {
    earlier.supersededBy = journal.runId
    await deps.writeJournal(deps.dataDir, earlier)
  }
  void env.runner.execute(journal)
  return journal.runId
}

/** `confirmed`: the caller already matched the given file to this run (confirmSameFile). */
export async function resumeJournal(
  env: StartEnv,
  journal: RunJournal,
  options?: PublishJob['options'],
  confirmed = false,
): Promise<string> {
  if (env.runner.isRunning(journal.runId)) return journal.runId
  // Not running elsewhere: the caller holds the run key's lock.
  const now = confirmed ? journal.file : await identify(journal.file.path)
  if (!sameStat(now, journal.file)) {
    throw new AscentError(
      'BAD_INPUT',
      `${journal.file.path} changed since run ${journal.runId} started; publish it as a new run (with a new build number)`,
    )
  }
  // Options (processing timeout, upload method) may change between attempts; the settings may not.
  if (options) journal.options = options
  void env.runner.execute(journal)
  return journal.runId
}
