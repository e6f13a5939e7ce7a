import type { StepRecord } from '../../shared/ipc'
import { AscentError, toErrorShape } from '../../shared/errors'
import { STEP_TITLES, type PublishEvent, type StepId } from '../../shared/publish-events'
import type { ReleaseSettings } from '../../shared/release-settings'
import type { AppRecord, AscGateway } from './asc-gateway'
import type { PublishConnection } from './connection'
import type { BuildRecord } from './asc-gateway'
import { type RunIds, type RunJournal, type SubstepId } from './journal'
import type { LiveState } from './preflight'
import type { PollIntervals, RunCredentials, UploaderFactory } from './types'

/** Event fields without the run id and time, which the context adds. */
export type ProgressFields = Omit<
  Extract<PublishEvent, { type: 'step-progress' }>,
  'type' | 'runId' | 'at' | 'step'
>

/** A connection to App Store Connect for one set of credentials: the calls, and the client under them. */
export interface AscSession {
  readonly asc: AscGateway
  /** The client the uploader sends through, and the request count of the run. */
  readonly connection: PublishConnection
}

export interface ResolvedDeps {
  readonly dataDir: string
  readonly now: () => number
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly pollIntervals: PollIntervals
  readonly cancelTimeoutMs: number
  readonly altoolResumeWaitMs: number
  readonly uploaderFactory: UploaderFactory
  readonly writeJournal: (dataDir: string, journal: RunJournal) => Promise<void>
  readonly credentials: (settings: ReleaseSettings) => Promise<RunCredentials>
  readonly connect: (credentials: RunCredentials) => AscSession
}

/**
 * What preflight hands the steps after it: App Store Connect (one way to reach it), the credentials (the
 * uploader signs with them), what App Store Connect held when preflight looked, and the app.
 */
export interface PreparedRun extends AscSession {
  readonly credentials: RunCredentials
  readonly live: LiveState
  readonly app: AppRecord
}

/** What a sub-step body reports: done (with a note for the journal and the summary), or left for a later run. */
export type SubstepOutcome =
  | { readonly kind: 'done'; readonly note: string }
  | { readonly kind: 'skipped'; readonly note: string }
  /** Not done and not failed: it needs a processed build this run did not wait for; a later run does it. */
  | { readonly kind: 'postponed'; readonly note: string }

export const done = (note: string): SubstepOutcome => ({ kind: 'done', note })
export const postponed = (note: string): SubstepOutcome => ({ kind: 'postponed', note })

/** What a step body returns: its summary, and whether it had nothing to do. */
export interface StepResult {
  readonly summary: string
  readonly skipped?: boolean
}

/**
 * Writes one run's journal, one write at a time in the order asked (steps running side by side must not let
 * an older state land after a newer one). Saves asked while a write is waiting for its turn share that write:
 * it writes the journal as it is when its turn comes, which holds every change made before they asked (side by
 * side, three sub-steps finishing at once cost two writes, not three, and the next step waits behind fewer).
 * A write that failed is not tried again in this attempt: the file keeps the last consistent state, which a
 * resume starts from.
 */
class JournalWriter {
  private queue: Promise<void> = Promise.resolve()
  /** The write that has not started yet, which a save asked now joins. */
  private waiting: Promise<void> | null = null
  private failure: { readonly error: unknown } | null = null

  constructor(
    private readonly journal: RunJournal,
    private readonly deps: ResolvedDeps,
  ) {}

  save(): Promise<void> {
    if (this.waiting) return this.waiting
    const write = this.queue.then(async () => {
      // From here this write may have read the journal: a change made now needs a write of its own.
      this.waiting = null
      if (this.failure) throw this.failure.error
      try {
        await this.deps.writeJournal(this.deps.dataDir, this.journal)
      } catch (error) {
        this.failure = { error }
        throw error
      }
    })
    this.waiting = write
    this.queue = write.catch(() => undefined)
    return write
  }
}

/**
 * One attempt at a run: its journal (mutated in place and saved after every change), the event sink, and the
 * step and sub-step records. Preflight runs on this; the steps after it get a RunContext.
 */
export class Attempt {
  /** Sub-steps left for a later run (processing not awaited), with the step they belong to. */
  readonly postponedSteps: { readonly step: StepId; readonly note: string }[] = []
  private readonly writer: JournalWriter

