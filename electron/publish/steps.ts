import { AscentError } from '../../shared/errors'
import { whatsNewFor, type ReleaseType } from '../../shared/release-settings'
import { AscApiError } from '../asc/api-error'
import type { BuildRecord, VersionAttributes, VersionRecord } from './asc-gateway'
import { runDir } from './journal'
import { formatBytes } from '../../shared/format-bytes'
import { formatDuration } from './plan'
import { IN_PROGRESS_SUBMISSION_STATES, planVersion, wantsBetaReview } from './preflight'
import { done, later, type RunContext, type SubstepOutcome } from './run-context'

/**
 * The pipeline after preflight. Every sub-step looks before it acts when an earlier attempt may have
 * acted (`resumed`), and otherwise trusts preflight's fresh view of App Store Connect to save calls;
 * a conflict answer (409) sends it back to looking.
 */

const NOT_PROCESSED = 'needs a processed build; not waited for (processing timeout 0)'

/**
 * Waits until `look` says done, or the deadline passes. Each wait is the time waited so far (from `since`, default
 * now) plus initialMs, at most maxMs, so the looks come at 1, 3, 7, 15… s: a quick answer is seen within a second or two, a long one
 * (Apple's processing takes minutes) costs about a dozen looks, and nothing sleeps a fixed time.
 */
async function poll<T>(
  ctx: RunContext,
  timeoutMs: number,
  look: () => Promise<T | null>,
  onTimeout: () => Error,
  since?: number,
): Promise<T> {
  const { now, sleep, pollIntervals } = ctx.deps
  const start = since ?? now()
  const deadline = now() + timeoutMs
  for (;;) {
    const found = await look()
    if (found !== null) return found
    const delay = Math.min(now() - start + pollIntervals.initialMs, pollIntervals.maxMs)
    if (now() + delay > deadline) throw onTimeout()
    await sleep(delay, ctx.signal)
    ctx.checkCanceled()
  }
}

function isConflict(error: unknown): error is AscApiError {
  return error instanceof AscApiError && (error.status === 409 || error.status === 422)
}

/** Apple's answer to a build number sent twice: ITMS-90189 "Redundant Binary Upload", or altool's duplicate entity. */
export function isRedundantBinary(error: unknown): boolean {
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
  const method = await ctx.deps.uploaderFactory.methodFor?.(chosen, ctx.credentials!)
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
          (await ctx.api.findBuilds(ctx.ids.appId!, build.version, build.buildNumber, build.platform))[0] ??
          null
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

export async function uploadStep(ctx: RunContext): Promise<void> {
  const { journal } = ctx
  const build = journal.build
  await ctx.step('upload', 'Upload', async () => {
    const outcome = await ctx.substep('upload', 'upload', 'Uploading', async (resumed) => {
      const existing = ctx.state.existingBuild
      if (existing !== null || resumed) {
        // Preflight of this attempt already looked; a resumed run's own upload shows up here.
        if (existing) {
          ctx.ids.buildId = existing.id
          ctx.ids.buildState = existing.processingState
          return done(`already uploaded (build ${existing.buildNumber}, ${existing.processingState})`)
        }
      }
      if (resumed && (await resumedMethod(ctx)) === 'altool') {
        // altool keeps no state to resume from, and Apple lists a delivered build only minutes later: look
        // (bounded) before sending it again, which would end in a redundant binary at best.
        const listed = await waitForListedBuild(ctx)
        if (listed) {
          ctx.ids.buildId = listed.id
          ctx.ids.buildState = listed.processingState
          return done(`already uploaded (build ${listed.buildNumber}, ${listed.processingState})`)
        }
      }
      const uploader = await ctx.deps.uploaderFactory({
        method: journal.options.uploadMethod,
        connection: ctx.connection!,
        credentials: ctx.credentials!,
        journalDir: runDir(ctx.deps.dataDir, journal.runId),
      })
      let last = 0
      let lastPhase = ''
      // Each attempt's uploader counts from what it knows is done; the run's events never go back between attempts.
      let highest = 0
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
            ...(ctx.ids.appId ? { appId: ctx.ids.appId } : {}),
          },
          {
            signal: ctx.signal,
            onProgress: (p) => {
              const t = ctx.deps.now()
              // From here App Store Connect processes the file: the processing wait's backoff counts from now.
              if (p.phase === 'verifying') ctx.processingSince ??= t
              // At most ~5 events a second (a CLI printing NDJSON must not drown), plus every phase change and the end.
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
            },
          },
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
    })
    return { summary: outcome.note }
  })
}

