import { AscentError } from '../../../shared/errors'
import { whatsNewFor, type ReleaseType } from '../../../shared/release-settings'
import type { VersionAttributes, VersionRecord } from '../asc-gateway'
import { formatDuration } from '../plan'
import { IN_PROGRESS_SUBMISSION_STATES, planVersion } from '../preflight'
import { done, type RunContext, type StepResult, type SubstepOutcome } from '../run-context'
import { pushMetadataFolder } from './metadata'
import { journaled, NOT_PROCESSED, poll } from './poll'
import { together } from './together'

/**
 * The App Store version, in the order Apple needs: withdraw a submission in review (when asked) so the version
 * can be edited, the version with its attributes, its What's New, phased release, the App Store information of a
 * deliver folder (before the review submission, which needs it complete), then the build once it is processed.
 * All but the build go on while the build uploads and is processed (Apple takes a version without a build), once
 * App Store Connect took the upload; unless a submission in review must be withdrawn first: that waits until the
 * build is known to be good.
 */
export async function appStoreVersionStep(ctx: RunContext): Promise<void> {
  try {
    await ctx.step('app-store', () => appStoreVersion(ctx))
  } catch (error) {
    ctx.versionCreated.fail()
    ctx.buildAttached.fail()
    throw error
  }
  // Also when an earlier attempt did the step (it is not run again) or it was left for a later run. A step done
  // has its build: a run journaled before version-build existed attached it with the version.
  const stepDone = ctx.journal.steps.some((s) => s.step === 'app-store' && s.status === 'done')
  ctx.versionCreated.open(ctx.substepDone('version'))
  ctx.buildAttached.open(ctx.substepDone('version-build') || stepDone)
}

async function appStoreVersion(ctx: RunContext): Promise<StepResult> {
  const { settings } = ctx.journal
  if (!settings.submitToAppStore) return { summary: 'not requested', skipped: true }
  if (early(ctx)) await ctx.uploadAccepted.reached()
  else if (!(await ctx.processed.reached())) return notProcessed(ctx)
  const notes: string[] = []
  if (settings.cancelPreviousSubmissions) notes.push((await cancelPrevious(ctx)).note)
  notes.push((await version(ctx)).note)
  ctx.versionCreated.open(true)
  // Preflight of this attempt read whether the version is an update (it refused an update without notes).
  const update = ctx.live.releaseNotes?.update ?? true
  const { whatsNew: given, phasedRelease: phased } = settings
  // Both only need the version, not each other: side by side.
  const [w, p] = await together(
    async () => (given === null ? null : (await whatsNew(ctx, given, update)).note),
    async () =>
      phased === null ? 'phased release kept as it was' : (await phasedRelease(ctx, phased, update)).note,
  )
  if (w !== null) notes.push(w)
  notes.push(p)
  // The folder after What's New: both may write the version's localizations.
  if (settings.metadataPath !== null) notes.push((await pushMetadataFolder(ctx, settings.metadataPath)).note)
  if (!(await ctx.processed.reached())) return notProcessed(ctx)
  const attached = await attachBuild(ctx, journaled(ctx.ids.buildId, 'build id'))
  if (attached.kind === 'done' && attached.note) notes.push(attached.note)
  return { summary: notes.join('; ') }
}

/**
 * The version is set up while the build uploads and is processed, unless a submission in review must be withdrawn
 * first (withdrawing it is not undone: it waits until the build is known to be good), or the run does not wait for
 * processing (the version waits for a later run that has the build).
 */
function early(ctx: RunContext): boolean {
  const { settings, options, substeps } = ctx.journal
  const canceling =
    settings.cancelPreviousSubmissions &&
    (ctx.live.toCancel.length > 0 || substeps['cancel-previous']?.status === 'started')
  return !canceling && options.processingTimeoutMs > 0
}

function notProcessed(ctx: RunContext): StepResult {
  ctx.postpone('app-store', `App Store version: ${NOT_PROCESSED}`)
  return { summary: `App Store version ${NOT_PROCESSED}`, skipped: true }
}

function cancelPrevious(ctx: RunContext): Promise<SubstepOutcome> {
  const { platform } = ctx.journal.build
  return ctx
    .substep('app-store', 'cancel-previous', 'Canceling previous review submissions', async (resumed) => {
      const own = ctx.ids.reviewSubmissionId
      const targets = resumed
        ? (
            await ctx.asc.listReviewSubmissions(ctx.appId, platform, [
              ...IN_PROGRESS_SUBMISSION_STATES,
              'CANCELING',
            ])
          ).filter((s) => s.id !== own)
        : ctx.live.toCancel
      if (targets.length === 0) return done('no submission in review to cancel')
      for (const s of targets) {
        if (s.state !== 'CANCELING') await ctx.asc.cancelReviewSubmission(s.id)
        ctx.ids.canceledSubmissionIds = [...new Set([...(ctx.ids.canceledSubmissionIds ?? []), s.id])]
        await ctx.save()
      }
      const ids = new Set(targets.map((s) => s.id))
      await waitForCanceled(ctx, ids)
      ctx.versionsStale = true
      return done(`canceled review submission ${[...ids].join(', ')}`)
    })
    .then((r) => {
      if (r.kind === 'done' && (ctx.ids.canceledSubmissionIds?.length ?? 0) > 0) ctx.versionsStale = true
      return r
    })
}

