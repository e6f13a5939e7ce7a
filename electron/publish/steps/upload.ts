import { AscentError } from '../../../shared/errors'
import { formatBytes } from '../../../shared/format-bytes'
import type { UploadProgress } from '../../upload/types'
import { buildRecordOf, type AscGateway, type BuildRecord } from '../asc-gateway'
import { runDir, type RunJournal } from '../journal'
import { done, type RunContext, type SubstepOutcome } from '../run-context'
import { poll } from './poll'

/** Apple's answer to a build number sent twice: ITMS-90189 "Redundant Binary Upload", or altool's duplicate entity. */
function isRedundantBinary(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const text = `${error.message}\n${error instanceof AscentError ? (error.detail ?? '') : ''}`
  return /90189|redundant binary|ENTITY_ERROR\.ATTRIBUTE\.INVALID\.DUPLICATE/i.test(text)
}

/** A resumed upload that Apple answers "already have it" did its work in the earlier attempt. */
async function uploadOnce<T>(resumed: boolean, send: () => Promise<T>): Promise<T | 'redundant'> {
  try {
    return await send()
  } catch (error) {
    if (resumed && isRedundantBinary(error)) return 'redundant'
    throw error
  }
}

/** The uploader this run uses (asked only on a resume: 'auto' may probe for altool). */
async function resumedMethod(ctx: RunContext): Promise<'api' | 'altool'> {
  const chosen = ctx.journal.options.uploadMethod
  const method = await ctx.deps.uploaderFactory.methodFor?.(chosen, ctx.run.credentials)
  return method ?? (chosen === 'altool' ? 'altool' : 'api')
}

/** Looks for this build in App Store Connect with backoff until altoolResumeWaitMs passes; null if not listed. */
async function waitForListedBuild(ctx: RunContext): Promise<BuildRecord | null> {
  const build = ctx.journal.build
  const notYet = new Error('not listed')
  try {
    return await poll(
      ctx,
      ctx.deps.altoolResumeWaitMs,
      async () => {
        const found =
          (await ctx.asc.findBuilds(ctx.appId, build.version, build.buildNumber, build.platform))[0] ?? null
        if (!found) ctx.progress('upload', { message: 'looking for the earlier upload in App Store Connect' })
        return found
      },
      () => notYet,
    )
  } catch (error) {
    if (error === notYet) return null
    throw error
  }
}

function alreadyUploaded(ctx: RunContext, build: BuildRecord): SubstepOutcome {
  ctx.sawBuild(build)
  return done(`already uploaded (build ${build.buildNumber}, ${build.processingState})`)
}

export async function uploadStep(ctx: RunContext): Promise<void> {
  await ctx.step('upload', async () => {
    const outcome = await ctx.substep('upload', 'upload', 'Uploading', async (resumed) => {
      // Preflight of this attempt already looked; a resumed run's own upload shows up here.
      const existing = ctx.live.existingBuild
      if (existing) return alreadyUploaded(ctx, existing)
      if (resumed && (await resumedMethod(ctx)) === 'altool') {
        // altool keeps no state to resume from, and Apple lists a delivered build only minutes later: look
        // (bounded) before sending it again, which would end in a redundant binary at best.
        const listed = await waitForListedBuild(ctx)
        if (listed) return alreadyUploaded(ctx, listed)
      }
      return send(ctx, resumed)
    })
    return { summary: outcome.note }
  })
}

async function send(ctx: RunContext, resumed: boolean): Promise<SubstepOutcome> {
  const { journal } = ctx
  const build = journal.build
  const uploader = await ctx.deps.uploaderFactory({
    method: journal.options.uploadMethod,
    connection: ctx.run.connection,
    credentials: ctx.run.credentials,
    resumeDir: runDir(ctx.deps.dataDir, journal.runId),
    onBuild: (b) => ctx.sawBuild(buildRecordOf(b)),
  })
  const onProgress = progressReporter(ctx)
  const result = await uploadOnce(resumed, () =>
    uploader.upload(
      {
        file: journal.file.path,
        kind: build.kind,
        bundleId: build.bundleId,
        version: build.version,
        buildNumber: build.buildNumber,
        platform: build.platform,
        sizeBytes: build.sizeBytes,
        appId: ctx.appId,
      },
      { signal: ctx.signal, onProgress, resumed },
    ),
  )
  if (result === 'redundant') {
    return done(`already uploaded (App Store Connect already has build ${build.buildNumber})`)
  }
  if (result.method === 'api') {
    ctx.ids.buildUploadId = result.buildUploadId
    // The upload's answer named its build: the processing wait reads it directly instead of searching.
    if (result.buildId) ctx.ids.buildId = result.buildId
  } else ctx.ids.deliveryId = result.deliveryId
  return done(
    `uploaded ${formatBytes(build.sizeBytes)} with ${result.method === 'api' ? 'the Build Upload API' : 'altool'}`,
  )
}