/**
 * A cancel that came while the upload was under way: whether the build got there is not known here (the bytes
 * may all have arrived while we waited for Apple's verdict). Ask App Store Connect and journal the answer, so
 * the run says what did happen, and a build that arrived counts as uploaded.
 */
export async function settleCanceledUpload(ctx: RunContext): Promise<void> {
  const { journal } = ctx
  const upload = journal.substeps.upload
  if (upload?.status !== 'started' || !ctx.gateway || !ctx.ids.appId) return
  const { version, buildNumber, platform } = journal.build
  const note = (text: string): void => {
    journal.substeps.upload = { status: 'started', at: ctx.at(), note: text }
  }
  try {
    const build = (await ctx.gateway.findBuilds(ctx.ids.appId, version, buildNumber, platform))[0]
    if (build) {
      ctx.ids.buildId = build.id
      ctx.ids.buildState = build.processingState
      journal.substeps.upload = {
        status: 'done',
        at: ctx.at(),
        note: `uploaded before the cancel: App Store Connect has build ${buildNumber} (${build.processingState})`,
      }
      return
    }
    const latest = (await ctx.gateway.findBuildUploads(ctx.ids.appId, version, buildNumber, platform))[0]
    if (latest?.state === 'PROCESSING' || latest?.state === 'COMPLETE') {
      ctx.ids.buildUploadId = latest.id
      note(
        `all of build ${buildNumber} reached App Store Connect before the cancel; it is being processed into a build`,
      )
    } else if (latest?.state === 'FAILED') {
      note(`App Store Connect refused the upload of build ${buildNumber}`)
    } else if (latest) {
      note(
        `the upload of build ${buildNumber} stopped part way; App Store Connect keeps what arrived and publishing again sends the rest`,
      )
    } else {
      note(`App Store Connect has no upload of build ${buildNumber}`)
    }
  } catch (error) {
    note(
      `the upload was under way; App Store Connect could not be asked whether build ${buildNumber} arrived (${error instanceof Error ? error.message : String(error)})`,
    )
  }
}

export async function processingStep(ctx: RunContext): Promise<void> {
  const build = ctx.journal.build
  const timeoutMs = ctx.journal.options.processingTimeoutMs
  await ctx.step('processing', 'Processing', async () => {
    const outcome = await ctx.substep(
      'processing',
      'processing',
      'Waiting for App Store Connect to process the build',
      async () => {
        if (ctx.ids.buildState === 'VALID') return done('processed (VALID)')
        const look = async (): Promise<BuildRecord | null> => {
          let record: BuildRecord | null
          if (ctx.ids.buildId) record = await ctx.api.getBuild(ctx.ids.buildId)
          else {
            record =
              (
                await ctx.api.findBuilds(ctx.ids.appId!, build.version, build.buildNumber, build.platform)
              )[0] ?? null
            if (record) ctx.ids.buildId = record.id
          }
          ctx.lastBuild = record
          const state = record?.processingState ?? 'NOT_VISIBLE_YET'
          ctx.ids.buildState = record?.processingState
          ctx.progress('processing', {
            state,
            message: record
              ? `build ${build.buildNumber} is ${state}`
              : 'App Store Connect does not list the build yet',
          })
          if (record && (state === 'FAILED' || state === 'INVALID')) {
            throw new AscentError(
              'ASC_ERROR',
              `App Store Connect could not process build ${build.buildNumber} (${state}): Apple's email to the account holder says why; fix it and upload a new build number`,
            )
          }
          return record && state === 'VALID' ? record : null
        }
        if (timeoutMs === 0) {
          const record = await look()
          return record
            ? done('processed (VALID)')
            : later(`not waited for processing (timeout 0): ${ctx.ids.buildState ?? 'not listed yet'}`)
        }
        await poll(
          ctx,
          timeoutMs,
          look,
          () =>
            new AscentError(
              'ASC_ERROR',
              `build ${build.buildNumber} is still ${ctx.ids.buildState ?? 'not listed'} after ${formatDuration(timeoutMs)}: run the same publish again later to continue where it stopped, or raise --processing-timeout`,
            ),
          ctx.processingSince ?? undefined,
        )
        return done('processed (VALID)')
      },
    )
    return {
      summary: outcome.kind === 'later' ? outcome.note : `build ${build.buildNumber} processed (VALID)`,
    }
  })
}