/** A version in review cannot be edited until the cancel completes: wait it out (Codemagic gives up after 120 s and carries on). */
async function waitForCanceled(ctx: RunContext, ids: ReadonlySet<string>): Promise<void> {
  const { platform } = ctx.journal.build
  await poll(
    ctx,
    ctx.deps.cancelTimeoutMs,
    async () => {
      const canceling = (await ctx.asc.listReviewSubmissions(ctx.appId, platform, ['CANCELING'])).filter(
        (s) => ids.has(s.id),
      )
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
}

/** The build, when it is already processed (a version set up after processing carries it: one call, not two). */
function processedBuildId(ctx: RunContext): string | null {
  return ctx.ids.buildState === 'VALID' ? (ctx.ids.buildId ?? null) : null
}

function version(ctx: RunContext): Promise<SubstepOutcome> {
  const { build } = ctx.journal
  return ctx.substep('app-store', 'version', `Setting up version ${build.version}`, async (resumed) => {
    const versions =
      resumed || ctx.versionsStale ? await ctx.asc.listVersions(ctx.appId, build.platform) : ctx.live.versions
    const decided = planVersion(build.version, versions, false, ctx.ids.versionId)
    if ('problem' in decided) throw new AscentError('ASC_ERROR', decided.problem.message)
    const plan = decided.plan
    if (plan.kind === 'done') return done(`version ${build.version} ready`)
    const buildId = processedBuildId(ctx)
    const withBuild = buildId ? ` with build ${build.buildNumber}` : ''
    if (plan.kind === 'create') {
      // The create carries the build relationship when there is one (Apple's AppStoreVersionCreateRequest allows it).
      const created = await ctx.asc.createVersion(
        ctx.appId,
        build.platform,
        { ...desiredAttributes(ctx, null, true), versionString: build.version },
        buildId,
      )
      ctx.ids.versionId = created.id
      ctx.ids.versionCreated = true
      if (buildId) ctx.ids.versionBuildId = buildId
      return done(`created version ${build.version} (${describeRelease(ctx)})${withBuild}`)
    }
    const current = plan.version
    ctx.ids.versionId = current.id
    await ctx.save()
    const attributes = desiredAttributes(ctx, current, plan.rename)
    // One PATCH sets the attributes and attaches the build (Codemagic does the same; fastlane sends two).
    if (buildId || Object.keys(attributes).length > 0)
      await ctx.asc.updateVersion(current.id, attributes, buildId)
    if (buildId) ctx.ids.versionBuildId = buildId
    return done(
      `${plan.rename ? `renamed version ${current.versionString} to ${build.version}` : `updated version ${build.version}`} (${describeRelease(ctx)})${buildId ? `, build ${build.buildNumber} attached` : ''}`,
    )
  })
}

/** The processed build onto the version (unless the version step sent it along). */
function attachBuild(ctx: RunContext, buildId: string): Promise<SubstepOutcome> {
  const { build } = ctx.journal
  return ctx.substep('app-store', 'version-build', `Attaching build ${build.buildNumber}`, async () => {
    if (ctx.ids.versionBuildId === buildId) return done('')
    // Attaching the same build again changes nothing: a resumed attempt sends it again instead of looking first.
    await ctx.asc.updateVersion(journaled(ctx.ids.versionId, 'version id'), {}, buildId)
    ctx.ids.versionBuildId = buildId
    return done(`build ${build.buildNumber} attached to version ${build.version}`)
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

function describeRelease(ctx: RunContext): string {
  const { settings } = ctx.journal
  if (settings.releaseType === 'SCHEDULED') return `scheduled for ${settings.earliestReleaseDate}`
  return settings.releaseType === 'MANUAL' ? 'manual release' : 'release after approval'
}

function whatsNew(
  ctx: RunContext,
  given: NonNullable<RunContext['journal']['settings']['whatsNew']>,
  update: boolean,
): Promise<SubstepOutcome> {
  return ctx.substep('app-store', 'whats-new', 'What’s New', async (resumed) => {
    if (!update) return done('What’s New not sent (a first version takes no release notes)')
    const versionId = journaled(ctx.ids.versionId, 'version id')
    // Preflight read the localizations of a version that already existed; one created just now has copied
    // its localizations under new ids, read after the version step.
    const plan = ctx.live.versionPlan
    const known =
      !resumed && plan?.kind === 'update' && plan.version.id === versionId ? ctx.live.releaseNotes : null
    const localizations = known?.localizations ?? (await ctx.asc.versionLocalizations(versionId))
    const set: string[] = []
    for (const l of localizations) {
      const text = whatsNewFor(given, l.locale)
      if (text === null || text === l.whatsNew) continue
      await ctx.asc.setWhatsNew(l.id, text)
      set.push(l.locale)
    }
    const all = localizations.map((l) => l.locale).join(', ')
    return done(set.length > 0 ? `What’s New set (${set.join(', ')})` : `What’s New already set (${all})`)
  })
}

function phasedRelease(ctx: RunContext, want: boolean, update: boolean): Promise<SubstepOutcome> {
  return ctx.substep('app-store', 'phased-release', 'Phased release', async (resumed) => {
    if (want && !update) return done('phased release not turned on (a first version goes to everyone)')
    const versionId = journaled(ctx.ids.versionId, 'version id')
    // A version this run created cannot have a phased release it did not make: no need to look.
    const current = ctx.ids.versionCreated && !resumed ? null : await ctx.asc.phasedReleaseOf(versionId)
    if (want && current === null) {
      ctx.ids.phasedReleaseId = await ctx.asc.createPhasedRelease(versionId)
      return done('phased release on (7-day rollout)')
    }
    if (want && current !== null) {
      ctx.ids.phasedReleaseId = current.id
      return done('phased release already on')
    }
    if (current !== null) {
      await ctx.asc.deletePhasedRelease(versionId, current.id)
      return done('phased release turned off')
    }
    return done('phased release already off')
  })
}
