import { APPLE_API_URL } from '../asc/client'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { BuildSummary } from '../../shared/build-summary'
import { AscentError, redactSecrets, toErrorShape } from '../../shared/errors'
import type { PublishPlan, RunRecord, RunReleaseSummary, Unsubscribe } from '../../shared/ipc'
import type { PublishEvent, RunOutcome } from '../../shared/publish-events'
import type { ReleaseSettings } from '../../shared/release-settings'
import { sleepWithSignal } from '../asc/retry'
import { JOURNAL_FILE_NAME as UPLOAD_JOURNAL_FILE } from '../upload/journal'
import { createAscGateway } from './asc-gateway'
import { createPublishConnection } from './connection'
import {
  emptySteps,
  JOURNAL_FILE,
  newRunId,
  readAllJournals,
  readJournal,
  readRunJournals,
  runDir,
  runLockPath,
  runsDir,
  writeJournal,
  type FileIdentity,
  SubstepId,
  type RunJournal,
} from './journal'
import { runLinks } from './links'
import { buildPlan } from './plan'
import { createRunLog } from './run-log'
import { runPreflight, wantsTestflight } from './preflight'
import { RunContext, type ResolvedDeps } from './run-context'
import { isFileLocked, tryFileLock, type HeldLock } from './run-lock'
import {
  appStoreStep,
  processingStep,
  reviewStep,
  settleCanceledUpload,
  testflightStep,
  uploadStep,
} from './steps'
import type { Publisher, PublisherDeps, PublishJob, RunCredentials } from './types'

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
 * failed, or stopped) in preflight sent nothing; there is nothing to resume and it holds no build number.
 */
export function hasEffect(journal: RunJournal): boolean {
  return Object.keys(journal.substeps).length > 0
}

/**
 * Unfinished: it changed something and has more to do. Only such a run is resumed by publishing its build
 * again, offered as "Resume", and keeps another file of the same build out.
 */
export function isOpen(journal: RunJournal): boolean {
  return hasEffect(journal) && !isFinished(journal) && journal.supersededBy === undefined
}

export type BuildIdentity = Pick<BuildSummary, 'bundleId' | 'platform' | 'version' | 'buildNumber'>

/**
 * Same build (as inspection reads it) + same settings: a second run of it resumes the first instead. Not the
 * path: the same build arrives at other paths (web bridge temp copies, CI re-downloads, a copied .ipa), and
 * Apple would refuse a new run of it as a used build number. Whether it is the same file is checked separately.
 */
export function runKeyOf(build: BuildIdentity, settings: ReleaseSettings): string {
  const canonical = JSON.stringify({
    bundleId: build.bundleId,
    platform: build.platform,
    version: build.version,
    buildNumber: build.buildNumber,
    settings: Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))),
  })
  return createHash('sha256').update(canonical).digest('hex')
}

async function identify(path: string): Promise<FileIdentity> {
  const absolute = resolve(path)
  try {
    const info = await stat(absolute)
    if (!info.isFile())
      throw new AscentError('BAD_BUILD', `${absolute} is not a file: choose an .ipa or .pkg`)
    return { path: absolute, name: basename(absolute), sizeBytes: info.size, mtimeMs: info.mtimeMs }
  } catch (error) {
    if (error instanceof AscentError) throw error
    throw new AscentError('BAD_BUILD', `${absolute}: no such file`, { cause: error })
  }
}

/** SHA-256 of a file's contents, streamed (builds are hundreds of MB). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function sameStat(a: FileIdentity, b: FileIdentity): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs
}

/**
 * Is `file` the file of run `journal` (same build identity)? Same path, size and mtime: yes without reading it.
 * Otherwise size plus SHA-256 against the hash the journal recorded, or the run's file if it is still where it
 * was. Its SHA-256 comes back when it had to be read.
 */