  constructor(
    readonly journal: RunJournal,
    readonly deps: ResolvedDeps,
    readonly signal: AbortSignal,
    private readonly sink: (event: PublishEvent) => void,
    writer?: JournalWriter,
  ) {
    this.writer = writer ?? new JournalWriter(journal, deps)
  }

  get ids(): RunIds {
    return this.journal.ids
  }

  at(): string {
    return new Date(this.deps.now()).toISOString()
  }

  emit(event: PublishEvent): void {
    this.sink(event)
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', runId: this.journal.runId, at: this.at(), level, message })
  }

  progress(step: StepId, fields: ProgressFields): void {
    this.emit({ type: 'step-progress', runId: this.journal.runId, at: this.at(), step, ...fields })
  }

  save(): Promise<void> {
    return this.writer.save()
  }

  /** A safe point: between sub-steps, nothing is half done. */
  checkCanceled(): void {
    if (this.signal.aborted) throw new AscentError('CANCELED', 'canceled at a safe point')
  }

  /** The steps after preflight: the same attempt, with what preflight prepared. */
  prepared(run: PreparedRun): RunContext {
    return new RunContext(this.journal, this.deps, this.signal, this.sink, this.writer, run)
  }

  private stepRecord(step: StepId): StepRecord {
    const record = this.journal.steps.find((s) => s.step === step)
    if (!record) throw new AscentError('INTERNAL', `no step ${step} in the journal`)
    return record
  }

  private setStep(step: StepId, patch: Partial<StepRecord>): void {
    const index = this.journal.steps.findIndex((s) => s.step === step)
    this.journal.steps[index] = { ...this.stepRecord(step), ...patch }
  }

  substepDone(id: SubstepId): boolean {
    const s = this.journal.substeps[id]?.status
    return s === 'done' || s === 'skipped'
  }

  /**
   * Runs one of the six steps. A step already done (an earlier attempt) is reported again, not repeated.
   * `body` returns the summary; a failure is journaled with its error and re-thrown.
   */
  async step(step: StepId, body: () => Promise<StepResult>): Promise<void> {
    const record = this.stepRecord(step)
    if (record.status === 'done' || record.status === 'skipped') {
      this.emit({
        type: 'step-finished',
        runId: this.journal.runId,
        at: this.at(),
        step,
        // A step not requested was not done earlier either: it says "not requested" again.
        summary:
          record.status === 'skipped'
            ? (record.summary ?? '')
            : `${record.summary ?? ''} (done earlier)`.trim(),
        ...(record.status === 'skipped' ? { skipped: true } : {}),
      })
      return
    }
    this.checkCanceled()
    this.setStep(step, {
      status: 'running',
      startedAt: this.at(),
      finishedAt: null,
      error: null,
      summary: null,
    })
    await this.save()
    this.emit({
      type: 'step-started',
      runId: this.journal.runId,
      at: this.at(),
      step,
      title: STEP_TITLES[step],
    })
    try {
      const result = await body()
      // Left for a later run (processing not awaited): journaled as pending so a resume runs it again.
      const postponed = this.postponedSteps.some((d) => d.step === step)
      this.setStep(step, {
        status: postponed ? 'pending' : result.skipped ? 'skipped' : 'done',
        summary: result.summary,
        finishedAt: this.at(),
      })
      await this.save()
      this.emit({
        type: 'step-finished',
        runId: this.journal.runId,
        at: this.at(),
        step,
        summary: result.summary,
        ...(postponed ? { postponed: true } : result.skipped ? { skipped: true } : {}),
      })
    } catch (error) {
      const shape = toErrorShape(error)
      this.setStep(step, {
        status: shape.code === 'CANCELED' ? 'pending' : 'failed',
        error: shape,
        finishedAt: this.at(),
      })
      await this.save()
      if (shape.code !== 'CANCELED') {
        this.emit({ type: 'step-failed', runId: this.journal.runId, at: this.at(), step, error: shape })
      }
      throw error
    }
  }

  /** A step put off to a later run without running its sub-steps (it needs a processed build). */
  postpone(step: StepId, note: string): void {
    this.postponedSteps.push({ step, note })
  }

