import type { StepRecord } from '../../shared/ipc'
import { AscentError, toErrorShape } from '../../shared/errors'
import type { PublishEvent, StepId } from '../../shared/publish-events'
import type { AscGateway, BuildRecord } from './asc-gateway'
import type { PublishConnection } from './connection'
import { type RunIds, type RunJournal, type SubstepId } from './journal'
import type { LiveState } from './preflight'
import type { PollIntervals, RunCredentials, UploaderFactory } from './types'

/** Event fields without the run id and time, which the context adds. */
export type ProgressFields = Omit<
  Extract<PublishEvent, { type: 'step-progress' }>,
  'type' | 'runId' | 'at' | 'step'
>

export interface ResolvedDeps {
  readonly dataDir: string
  readonly now: () => number
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly pollIntervals: PollIntervals
  readonly cancelTimeoutMs: number
  readonly altoolResumeWaitMs: number
  readonly uploaderFactory: UploaderFactory
  readonly writeJournal: (dataDir: string, journal: RunJournal) => Promise<void>
}

/** What a sub-step body reports: done (with a note for the journal and the summary), or left for a later run. */
export type SubstepOutcome =
  | { readonly kind: 'done'; readonly note: string }
  | { readonly kind: 'skipped'; readonly note: string }
  /** Not done and not failed: it needs a processed build this run did not wait for; a later run does it. */
  | { readonly kind: 'later'; readonly note: string }

export const done = (note: string): SubstepOutcome => ({ kind: 'done', note })
export const later = (note: string): SubstepOutcome => ({ kind: 'later', note })

/** One run being executed: its journal (mutated in place and saved after every change), the API and the event sink. */
export class RunContext {
  /** Sub-steps left for a later run (processing not awaited). */
  readonly deferred: string[] = []
  /** Versions changed after preflight (a cancel completed): read them again before choosing one. */
  versionsStale = false
  connection: PublishConnection | null = null
  gateway: AscGateway | null = null
  credentials: RunCredentials | null = null
  live: LiveState | null = null
  /** The build as processing last saw it (export compliance reads it instead of asking again). */
  lastBuild: BuildRecord | null = null
  /** When this process committed the upload (App Store Connect processing began), for the processing wait's backoff. */
  processingSince: number | null = null

  constructor(
    readonly journal: RunJournal,
    readonly deps: ResolvedDeps,
    readonly signal: AbortSignal,
    private readonly sink: (event: PublishEvent) => void,
  ) {}

  get ids(): RunIds {
    return this.journal.ids
  }
  get api(): AscGateway {
    if (!this.gateway) throw new AscentError('INTERNAL', 'no App Store Connect connection yet')
    return this.gateway
  }
  get state(): LiveState {
    if (!this.live) throw new AscentError('INTERNAL', 'preflight has not run')
    return this.live
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
    return this.deps.writeJournal(this.deps.dataDir, this.journal)
  }

  /** A safe point: between sub-steps, nothing is half done. */
  checkCanceled(): void {
    if (this.signal.aborted) throw new AscentError('CANCELED', 'canceled at a safe point')
  }

  stepRecord(step: StepId): StepRecord {
    const record = this.journal.steps.find((s) => s.step === step)
    if (!record) throw new AscentError('INTERNAL', `no step ${step} in the journal`)
    return record
  }

  private setStep(step: StepId, patch: Partial<StepRecord>): void {
    const index = this.journal.steps.findIndex((s) => s.step === step)
    const current = this.stepRecord(step)
    this.journal.steps[index] = { ...current, ...patch }
  }

  substepDone(id: SubstepId): boolean {
    const s = this.journal.substeps[id]?.status
    return s === 'done' || s === 'skipped'
  }

  substepNote(id: SubstepId): string | null {
    return this.journal.substeps[id]?.note ?? null
  }

  /**
   * Runs one of the six steps. A step already done (an earlier attempt) is reported again, not repeated.
   * `body` returns the summary; a failure is journaled with its error and re-thrown.
   */
  async step(
    step: StepId,
    title: string,
    body: () => Promise<{ readonly summary: string; readonly skipped?: boolean }>,
  ): Promise<void> {
    const record = this.stepRecord(step)
    if (record.status === 'done' || record.status === 'skipped') {
      this.emit({
        type: 'step-finished',
        runId: this.journal.runId,
        at: this.at(),
        step,
        summary: `${record.summary ?? ''} (done earlier)`.trim(),
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
    this.emit({ type: 'step-started', runId: this.journal.runId, at: this.at(), step, title })
    const deferredBefore = this.deferred.length
    try {
      const result = await body()
      // Left for a later run (processing not awaited): journaled as pending so a resume runs it again.
      const deferred = this.deferred.length > deferredBefore
      this.setStep(step, {
        status: deferred ? 'pending' : result.skipped ? 'skipped' : 'done',
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
        ...(result.skipped || deferred ? { skipped: true } : {}),
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
    if (outcome.kind === 'later') {
      // Leave no record: a later run (with a processing timeout) starts it afresh.
      delete this.journal.substeps[id]
      this.deferred.push(outcome.note)
    } else {
      this.journal.substeps[id] = { status: outcome.kind, at: this.at(), note: outcome.note }
    }
    await this.save()
    if (outcome.note) this.progress(step, { message: outcome.note })
    return outcome
  }
}