async function matchesFile(
  journal: RunJournal,
  file: FileIdentity,
): Promise<{ readonly same: boolean; readonly sha256: string | null }> {
  if (file.path === journal.file.path && sameStat(file, journal.file))
    return { same: true, sha256: journal.file.sha256 ?? null }
  if (file.sizeBytes !== journal.file.sizeBytes) return { same: false, sha256: null }
  const hash = await sha256OfFile(file.path)
  let reference = journal.file.sha256 ?? null
  if (reference === null) {
    const old = await identify(journal.file.path).catch(() => null)
    if (old && sameStat(old, journal.file)) reference = await sha256OfFile(old.path)
  }
  // No reference (the first file is gone and was never hashed): same build identity and size is the best left.
  return { same: reference === null || reference === hash, sha256: hash }
}

/**
 * Is `file` the file of the unfinished run `journal`? If not: BAD_INPUT saying what that run already did. On a
 * match the journal takes the new path (and the hash) so the resume uses it.
 */
async function confirmSameFile(journal: RunJournal, file: FileIdentity): Promise<void> {
  const match = await matchesFile(journal, file)
  if (!match.same) {
    const label = `${journal.build.bundleId} ${journal.build.version} (${journal.build.buildNumber})`
    throw new AscentError(
      'BAD_INPUT',
      `${file.path}: an unfinished run (${journal.runId}) of ${label} with another file (${journal.file.path}) already changed App Store Connect (${doneSummary(journal)}): publish that file to finish it, or delete its folder under the data directory's runs/ to forget it and upload this file with a new build number`,
    )
  }
  if (file.path !== journal.file.path || !sameStat(file, journal.file))
    journal.file = { ...file, ...(match.sha256 ? { sha256: match.sha256 } : {}) }
}

/** A copy with every string (at any depth) passed through redactSecrets. */
export function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => redactStrings(v)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v)])) as T
  }
  return value
}