  /**
   * One journaled sub-step: skipped when an earlier attempt finished it; marked `started` before it acts
   * (so a resume knows to look before acting again) and `done` with its note after, before the next starts.
   * `resumed` tells the body an earlier attempt may have acted.
   */
  async substep(
    step: StepId,
    id: SubstepId,
    message: string,
    body: (resumed: boolean) => Promise<SubstepOutcome>,
  ): Promise<SubstepOutcome> {
    const existing = this.journal.substeps[id]
    if (existing && (existing.status === 'done' || existing.status === 'skipped')) {
      return { kind: existing.status, note: existing.note ?? '' }
    }
    this.checkCanceled()
    const resumed = existing?.status === 'started'
    this.journal.substeps[id] = { status: 'started', at: this.at(), note: null }
    await this.save()
    this.progress(step, { message })
    const outcome = await body(resumed)
    if (outcome.kind === 'postponed') {
      // Leave no record: a later run (with a processing timeout) starts it afresh.
      delete this.journal.substeps[id]
      this.postpone(step, outcome.note)
    } else {
      this.journal.substeps[id] = { status: outcome.kind, at: this.at(), note: outcome.note }
    }
    await this.save()
    if (outcome.note) this.progress(step, { message: outcome.note })
    return outcome
  }
}

/**
 * A point one branch of the pipeline waits for another to pass: reached (true), passed without reaching it
 * (false: left for a later run), or never, because the branch that opens it stopped. Each branch opens its gates
 * when it ends, whatever happened, so no waiter is left hanging.
 */
export class Gate {
  private settle: (reached: boolean | null) => void = () => undefined
  private settled = false
  private readonly state = new Promise<boolean | null>((resolve) => (this.settle = resolve))

  constructor(
    /** What the waiter waits for, in its message when the other branch stopped. */
    private readonly what: string,
  ) {}

  open(reached: boolean): void {
    this.close(reached)
  }

  /** The branch stopped before it got here: waiters stop too (as canceled: the other branch's error is the run's). */
  fail(): void {
    this.close(null)
  }

  /** Whether it was reached; throws when the branch that opens it stopped first. */
  async reached(): Promise<boolean> {
    const reached = await this.state
    if (reached === null) throw new AscentError('CANCELED', `stopped: ${this.what} did not come`)
    return reached
  }

  private close(value: boolean | null): void {
    if (this.settled) return
    this.settled = true
    this.settle(value)
  }
}

/** The attempt after preflight: every step after it reaches App Store Connect through `asc`. */
export class RunContext extends Attempt {
  /** App Store Connect took the upload (it refuses a build number or version there): the App Store may be changed. */
  readonly uploadAccepted = new Gate('the upload')
  /** The build was processed (VALID): what needs it may go on. */
  readonly processed = new Gate('a processed build')
  /**
   * The App Store version exists: the review submission can be prepared (beside What's New and the rest; only its
   * item needs the version complete, and that waits for the build attached after them).
   */
  readonly versionCreated = new Gate('the App Store version')
  /** The build is attached to the version: the version can go into the review submission. */
  readonly buildAttached = new Gate('the build attached to the App Store version')
  /** Versions changed after preflight (a cancel completed): read them again before choosing one. */
  versionsStale = false
  /** The build as last seen, by the upload's answer or a processing look (export compliance reads it instead of asking again). */
  lastBuild: BuildRecord | null = null
  /** When lastBuild was seen (the processing wait's next look counts from it). */
  lastBuildAt: number | null = null
  /** When this process committed the upload (App Store Connect processing began), for the processing wait's backoff. */
  processingSince: number | null = null

  constructor(
    journal: RunJournal,
    deps: ResolvedDeps,
    signal: AbortSignal,
    sink: (event: PublishEvent) => void,
    writer: JournalWriter,
    readonly run: PreparedRun,
  ) {
    super(journal, deps, signal, sink, writer)
  }

  get asc(): AscGateway {
    return this.run.asc
  }
  /** What App Store Connect held when this attempt's preflight looked. */
  get live(): LiveState {
    return this.run.live
  }
  get appId(): string {
    return this.run.app.id
  }

  /** The build as App Store Connect just answered it (null: not listed yet). */
  sawBuild(record: BuildRecord | null): void {
    this.lastBuild = record
    this.lastBuildAt = this.deps.now()
    if (record) {
      this.ids.buildId = record.id
      this.ids.buildState = record.processingState
    }
  }
}
