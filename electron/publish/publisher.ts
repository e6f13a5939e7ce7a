import type { PublishPlan, RunRecord } from '../../shared/ipc'
import { AscentError } from '../../shared/errors'
import { sleepWithSignal } from '../asc/retry'
import { createAscGateway } from './asc-gateway'
import { createPublishConnection } from './connection'
import { fileUnchanged, identify, runKeyOf } from './file-identity'
import { readJournal, readRunJournals, writeJournal, type RunJournal } from './journal'
import { buildPlan } from './plan'
import { runPreflight } from './preflight'
import { createRunner } from './run'
import type { AscSession, ResolvedDeps } from './run-context'
import { createEventHub } from './run-events'
import { createRunLocks } from './run-lock'
import { createRunLog } from './run-log'
import { damagedRecord, isFinished, notResumable, runRecord } from './run-record'
import { startAppStoreReadiness } from './app-store-readiness'
import { resumeJournal, startingPoint, startNew, uploadIds, type StartEnv } from './run-start'
import type { Publisher, PublisherDeps, PublishJob } from './types'

export { runKeyOf } from './file-identity'
export { redactStrings } from './run-events'
export { isFinished, requiredSubsteps } from './run-record'

/**
 * The publish service the window, the web bridge and the CLI use: plan, start (or resume), cancel, and the runs'
 * records and events. A run's execution is run.ts; where a start begins is run-start.ts.
 */
export function createPublisher(publisherDeps: PublisherDeps): Publisher {
  const deps = resolveDeps(publisherDeps)
  const events = createEventHub(publisherDeps.runLog ?? createRunLog(deps.dataDir))
  const toRecord = async (journal: RunJournal): Promise<RunRecord> => {
    const running = runner.isRunning(journal.runId) || (await locks.runningElsewhere(journal))
    return runRecord(journal, running, await fileUnchanged(journal))
  }
  const runner = createRunner({ deps, emit: events.emit, locks: () => locks, toRecord })
  const locks = createRunLocks(deps.dataDir, (runKey) => runner.runsKey(runKey))
  const env: StartEnv = { deps, runner, locks }

  return {
    plan: (job) => plan(env, publisherDeps, job),
    async start(job) {
      const file = await identify(job.filePath)
      const build = await publisherDeps.inspect(file.path)
      const runKey = runKeyOf(build, job.settings)
      const runId = await locks.guarded(runKey, async () => {
        const { previous, earlier } = await startingPoint(env, file, build, job.settings)
        if (previous) return resumeJournal(env, previous, job.options, true)
        return startNew(env, job, { file, build, runKey, earlier })
      })
      return { runId }
    },
    async resume(runId) {
      const journal = await readJournal(deps.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}; \`ascent runs\` lists the runs`)
      // A run that sent nothing may be run again (it starts over); it is just not offered as "Resume".
      if (isFinished(journal) || journal.supersededBy !== undefined) throw notResumable(journal)
      return { runId: await locks.guarded(journal.runKey, () => resumeJournal(env, journal)) }
    },
    async cancel(runId) {
      if (runner.cancel(runId)) return
      // Not running here: nothing to stop, once it is known to exist.
      if (!(await readJournal(deps.dataDir, runId))) throw new AscentError('NOT_FOUND', `no run ${runId}`)
    },
    async listRuns() {
      const { journals, damaged } = await readRunJournals(deps.dataDir)
      const records = await Promise.all(journals.map(toRecord))
      // Shown, not dropped: a run that vanished from History would hide that something was sent.
      return [...records, ...damaged.map(damagedRecord)].sort((a, b) =>
        a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0,
      )
    },
    async getRun(runId) {
      const journal = await readJournal(deps.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}; \`ascent runs\` lists the runs`)
      return toRecord(journal)
    },
    async wait(runId) {
      // A run that ended here before its journal could say so (disk full) is answered from memory, not the stale disk.
      const attempt = runner.lastAttempt(runId)
      if (attempt) return attempt
      const journal = await readJournal(deps.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}`)
      return toRecord(journal)
    },
    onEvent: events.onEvent,
  }
}

function resolveDeps(deps: PublisherDeps): ResolvedDeps {
  const now = deps.now ?? Date.now
  return {
    dataDir: deps.dataDir,
    now,
    sleep: deps.sleep ?? sleepWithSignal,
    pollIntervals: deps.pollIntervals ?? { initialMs: 1_000, maxMs: 120_000 },
    cancelTimeoutMs: deps.cancelTimeoutMs ?? 10 * 60_000,
    altoolResumeWaitMs: deps.altoolResumeWaitMs ?? 3 * 60_000,
    uploaderFactory: deps.uploaderFactory,
    writeJournal: deps.writeJournal ?? writeJournal,
    credentials: deps.credentials,
    connect(credentials): AscSession {
      const connection = createPublishConnection({
        baseUrl: credentials.apiUrl,
        tokens: credentials.tokens,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        now,
        ...(deps.client ?? {}),
      })
      return { connection, asc: createAscGateway(connection) }
    },
  }
}

/** Preflight and plan against live state; sends nothing that changes anything. */
async function plan(env: StartEnv, publisherDeps: PublisherDeps, job: PublishJob): Promise<PublishPlan> {
  const { deps } = env
  const file = await identify(job.filePath)
  const build = await publisherDeps.inspect(file.path)
  const { previous, earlier } = await startingPoint(env, file, build, job.settings)
  const credentials = await deps.credentials(job.settings)
  const { asc, connection } = deps.connect(credentials)
  const from =
    previous ?? (earlier && { substeps: { upload: earlier.substeps.upload }, ids: uploadIds(earlier) })
  const readiness = startAppStoreReadiness({
    client: connection.client,
    build,
    settings: job.settings,
    ...(from ? { substeps: from.substeps } : {}),
  })
  const preflight = await runPreflight({
    build,
    settings: job.settings,
    gateway: asc,
    ...(from ? { substeps: from.substeps, ids: from.ids } : {}),
    localNow: deps.now,
  })
  const result = {
    ...preflight,
    problems: [...preflight.problems, ...(await readiness(preflight.live.app !== null)).problems],
  }
  return buildPlan({
    build,
    settings: job.settings,
    options: job.options,
    live: result.live,
    problems: result.problems,
    resumesRunId: previous?.runId ?? null,
    // A run that goes on from an earlier run's upload uploads nothing either.
    ...(from ? { substeps: from.substeps } : {}),
    autoMethod: (await deps.uploaderFactory.methodFor?.('auto', credentials)) ?? 'api',
  })
}