export async function testflightStep(ctx: RunContext): Promise<void> {
  const { settings } = ctx.journal
  await ctx.step('testflight', 'TestFlight', async () => {
    const notes: string[] = []
    const valid = ctx.ids.buildState === 'VALID'

    const compliance = await ctx.substep('testflight', 'export-compliance', 'Export compliance', async () => {
      if (!ctx.ids.buildId) return later(`export compliance: ${NOT_PROCESSED}`)
      const answer = ctx.state.exportCompliance.value
      const seen = ctx.lastBuild?.id === ctx.ids.buildId ? ctx.lastBuild : null
      const current = (seen ?? (await ctx.api.getBuild(ctx.ids.buildId))).usesNonExemptEncryption
      if (current !== null) return done(`export compliance already answered (${current ? 'Yes' : 'No'})`)
      await ctx.api.setExportCompliance(ctx.ids.buildId, answer)
      return done(
        `export compliance answered: ${answer ? 'Yes' : 'No'} (${ctx.state.exportCompliance.source})`,
      )
    })
    if (compliance.kind !== 'later') notes.push(compliance.note)

    if (settings.whatToTest !== null) {
      const whatToTest = settings.whatToTest
      const r = await ctx.substep('testflight', 'what-to-test', 'What to Test', async (resumed) => {
        if (!ctx.ids.buildId) return later(`what to test: ${NOT_PROCESSED}`)
        const buildId = ctx.ids.buildId
        const locale = ctx.ids.primaryLocale ?? 'en-US'
        const update = async (): Promise<SubstepOutcome> => {
          const existing = (await ctx.api.betaBuildLocalizations(buildId)).find((l) => l.locale === locale)
          if (!existing) return create()
          ctx.ids.betaLocalizationId = existing.id
          if (existing.whatsNew !== whatToTest)
            await ctx.api.updateBetaBuildLocalization({
              id: existing.id,
              buildId,
              locale,
              whatsNew: whatToTest,
            })
          return done(`What to Test set (${locale})`)
        }
        const create = async (): Promise<SubstepOutcome> => {
          ctx.ids.betaLocalizationId = await ctx.api.createBetaBuildLocalization(buildId, locale, whatToTest)
          return done(`What to Test set (${locale})`)
        }
        if (resumed) return update()
        try {
          return await create()
        } catch (error) {
          // Apple may have made one for the primary locale already: update it instead.
          if (isConflict(error)) return update()
          throw error
        }
      })
      notes.push(r.note)
    }

    if (settings.expireBuildSubmittedForReview && settings.submitToTestflight) {
      const r = await ctx.substep(
        'testflight',
        'expire-previous',
        'Expiring the build in beta review',
        async (resumed) => {
          if (!valid) return later(`expire previous build: ${NOT_PROCESSED}`)
          const candidates = resumed
            ? await ctx.api.buildsInBetaReview(ctx.ids.appId!, ctx.journal.build.platform)
            : ctx.state.toExpire
          // Every build in beta review, not only the oldest (Codemagic expires builds[0] and the review stays blocked).
          const targets = candidates.filter((b) => b.id !== ctx.ids.buildId && !b.expired)
          for (const b of targets) {
            await ctx.api.expireBuild(b.id)
            ctx.ids.expiredBuildIds = [...(ctx.ids.expiredBuildIds ?? []), b.id]
            await ctx.save()
          }
          return done(
            targets.length > 0
              ? `expired ${targets.map((b) => `build ${b.buildNumber}`).join(', ')} (was in beta review)`
              : 'no other build in beta review',
          )
        },
      )
      notes.push(r.note)
    }

    const groups = ctx.state.groups
    if (settings.betaGroups.length > 0) {
      const r = await ctx.substep('testflight', 'beta-groups', 'Adding to beta groups', async () => {
        if (!valid) return later(`beta groups: ${NOT_PROCESSED}`)
        await ctx.api.addBuildToGroups(
          ctx.ids.appId!,
          ctx.ids.buildId!,
          groups.map((g) => g.id),
        )
        ctx.ids.groupIds = groups.map((g) => g.id)
        return done(`added to ${groups.map((g) => g.name).join(', ')}`)
      })
      notes.push(r.note)
    }

    if (wantsBetaReview(settings, groups)) {
      const r = await ctx.substep(
        'testflight',
        'beta-review',
        'Submitting for beta review',
        async (resumed) => {
          // Apple answers 422 "not in state for testing" before processing ends (Codemagic #346): never try early.
          if (!valid) return later(`beta review: ${NOT_PROCESSED}`)
          const buildId = ctx.ids.buildId!
          if (resumed) {
            const existing = await ctx.api.betaReviewOf(buildId)
            if (existing) {
              ctx.ids.betaReviewSubmissionId = existing.id
              return done(`already in beta review (${existing.state})`)
            }
          }
          let attempt = 0
          for (;;) {
            try {
              const sub = await ctx.api.submitForBetaReview(buildId)
              ctx.ids.betaReviewSubmissionId = sub.id
              return done(`submitted for beta review (${sub.state || 'WAITING_FOR_REVIEW'})`)
            } catch (error) {
              if (!isConflict(error)) throw error
              const existing = await ctx.api.betaReviewOf(buildId)
              if (existing) {
                ctx.ids.betaReviewSubmissionId = existing.id
                return done(`already in beta review (${existing.state})`)
              }
              // The build's beta details can trail its processing state by a moment: a few tries, then Apple's words.
              if (++attempt >= 4) throw error
              await ctx.deps.sleep(ctx.deps.pollIntervals.initialMs * attempt, ctx.signal)
            }
          }
        },
      )
      notes.push(r.note)
    }
    return { summary: notes.join('; ') || 'nothing to do' }
  })
}