/** A run whose journal cannot be read: a failed run saying what to do. */
function damagedRecord({ runId, file }: { runId: string; file: string }): RunRecord {
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

function outcomeOf(
  journal: RunJournal,
  deferred: readonly string[],
): { outcome: RunOutcome; message: string } {
  const { settings, build } = journal
  const label = `${build.bundleId} ${build.version} (${build.buildNumber})`
  if (deferred.length > 0) {
    return {
      outcome: 'uploaded',
      message: `Uploaded ${label}; not waited for processing, so ${deferred.length} step(s) wait for a later run: publish the same build again (it resumes) once App Store Connect has processed it`,
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

/** What the run did in App Store Connect so far: finished sub-steps' notes, and those started that may have acted. */
function doneSummary(journal: RunJournal): string {
  const said: string[] = []
  for (const id of SubstepId.options) {
    const s = journal.substeps[id]
    if (s?.status === 'done' && s.note) said.push(s.note)
    else if (s?.status === 'started') said.push(s.note ?? `${id.replace(/-/g, ' ')} was started`)
  }
  return said.length > 0 ? said.join('; ') : 'nothing was sent yet'
}

function sameBuild(a: BuildIdentity, b: BuildIdentity): boolean {
  return (
    a.bundleId === b.bundleId &&
    a.platform === b.platform &&
    a.version === b.version &&
    a.buildNumber === b.buildNumber
  )
}

/** The ids of an earlier run's upload, which a run going on from its build starts with. */
function uploadIds(journal: RunJournal): RunJournal['ids'] {
  const { buildUploadId, deliveryId, buildId, buildState } = journal.ids
  return Object.fromEntries(
    Object.entries({ buildUploadId, deliveryId, buildId, buildState }).filter(([, v]) => v !== undefined),
  )
}

function superseded(journal: RunJournal, message: string | null): string | null {
  if (journal.supersededBy === undefined) return message
  const note = `continued by run ${journal.supersededBy} with other settings`
  return message ? `${message} (${note})` : note
}

/** Why a finished or taken-over run cannot be resumed. */
function notResumable(journal: RunJournal): AscentError {
  const { runId } = journal
  return journal.supersededBy !== undefined
    ? new AscentError(
        'BAD_INPUT',
        `run ${runId} was continued by run ${journal.supersededBy} (other settings); nothing to resume here`,
      )
    : new AscentError('BAD_INPUT', `run ${runId} already finished (${journal.outcome}); nothing to resume`)
}

function interruptedMessage(journal: RunJournal): string {
  return hasEffect(journal)
    ? `Interrupted. Done so far: ${doneSummary(journal)}`
    : 'Interrupted before anything was sent to App Store Connect; publish the build again to start over'
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const resolved: ResolvedDeps = {
    dataDir: deps.dataDir,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleepWithSignal,
    pollIntervals: deps.pollIntervals ?? { initialMs: 1_000, maxMs: 120_000 },
    cancelTimeoutMs: deps.cancelTimeoutMs ?? 10 * 60_000,
    altoolResumeWaitMs: deps.altoolResumeWaitMs ?? 3 * 60_000,
    uploaderFactory: deps.uploaderFactory,
    writeJournal: deps.writeJournal ?? writeJournal,
  }
  const listeners = new Set<(event: PublishEvent) => void>()
  const runLog = deps.runLog ?? createRunLog(deps.dataDir)
  const active = new Map<
    string,
    { controller: AbortController; finished: Promise<RunRecord>; runKey: string }
  >()
  /** The latest attempt of each run this process executed: wait() answers from it even after it left `active`. */
  const attempts = new Map<string, Promise<RunRecord>>()
  /** Run keys whose start is under way here (before the run is in `active`): a second start waits for the first. */
  const starting = new Map<string, Promise<string>>()

  /** The run-key locks this process holds (one per run key it is starting or running). */
  const locks = new Map<string, HeldLock>()

  /**
   * Takes the run key's lock (the OS's file lock, which a dead or zombie process cannot keep). Another process
   * holding it: BAD_INPUT. Held by this process for a run it is running: nothing to take (false).
   */
  async function acquireLock(runKey: string): Promise<boolean> {
    if (locks.has(runKey)) {
      if ([...active.values()].some((a) => a.runKey === runKey)) return false
      await releaseLock(runKey)
    }
    await mkdir(runsDir(resolved.dataDir), { recursive: true })
    const attempt = await tryFileLock(runLockPath(resolved.dataDir, runKey))
    if (attempt.kind === 'busy') {
      throw new AscentError(
        'BAD_INPUT',
        `this build is being published by another Ascent process${attempt.pid === null ? '' : ` (pid ${attempt.pid})`}; wait for it or stop it first`,
      )
    }
    locks.set(runKey, attempt.lock)
    return true
  }

  async function releaseLock(runKey: string): Promise<void> {
    const lock = locks.get(runKey)
    locks.delete(runKey)
    await lock?.release()
  }

  /** One start of a run key at a time in this process, and in all processes through the lock file. */
  async function guarded(runKey: string, body: () => Promise<string>): Promise<string> {
    const pending = starting.get(runKey)
    if (pending) return pending
    const attempt = (async () => {
      const held = await acquireLock(runKey)
      try {
        return await body()
      } catch (error) {
        if (held) await releaseLock(runKey)
        throw error
      }
    })()
    starting.set(runKey, attempt)
    try {
      return await attempt
    } finally {
      starting.delete(runKey)
    }
  }

  function emit(event: PublishEvent): void {
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
  }

  function connect(credentials: RunCredentials) {
    const connection = createPublishConnection({
      baseUrl: credentials.apiUrl,
      tokens: credentials.tokens,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      now: resolved.now,
      ...(deps.client ?? {}),
    })
    return { connection, gateway: createAscGateway(connection) }
  }

  /** A run without an outcome that another process is executing now (it holds the run key's lock). */
  async function runningElsewhere(journal: RunJournal): Promise<boolean> {
    if (journal.outcome !== null || active.has(journal.runId) || locks.has(journal.runKey)) return false
    // A journal written by hand or by another version may carry a key no lock file can be named after.
    if (!/^[0-9a-f]+$/.test(journal.runKey)) return false
    return isFileLocked(runLockPath(resolved.dataDir, journal.runKey))
  }

  async function toRecord(journal: RunJournal): Promise<RunRecord> {
    const running = active.has(journal.runId) || (await runningElsewhere(journal))
    let outcome = journal.outcome
    if (outcome === null && !running) outcome = 'interrupted'
    const fileOk = await identify(journal.file.path).then(
      (now) => now.sizeBytes === journal.file.sizeBytes && now.mtimeMs === journal.file.mtimeMs,
      () => false,
    )
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

  /** Never rejects (callers fire and forget it): a failure anywhere ends the run as failed, said in run-finished. */
  async function execute(journal: RunJournal): Promise<RunRecord> {
    const controller = new AbortController()
    let settle: (record: RunRecord) => void = () => undefined
    const finished = new Promise<RunRecord>((r) => (settle = r))
    active.set(journal.runId, { controller, finished, runKey: journal.runKey })
    attempts.set(journal.runId, finished)
    try {
      await begin(journal, controller, settle)
    } catch (error) {
      // Only the first journal write can land here (disk full, data dir gone): end the run rather than leave it active.
      journal.outcome = 'failed'
      journal.message = `could not write the run journal: ${toErrorShape(error).message}`
      journal.finishedAt = new Date(resolved.now()).toISOString()
      active.delete(journal.runId)
      emit({
        type: 'run-finished',
        runId: journal.runId,
        at: journal.finishedAt,
        outcome: 'failed',
        message: journal.message,
        links: [],
      })
      await releaseLock(journal.runKey).catch(() => undefined)
      settle(await toRecord(journal))
    }
    return finished
  }

  async function begin(
    journal: RunJournal,
    controller: AbortController,
    settle: (record: RunRecord) => void,
  ): Promise<void> {
    // A fresh attempt: steps not finished start over (their sub-steps keep what was done).
    journal.steps = journal.steps.map((s) =>
      s.status === 'done' || s.status === 'skipped'
        ? s
        : { ...s, status: 'pending', error: null, summary: null },
    )
    journal.steps = journal.steps.map((s) => (s.step === 'preflight' ? { ...s, status: 'pending' } : s))
    journal.pid = process.pid
    journal.outcome = null
    journal.finishedAt = null
    journal.message = null
    await resolved.writeJournal(resolved.dataDir, journal)

    const ctx = new RunContext(journal, resolved, controller.signal, emit)
    const run = async (): Promise<void> => {
      let outcome: RunOutcome
      let message: string
      try {
        await ctx.step('preflight', 'Preflight', async () => {
          const credentials = await deps.credentials(journal.settings)
          const { connection, gateway } = connect(credentials)
          if (new URL(credentials.apiUrl).origin !== APPLE_API_URL) journal.ids.sandbox = true
          ctx.credentials = credentials
          ctx.connection = connection
          ctx.gateway = gateway
          const result = await runPreflight({
            build: journal.build,
            settings: journal.settings,
            gateway,
            substeps: journal.substeps,
            ids: journal.ids,
            localNow: resolved.now,
          })
          ctx.live = result.live
          for (const p of result.problems.filter((p) => p.severity === 'warning')) ctx.log('warn', p.message)
          const errors = result.problems.filter((p) => p.severity === 'error')
          if (errors.length > 0) {
            throw new AscentError(
              'PREFLIGHT_FAILED',
              errors.length === 1
                ? errors[0]!.message
                : `${errors.length} problems: ${errors.map((p) => p.message).join('; ')}`,
              { detail: errors.map((p) => `${p.code}: ${p.message}`).join('\n') },
            )
          }
          const app = result.live.app!
          journal.ids.appId = app.id
          journal.ids.appName = app.name
          journal.ids.primaryLocale = app.primaryLocale
          // A resume whose groups step is done reads no groups: keep what the first attempt found.
          if (result.live.groups.length > 0)
            journal.ids.groups = result.live.groups.map((g) => ({ name: g.name, isInternal: g.isInternal }))
          journal.links = runLinks(journal.ids, journal.build.platform)
          return {
            summary: `ready: ${app.name} (${app.id}), build ${journal.build.version} (${journal.build.buildNumber})`,
          }
        })
        // Preflight runs on every attempt (state may have changed); its step record must not make a resume skip it.
        await uploadStep(ctx)
        await processingStep(ctx)
        await testflightStep(ctx)
        await appStoreStep(ctx)
        await reviewStep(ctx)
        ;({ outcome, message } = outcomeOf(journal, ctx.deferred))
      } catch (error) {
        const shape = toErrorShape(error)
        if (shape.code === 'CANCELED' || controller.signal.aborted) {
          outcome = 'canceled'
          await settleCanceledUpload(ctx)
          message = hasEffect(journal)
            ? `Canceled at a safe point. Done: ${doneSummary(journal)}. Publish the same build again to continue.`
            : 'Canceled before anything was sent to App Store Connect.'
        } else if (!hasEffect(journal)) {
          // Ended in preflight: nothing was sent, so there is nothing to resume; the reasons are the message.
          outcome = shape.code === 'PREFLIGHT_FAILED' ? 'refused' : 'failed'
          message =
            outcome === 'refused'
              ? `Refused by preflight, nothing was sent: ${shape.message}`
              : `${shape.message} (nothing was sent to App Store Connect)`
        } else {
          outcome = 'failed'
          message = shape.message
        }
      }
      journal.outcome = outcome
      journal.message = message
      journal.finishedAt = ctx.at()
      journal.requests += ctx.connection?.requestCount() ?? 0
      journal.links = runLinks(journal.ids, journal.build.platform)
      // The preflight record is re-run on every attempt; keep what it said for the history.
      await resolved.writeJournal(resolved.dataDir, journal)
      active.delete(journal.runId)
      emit({
        type: 'run-finished',
        runId: journal.runId,
        at: ctx.at(),
        outcome,
        message,
        links: journal.links,
      })
    }
    void run()
      .catch(async (error: unknown) => {
        // Only a journal write can land here (disk full): say so rather than hang the waiter.
        journal.outcome = 'failed'
        journal.message = `could not write the run journal: ${toErrorShape(error).message}`
        active.delete(journal.runId)
        emit({
          type: 'run-finished',
          runId: journal.runId,
          at: ctx.at(),
          outcome: 'failed',
          message: journal.message,
          links: [],
        })
      })
      .then(() => releaseLock(journal.runKey))
      .catch(() => undefined)
      .then(async () => settle(await toRecord(journal)))
  }

  async function startNew(
    job: PublishJob,
    file: FileIdentity,
    build: BuildSummary,
    runKey: string,
    earlier: RunJournal | null,
  ): Promise<string> {
    const takesOver = earlier !== null && isOpen(earlier)
    if (takesOver && (active.has(earlier.runId) || (await runningElsewhere(earlier)))) {
      throw new AscentError(
        'BAD_INPUT',
        `run ${earlier.runId} of this build is running now with other settings; wait for it or cancel it first`,
      )
    }
    const journal: RunJournal = {
      schema: 1,
      runId: newRunId(resolved.now()),
      runKey,
      file,
      settings: job.settings,
      options: job.options,
      build,
      pid: process.pid,
      startedAt: new Date(resolved.now()).toISOString(),
      finishedAt: null,
      outcome: null,
      message: null,
      steps: emptySteps(),
      substeps: earlier?.substeps.upload ? { upload: earlier.substeps.upload } : {},
      ids: earlier ? uploadIds(earlier) : {},
      links: [],
      requests: 0,
    }
    await resolved.writeJournal(resolved.dataDir, journal)
    if (earlier?.substeps.upload?.status === 'started') {
      // The upload's own resume state (which parts Apple has): the new run sends only what is missing.
      await copyFile(
        join(runDir(resolved.dataDir, earlier.runId), UPLOAD_JOURNAL_FILE),
        join(runDir(resolved.dataDir, journal.runId), UPLOAD_JOURNAL_FILE),
      ).catch(() => undefined)
    }
    if (takesOver) {
      earlier.supersededBy = journal.runId
      await resolved.writeJournal(resolved.dataDir, earlier)
    }
    void execute(journal)
    return journal.runId
  }

  /** `confirmed`: the caller already matched the given file to this run (confirmSameFile). */
  async function resumeJournal(
    journal: RunJournal,
    options?: PublishJob['options'],
    confirmed = false,
  ): Promise<string> {
    if (active.has(journal.runId)) return journal.runId
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
    void execute(journal)
    return journal.runId
  }

  /**
   * Where a start of this file with these settings begins. `previous`: the unfinished run of the same build and
   * settings, resumed (of another file: BAD_INPUT saying what it did). Else `earlier`: the latest run of this
   * very file that uploaded it (with other settings, or finished): the new run goes on from its build instead
   * of uploading again, which App Store Connect would refuse as a used build number.
   */
  async function startingPoint(
    file: FileIdentity,
    build: BuildSummary,
    settings: ReleaseSettings,
  ): Promise<{ runKey: string; previous: RunJournal | null; earlier: RunJournal | null }> {
    const runKey = runKeyOf(build, settings)
    const journals = await readAllJournals(resolved.dataDir)
    for (const j of journals) {
      if (j.runKey !== runKey) continue
      if (active.has(j.runId) || isOpen(j)) {
        await confirmSameFile(j, file)
        return { runKey, previous: j, earlier: null }
      }
      // Stopped (killed) before it sent anything: taken up again rather than left beside a second run.
      if (j.outcome === null && j.supersededBy === undefined && (await matchesFile(j, file)).same) {
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

  return {
    async plan(job) {
      const file = await identify(job.filePath)
      const build = await deps.inspect(file.path)
      const { previous, earlier } = await startingPoint(file, build, job.settings)
      const credentials = await deps.credentials(job.settings)
      const { gateway } = connect(credentials)
      const from =
        previous ?? (earlier && { substeps: { upload: earlier.substeps.upload }, ids: uploadIds(earlier) })
      const result = await runPreflight({
        build,
        settings: job.settings,
        gateway,
        ...(from ? { substeps: from.substeps, ids: from.ids } : {}),
        localNow: resolved.now,
      })
      const plan: PublishPlan = buildPlan({
        build,
        settings: job.settings,
        options: job.options,
        live: result.live,
        problems: result.problems,
        resumesRunId: previous?.runId ?? null,
        ...(previous ? { substeps: previous.substeps } : {}),
        autoMethod: (await deps.uploaderFactory.methodFor?.('auto', credentials)) ?? 'api',
      })
      return plan
    },
    async start(job) {
      const file = await identify(job.filePath)
      const build = await deps.inspect(file.path)
      const runKey = runKeyOf(build, job.settings)
      const runId = await guarded(runKey, async () => {
        const { previous, earlier } = await startingPoint(file, build, job.settings)
        if (previous) return resumeJournal(previous, job.options, true)
        return startNew(job, file, build, runKey, earlier)
      })
      return { runId }
    },
    async resume(runId) {
      const journal = await readJournal(resolved.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}; \`ascent runs\` lists the runs`)
      // A run that sent nothing may be run again (it starts over); it is just not offered as "Resume".
      if (isFinished(journal) || journal.supersededBy !== undefined) throw notResumable(journal)
      return { runId: await guarded(journal.runKey, () => resumeJournal(journal)) }
    },
    async cancel(runId) {
      const run = active.get(runId)
      if (!run) {
        const journal = await readJournal(resolved.dataDir, runId)
        if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}`)
        return // not running here: nothing to stop
      }
      run.controller.abort()
    },
    async listRuns() {
      const { journals, damaged } = await readRunJournals(resolved.dataDir)
      const records = await Promise.all(journals.map(toRecord))
      // Shown, not dropped: a run that vanished from History would hide that something was sent.
      return [...records, ...damaged.map(damagedRecord)].sort((a, b) =>
        a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0,
      )
    },
    async getRun(runId) {
      const journal = await readJournal(resolved.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}; \`ascent runs\` lists the runs`)
      return toRecord(journal)
    },
    async wait(runId) {
      // A run that ended here before its journal could say so (disk full) is answered from memory, not the stale disk.
      const run = attempts.get(runId)
      if (run) return run
      const journal = await readJournal(resolved.dataDir, runId)
      if (!journal) throw new AscentError('NOT_FOUND', `no run ${runId}`)
      return toRecord(journal)
    },
    onEvent(listener): Unsubscribe {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