/** The uploader's progress as step-progress events: at most ~5 a second, plus every phase change and the end. */
function progressReporter(ctx: RunContext): (p: UploadProgress) => void {
  let last = 0
  let lastPhase = ''
  // Each attempt's uploader counts from what it knows is done; the run's events never go back between attempts.
  let highest = 0
  return (p) => {
    const t = ctx.deps.now()
    // Past the reservations, App Store Connect took this build number for this version.
    if (p.phase !== 'preparing') ctx.uploadAccepted.open(true)
    // From here App Store Connect processes the file: the processing wait's backoff counts from now.
    if (p.phase === 'verifying') ctx.processingSince ??= t
    // A CLI printing NDJSON must not drown.
    if (t - last < 200 && p.phase === lastPhase && p.bytesDone < p.bytesTotal) return
    last = t
    lastPhase = p.phase
    highest = Math.max(highest, p.bytesDone)
    ctx.progress('upload', {
      bytesDone: highest,
      bytesTotal: p.bytesTotal,
      bytesPerSecond: p.bytesPerSecond,
      etaSeconds: p.etaSeconds,
      message: p.phase,
    })
  }
}

/** What settling a canceled upload needs: the run, a way to App Store Connect, and the app. */
export interface CanceledUpload {
  readonly journal: RunJournal
  readonly asc: Pick<AscGateway, 'findBuilds' | 'findBuildUploads'>
  /** The app the upload went to (null: no attempt got that far, so no upload was started). */
  readonly appId: string | null
  readonly at: () => string
}

/**
 * A cancel while an upload is marked started (by this attempt, or by an earlier one a crash or a kill ended):
 * whether the build got there is not known here (the bytes may all have arrived while we waited for Apple's
 * verdict). Ask App Store Connect and journal the answer, so the run says what did happen, and a build that
 * arrived counts as uploaded. Returns what it found (null: no upload was under way).
 */
export async function settleCanceledUpload({
  journal,
  asc,
  appId,
  at,
}: CanceledUpload): Promise<string | null> {
  if (journal.substeps.upload?.status !== 'started') return null
  const { version, buildNumber, platform } = journal.build
  const note = (text: string): string => {
    journal.substeps.upload = { status: 'started', at: at(), note: text }
    return text
  }
  try {
    if (appId === null) throw new Error('the app of the run is not known')
    const build = (await asc.findBuilds(appId, version, buildNumber, platform))[0]
    if (build) {
      journal.ids.buildId = build.id
      journal.ids.buildState = build.processingState
      const text = `uploaded before the cancel: App Store Connect has build ${buildNumber} (${build.processingState})`
      journal.substeps.upload = { status: 'done', at: at(), note: text }
      return text
    }
    const latest = (await asc.findBuildUploads(appId, version, buildNumber, platform))[0]
    if (latest?.state === 'PROCESSING' || latest?.state === 'COMPLETE') {
      journal.ids.buildUploadId = latest.id
      return note(
        `all of build ${buildNumber} reached App Store Connect before the cancel; it is being processed into a build`,
      )
    }
    if (latest?.state === 'FAILED')
      return note(`App Store Connect refused the upload of build ${buildNumber}`)
    if (latest) {
      return note(
        `the upload of build ${buildNumber} stopped part way; App Store Connect keeps what arrived and publishing again sends the rest`,
      )
    }
    return note(`App Store Connect has no upload of build ${buildNumber}`)
  } catch (error) {
    return note(
      `the upload was under way; App Store Connect could not be asked whether build ${buildNumber} arrived (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}