function desiredAttributes(
  ctx: RunContext,
  current: VersionRecord | null,
  rename: boolean,
): VersionAttributes {
  const { settings, build } = ctx.journal
  const attributes: { -readonly [K in keyof VersionAttributes]: VersionAttributes[K] } = {}
  if (rename || current === null) attributes.versionString = build.version
  if (settings.copyright !== null && settings.copyright !== current?.copyright)
    attributes.copyright = settings.copyright
  const releaseType: ReleaseType = settings.releaseType
  if (releaseType !== current?.releaseType) attributes.releaseType = releaseType
  if (releaseType === 'SCHEDULED') {
    if (!sameInstant(settings.earliestReleaseDate, current?.earliestReleaseDate ?? null))
      attributes.earliestReleaseDate = settings.earliestReleaseDate
  } else if (current?.earliestReleaseDate) {
    attributes.earliestReleaseDate = null
  }
  return attributes
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b
  return Date.parse(a) === Date.parse(b)
}

export async function appStoreStep(ctx: RunContext): Promise<void> {
  const { settings, build } = ctx.journal
  await ctx.step('app-store', 'App Store', async () => {
    if (!settings.submitToAppStore) return { summary: 'not requested', skipped: true }
    if (ctx.ids.buildState !== 'VALID') {
      ctx.deferred.push(`App Store version: ${NOT_PROCESSED}`)
      return { summary: `App Store version ${NOT_PROCESSED}`, skipped: true }
    }
    const appId = ctx.ids.appId!
    const notes: string[] = []

    if (settings.cancelPreviousSubmissions) {
      const r = await ctx.substep(
        'app-store',
        'cancel-previous',
        'Canceling previous review submissions',
        async (resumed) => {
          const own = ctx.ids.reviewSubmissionId
          const targets = resumed
            ? (
                await ctx.api.listReviewSubmissions(appId, build.platform, [
                  ...IN_PROGRESS_SUBMISSION_STATES,
                  'CANCELING',
                ])
              ).filter((s) => s.id !== own)
            : ctx.state.toCancel
          if (targets.length === 0) return done('no submission in review to cancel')
          for (const s of targets) {
            if (s.state !== 'CANCELING') await ctx.api.cancelReviewSubmission(s.id)
            ctx.ids.canceledSubmissionIds = [...new Set([...(ctx.ids.canceledSubmissionIds ?? []), s.id])]
            await ctx.save()
          }
          const ids = new Set(targets.map((s) => s.id))
          // A version in review cannot be edited until the cancel completes: wait it out (Codemagic gives up after 120 s and carries on).
          await poll(
            ctx,
            ctx.deps.cancelTimeoutMs,
            async () => {
              const canceling = (
                await ctx.api.listReviewSubmissions(appId, build.platform, ['CANCELING'])
              ).filter((s) => ids.has(s.id))
              ctx.progress('app-store', {
                state: canceling.length > 0 ? 'CANCELING' : 'COMPLETE',
                message:
                  canceling.length > 0
                    ? `waiting for ${canceling.length} submission(s) to finish CANCELING`
                    : 'previous submissions canceled',
              })
              return canceling.length === 0 ? true : null
            },
            () =>
              new AscentError(
                'ASC_ERROR',
                `review submission ${[...ids].join(', ')} is still CANCELING after ${formatDuration(ctx.deps.cancelTimeoutMs)}: run the same publish again later to continue`,
              ),
          )
          ctx.versionsStale = true
          return done(`canceled review submission ${[...ids].join(', ')}`)
        },
      )
      if (r.kind === 'done' && (ctx.ids.canceledSubmissionIds?.length ?? 0) > 0) ctx.versionsStale = true
      notes.push(r.note)
    }

    const v = await ctx.substep(
      'app-store',
      'version',
      `Setting up version ${build.version}`,
      async (resumed) => {
        const versions =
          resumed || ctx.versionsStale
            ? await ctx.api.listVersions(appId, build.platform)
            : ctx.state.versions
        const decided = planVersion(build.version, versions, false, ctx.ids.versionId)
        if ('problem' in decided) throw new AscentError('ASC_ERROR', decided.problem.message)
        const plan = decided.plan
        if (plan.kind === 'done') return done(`version ${build.version} ready`)
        const buildId = ctx.ids.buildId!
        if (plan.kind === 'create') {
          const created = await ctx.api.createVersion(
            appId,
            build.platform,
            { ...desiredAttributes(ctx, null, true), versionString: build.version },
            buildId,
          )
          // The create carries the build relationship (Apple's AppStoreVersionCreateRequest allows it): one call, not two.
          ctx.ids.versionId = created.id
          ctx.ids.versionCreated = true
          return done(
            `created version ${build.version} (${describeRelease(ctx)}) with build ${build.buildNumber}`,
          )
        }
        const current = plan.version
        ctx.ids.versionId = current.id
        await ctx.save()
        const attributes = desiredAttributes(ctx, current, plan.rename)
        // One PATCH sets the attributes and attaches the build (Codemagic does the same; fastlane sends two).
        await ctx.api.updateVersion(current.id, attributes, buildId)
        return done(
          `${plan.rename ? `renamed version ${current.versionString} to ${build.version}` : `updated version ${build.version}`} (${describeRelease(ctx)}), build ${build.buildNumber} attached`,
        )
      },
    )
    notes.push(v.note)

    // Preflight of this attempt read whether the version is an update (it refused an update without notes).
    const update = ctx.state.releaseNotes?.update ?? true
    if (settings.whatsNew !== null) {
      const whatsNew = settings.whatsNew
      const r = await ctx.substep('app-store', 'whats-new', 'What’s New', async () => {
        if (!update) return done('What’s New not sent (a first version takes no release notes)')
        // Read after the version step: a version created just now has copied its localizations.
        const localizations = await ctx.api.versionLocalizations(ctx.ids.versionId!)
        const set: string[] = []
        for (const l of localizations) {
          const text = whatsNewFor(whatsNew, l.locale)
          if (text === null || text === l.whatsNew) continue
          await ctx.api.setWhatsNew(l.id, text)
          set.push(l.locale)
        }
        const all = localizations.map((l) => l.locale).join(', ')
        return done(set.length > 0 ? `What’s New set (${set.join(', ')})` : `What’s New already set (${all})`)
      })
      notes.push(r.note)
    }

    if (settings.phasedRelease !== null) {
      const want = settings.phasedRelease
      const r = await ctx.substep('app-store', 'phased-release', 'Phased release', async (resumed) => {
        if (want && !update) return done('phased release not turned on (a first version goes to everyone)')
        const versionId = ctx.ids.versionId!
        // A version this run created cannot have a phased release it did not make: no need to look.
        const current = ctx.ids.versionCreated && !resumed ? null : await ctx.api.phasedReleaseOf(versionId)
        if (want && current === null) {
          ctx.ids.phasedReleaseId = await ctx.api.createPhasedRelease(versionId)
          return done('phased release on (7-day rollout)')
        }
        if (want) {
          ctx.ids.phasedReleaseId = current!.id
          return done('phased release already on')
        }
        if (current !== null) {
          await ctx.api.deletePhasedRelease(versionId, current.id)
          return done('phased release turned off')
        }
        return done('phased release already off')
      })
      notes.push(r.note)
    } else {
      notes.push('phased release kept as it was')
    }
    return { summary: notes.join('; ') }
  })
}

