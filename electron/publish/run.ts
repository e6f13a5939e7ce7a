import { toErrorShape } from '../../shared/errors'
import type { RunRecord } from '../../shared/ipc'
import type { PublishEvent, RunOutcome } from '../../shared/publish-events'
import type { AscGateway } from './asc-gateway'
import type { RunJournal } from './journal'
import { runLinks } from './links'
import { Attempt, type AscSession, type Gate, type ResolvedDeps, type RunContext } from './run-context'
import type { RunLocks } from './run-lock'
import { failureOf, successOf, type RunEnd } from './run-outcome'
import { appStoreVersionStep } from './steps/app-store-version'
import { preflightStep } from './steps/preflight'
import { processingStep } from './steps/processing'
import { reviewStep } from './steps/review'
import { testflightStep } from './steps/testflight'
import { together } from './steps/together'
import { settleCanceledUpload, uploadStep, type CanceledUpload } from './steps/upload'

type Step = (ctx: RunContext) => Promise<void>

/** Step lists run side by side, each in its own order; `alongside` returns when all are done (or one failed). */
function alongside(...branches: readonly (readonly Step[])[]): Step {
  return async (ctx) => {
    await together(
      ...branches.map((steps) => async () => {
        for (const step of steps) await step(ctx)
      }),
    )
  }
}

/** Runs the steps, then opens `gate` with whether `reached` holds; a failure fails the gate (its waiters stop). */
function opening(
  gate: (ctx: RunContext) => Gate,
  reached: (ctx: RunContext) => boolean,
  ...steps: Step[]
): Step {
  return async (ctx) => {
    try {
      for (const step of steps) await step(ctx)
      gate(ctx).open(reached(ctx))
    } catch (error) {
      gate(ctx).fail()
      throw error
    }
  }
}

/**
 * Executing a run: one attempt is preflight, then PIPELINE, then finishRun. What does not need the build runs
 * while it uploads and is processed, once App Store Connect took the upload (it refuses a build number or a
 * version there, and nothing else should change before it did): the App Store version with its attributes,
 * What's New and phased release, and the review submission. Once the build is processed, TestFlight and the App Store (attach the build, add the
 * version to the submission, submit) need nothing of each other and run side by side; inside each branch Apple's
 * order holds, and a branch waits on the other only at a gate (processed, version ready, build attached). Adding
 * a step is one file in steps/ and one line here (a check that must refuse before anything is sent goes into
 * preflight instead).
 */
const PIPELINE: readonly Step[] = [
  alongside(
    [
      opening(
        (ctx) => ctx.processed,
        (ctx) => ctx.ids.buildState === 'VALID',
        opening(
          (ctx) => ctx.uploadAccepted,
          () => true,
          uploadStep,
        ),
        processingStep,
      ),
      testflightStep,
    ],
    [appStoreVersionStep],
    [reviewStep],
  ),
]

/** The runs this process executes. */
export interface Runner {
  /** Runs one attempt of the run; resolves with its record when it has finished. Never rejects. */
  execute(journal: RunJournal): Promise<RunRecord>
  isRunning(runId: string): boolean
  /** A run of this key is executing here. */
  runsKey(runKey: string): boolean
  /** Asks the run to stop at its next safe point; false when it is not running here. */
  cancel(runId: string): boolean
  /** The latest attempt this process executed of the run, even one that has ended. */
  lastAttempt(runId: string): Promise<RunRecord> | undefined
}

export interface RunnerDeps {
  readonly deps: ResolvedDeps
  readonly emit: (event: PublishEvent) => void
  readonly locks: () => RunLocks
  readonly toRecord: (journal: RunJournal) => Promise<RunRecord>
}