/** The submission id an Apple 409 names in its detail, when it names one. */
function mentionedSubmission(error: unknown, pattern: RegExp): string | null {
  if (!(error instanceof AscApiError) || error.status !== 409) return null
  for (const e of error.errors) {
    const m = pattern.exec(e.detail)
    if (m?.[1]) return m[1]
  }
  return null
}

function describeRelease(ctx: RunContext): string {
  const { settings } = ctx.journal
  if (settings.releaseType === 'SCHEDULED') return `scheduled for ${settings.earliestReleaseDate}`
  return settings.releaseType === 'MANUAL' ? 'manual release' : 'release after approval'
}

export async function reviewStep(ctx: RunContext): Promise<void> {
  const { settings, build } = ctx.journal
  await ctx.step('review', 'App Store review', async () => {
    if (!settings.submitToAppStore) return { summary: 'not requested', skipped: true }
    if (!ctx.substepDone('version') || !ctx.ids.versionId) {
      ctx.deferred.push(`review submission: ${NOT_PROCESSED}`)
      return { summary: `review submission ${NOT_PROCESSED}`, skipped: true }
    }
    const appId = ctx.ids.appId!
    const versionId = ctx.ids.versionId
    let submittedAlready = false
    /** The chosen submission already holds this version (reused, or found after a lost journal write). */
    let holdsVersion = false

    await ctx.substep('review', 'review-submission', 'Preparing the review submission', async (resumed) => {
      const canceled = new Set(ctx.ids.canceledSubmissionIds ?? [])
      const open =
        resumed || ctx.versionsStale
          ? await ctx.api.listReviewSubmissions(appId, build.platform, [
              'READY_FOR_REVIEW',
              ...IN_PROGRESS_SUBMISSION_STATES,
            ])
          : ctx.state.submissions
      for (const s of open) {
        if (canceled.has(s.id)) continue
        const inProgress = (IN_PROGRESS_SUBMISSION_STATES as readonly string[]).includes(s.state)
        if (!inProgress && s.state !== 'READY_FOR_REVIEW') continue
        const ours = s.versionId === versionId && (s.activeItems ?? 0) > 0
        if (inProgress && ours) {
          // A previous attempt submitted it and its journal write was lost.
          ctx.ids.reviewSubmissionId = s.id
          submittedAlready = true
          return done(`already submitted (${s.state})`)
        }
        // Reuse an open one that is empty or holds only this version (Apple allows one open submission).
        if (!inProgress && (ours || (s.activeItems ?? 0) === 0)) {
          ctx.ids.reviewSubmissionId = s.id
          holdsVersion = ours
          return done(`reusing open review submission ${s.id}`)
        }
      }
      try {
        const created = await ctx.api.createReviewSubmission(appId, build.platform)
        ctx.ids.reviewSubmissionId = created.id
        holdsVersion = created.versionId === versionId && (created.activeItems ?? 0) > 0
        return done(`created review submission ${created.id}`)
      } catch (error) {
        // "There is another reviewSubmissions with id … still in progress": reuse that one when it is ours to use.
        const other = mentionedSubmission(error, /reviewSubmissions with id ([\w-]+)/)
        if (!other) throw error
        const found = await ctx.api.getReviewSubmission(other)
        const ours = found.versionId === versionId
        if (found.state !== 'READY_FOR_REVIEW' || !(ours || (found.activeItems ?? 0) === 0)) throw error
        ctx.ids.reviewSubmissionId = other
        holdsVersion = ours && (found.activeItems ?? 0) > 0
        return done(`reusing review submission ${other}`)
      }
    })

    if (submittedAlready) {
      for (const id of ['review-item', 'review-submit'] as const) {
        ctx.journal.substeps[id] = { status: 'done', at: ctx.at(), note: 'found submitted' }
      }
      await ctx.save()
    }

    await ctx.substep('review', 'review-item', `Adding version ${build.version}`, async (resumed) => {
      const submissionId = ctx.ids.reviewSubmissionId!
      if (holdsVersion) return done(`version ${build.version} is in the submission`)
      if (resumed) {
        const sub = await ctx.api.getReviewSubmission(submissionId)
        if (sub.versionId === versionId && (sub.activeItems ?? 0) > 0) {
          return done(`version ${build.version} is in the submission`)
        }
      }
      let attempt = 0
      for (;;) {
        try {
          ctx.ids.reviewItemId = await ctx.api.createReviewItem(submissionId, versionId)
          return done(`added version ${build.version}`)
        } catch (error) {
          // "appStoreVersions with id … was already added to another reviewSubmission with id Y": when Y is this
          // submission (or an open one a lost journal write forgot), the item exists: use it.
          const holder = mentionedSubmission(
            error,
            /already added to another reviewSubmission with id ([\w-]+)/,
          )
          if (holder === submissionId) return done(`version ${build.version} is in the submission`)
          if (holder) {
            const found = await ctx.api.getReviewSubmission(holder)
            if (
              found.state === 'READY_FOR_REVIEW' &&
              !(ctx.ids.canceledSubmissionIds ?? []).includes(holder)
            ) {
              ctx.ids.reviewSubmissionId = holder
              return done(`version ${build.version} is in review submission ${holder}`)
            }
          }
          // Right after a cancel Apple answers STATE_ERROR.ENTITY_STATE_INVALID for a few seconds; a few tries, then its words.
          if (!(error instanceof AscApiError && error.hasCode('STATE_ERROR')) || ++attempt >= 4) throw error
          await ctx.deps.sleep(ctx.deps.pollIntervals.initialMs * attempt, ctx.signal)
        }
      }
    })
    const submissionId = ctx.ids.reviewSubmissionId!

    const s = await ctx.substep(
      'review',
      'review-submit',
      'Submitting for App Store review',
      async (resumed) => {
        if (resumed) {
          const current = await ctx.api.getReviewSubmission(submissionId)
          if (current.state !== 'READY_FOR_REVIEW') return done(`submitted for review (${current.state})`)
        }
        const submitted = await ctx.api.submitReviewSubmission(submissionId)
        return done(`submitted for review (${submitted.state || 'WAITING_FOR_REVIEW'})`)
      },
    )
    return { summary: `version ${build.version} ${s.note}` }
  })
}