export function createRunner({ deps, emit, locks, toRecord }: RunnerDeps): Runner {
  const active = new Map<string, { readonly controller: AbortController; readonly runKey: string }>()
  const attempts = new Map<string, Promise<RunRecord>>()

  /** The one place a run ends: journal its outcome, leave `active`, and say run-finished. */
  async function finishRun(attempt: Attempt, outcome: RunOutcome, message: string): Promise<void> {
    const { journal } = attempt
    journal.outcome = outcome
    journal.message = message
    journal.finishedAt = attempt.at()
    journal.links = runLinks(journal.ids, journal.build.platform)
    try {
      await attempt.save()
    } catch (error) {
      // Disk full, data dir gone: say so rather than hang the waiter; the file keeps its last consistent state.
      journal.outcome = 'failed'
      journal.message = `could not write the run journal: ${toErrorShape(error).message}`
      journal.links = []
    }
    active.delete(journal.runId)
    emit({
      type: 'run-finished',
      runId: journal.runId,
      at: journal.finishedAt,
      outcome: journal.outcome,
      message: journal.message,
      links: journal.links,
    })
  }

  return {
    execute(journal) {
      const controller = new AbortController()
      active.set(journal.runId, { controller, runKey: journal.runKey })
      const finished = (async () => {
        // Every connection the attempt opens is counted in the run's requests.
        const sessions: AscSession[] = []
        const connect: ResolvedDeps['connect'] = (credentials) => {
          const session = deps.connect(credentials)
          sessions.push(session)
          return session
        }
        const attempt = new Attempt(journal, { ...deps, connect }, controller.signal, emit)
        const end = await runAttempt(attempt, sessions)
        await finishRun(attempt, end.outcome, end.message)
        await locks()
          .release(journal.runKey)
          .catch(() => undefined)
        return toRecord(journal)
      })()
      attempts.set(journal.runId, finished)
      return finished
    },
    isRunning: (runId) => active.has(runId),
    runsKey: (runKey) => [...active.values()].some((a) => a.runKey === runKey),
    cancel(runId) {
      const run = active.get(runId)
      run?.controller.abort()
      return run !== undefined
    },
    lastAttempt: (runId) => attempts.get(runId),
  }
}

/** Preflight and the pipeline; how it ended (never throws: a failure anywhere is the run's outcome). */
async function runAttempt(attempt: Attempt, sessions: readonly AscSession[]): Promise<RunEnd> {
  const { journal } = attempt
  let ctx: RunContext | null = null
  try {
    await beginAttempt(attempt)
    ctx = attempt.prepared(await preflightStep(attempt))
    for (const step of PIPELINE) await step(ctx)
    return successOf(journal, ctx.postponedSteps)
  } catch (error) {
    const canceled = toErrorShape(error).code === 'CANCELED' || attempt.signal.aborted
    if (canceled) await settleCancel(attempt, ctx, sessions)
    return failureOf(journal, error, attempt.signal.aborted)
  } finally {
    for (const s of sessions) journal.requests += s.connection.requestCount()
  }
}

/**
 * A cancel with an upload marked started asks App Store Connect whether it arrived, also when the cancel came
 * in preflight (an earlier attempt's upload, no prepared run yet): then through the connection preflight
 * opened, or a new one.
 */
async function settleCancel(
  attempt: Attempt,
  ctx: RunContext | null,
  sessions: readonly AscSession[],
): Promise<void> {
  const { journal } = attempt
  if (journal.substeps.upload?.status !== 'started') return
  const at = (): string => attempt.at()
  const found = ctx
    ? await settleCanceledUpload({ journal, asc: ctx.asc, appId: ctx.appId, at })
    : await settleCanceledUpload({
        journal,
        asc: lazyGateway(attempt, sessions),
        appId: journal.ids.appId ?? null,
        at,
      })
  if (found) attempt.log('info', found)
}

/** The gateway of the session preflight opened, else one opened when first asked (credentials read then). */
function lazyGateway(attempt: Attempt, sessions: readonly AscSession[]): CanceledUpload['asc'] {
  let gateway: Promise<AscGateway> | null = null
  const open = (): Promise<AscGateway> =>
    (gateway ??= (async () =>
      sessions[0]?.asc ??
      attempt.deps.connect(await attempt.deps.credentials(attempt.journal.settings)).asc)())
  return {
    findBuilds: async (...args) => (await open()).findBuilds(...args),
    findBuildUploads: async (...args) => (await open()).findBuildUploads(...args),
  }
}

/** A fresh attempt: steps not finished start over (their sub-steps keep what was done); preflight always runs. */
async function beginAttempt(attempt: Attempt): Promise<void> {
  const { journal } = attempt
  journal.steps = journal.steps.map((s) =>
    s.status === 'done' || s.status === 'skipped'
      ? s
      : { ...s, status: 'pending', error: null, summary: null },
  )
  // Preflight runs on every attempt (state may have changed); its record keeps what it said last for the history.
  journal.steps = journal.steps.map((s) => (s.step === 'preflight' ? { ...s, status: 'pending' } : s))
  journal.pid = process.pid
  journal.outcome = null
  journal.finishedAt = null
  journal.message = null
  await attempt.save()
}
