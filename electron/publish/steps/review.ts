import { AscApiError } from '../../asc/api-error'
import type { ReviewSubmissionRecord } from '../asc-gateway'
import { IN_PROGRESS_SUBMISSION_STATES } from '../preflight'
import { done, type RunContext, type SubstepOutcome } from '../run-context'
import { journaled, NOT_PROCESSED } from './poll'

/**
 * App Store review, in the order Apple needs: a review submission (reusing an open one Apple would otherwise
 * refuse a second of), the version as its item, then submit. The submission is prepared as soon as the version
 * exists (beside its What's New and phased release, while the build may still be processing: an empty submission
 * asks nothing of the version); the item waits until the build is attached, which comes after the version's
 * attributes.
 */
export async function reviewStep(ctx: RunContext): Promise<void> {
  const { settings, build } = ctx.journal
  await ctx.step('review', async () => {
    if (!settings.submitToAppStore) return { summary: 'not requested', skipped: true }
    const ready = await ctx.versionCreated.reached()
    const versionId = ctx.ids.versionId
    if (!ready || !versionId) return notProcessed(ctx)
    const chosen = await reviewSubmission(ctx, versionId)
    if (chosen.submitted) {
      for (const id of ['review-item', 'review-submit'] as const) {
        ctx.journal.substeps[id] = { status: 'done', at: ctx.at(), note: 'found submitted' }
      }
      await ctx.save()
    }
    // Found submitted: the build went in with it.
    if (!chosen.submitted && !(await ctx.buildAttached.reached())) return notProcessed(ctx)
    await reviewItem(ctx, versionId, chosen.holdsVersion)
    const s = await submit(ctx)
    return { summary: `version ${build.version} ${s.note}` }
  })
}

function notProcessed(ctx: RunContext): { summary: string; skipped: true } {
  ctx.postpone('review', `review submission: ${NOT_PROCESSED}`)
  return { summary: `review submission ${NOT_PROCESSED}`, skipped: true }
}

/** The submission this run uses: already submitted (a lost journal write), holding the version, or neither. */
interface ChosenSubmission {
  submitted: boolean
  holdsVersion: boolean
}

function holds(s: ReviewSubmissionRecord, versionId: string): boolean {
  return s.versionId === versionId && (s.activeItems ?? 0) > 0
}

async function reviewSubmission(ctx: RunContext, versionId: string): Promise<ChosenSubmission> {
  const chosen: ChosenSubmission = { submitted: false, holdsVersion: false }
  const { platform } = ctx.journal.build
  await ctx.substep('review', 'review-submission', 'Preparing the review submission', async (resumed) => {
    const canceled = new Set(ctx.ids.canceledSubmissionIds ?? [])
    // Preflight lists them only to withdraw some; otherwise the create below finds an open one (Apple's 409 names it).
    const open =
      resumed || ctx.versionsStale
        ? await ctx.asc.listReviewSubmissions(ctx.appId, platform, [
            'READY_FOR_REVIEW',
            ...IN_PROGRESS_SUBMISSION_STATES,
          ])
        : ctx.live.submissions
    for (const s of open) {
      if (canceled.has(s.id)) continue
      const inProgress = (IN_PROGRESS_SUBMISSION_STATES as readonly string[]).includes(s.state)
      if (!inProgress && s.state !== 'READY_FOR_REVIEW') continue
      const ours = holds(s, versionId)
      if (inProgress && ours) {
        // A previous attempt submitted it and its journal write was lost.
        ctx.ids.reviewSubmissionId = s.id
        chosen.submitted = true
        return done(`already submitted (${s.state})`)
      }
      // Reuse an open one that is empty or holds only this version (Apple allows one open submission).
      if (!inProgress && (ours || (s.activeItems ?? 0) === 0)) {
        ctx.ids.reviewSubmissionId = s.id
        chosen.holdsVersion = ours
        return done(`reusing open review submission ${s.id}`)
      }
    }
    return createSubmission(ctx, versionId, chosen)
  })
  return chosen
}

async function createSubmission(
  ctx: RunContext,
  versionId: string,
  chosen: ChosenSubmission,
): Promise<SubstepOutcome> {
  try {
    const created = await ctx.asc.createReviewSubmission(ctx.appId, ctx.journal.build.platform)
    ctx.ids.reviewSubmissionId = created.id
    chosen.holdsVersion = holds(created, versionId)
    return done(`created review submission ${created.id}`)
  } catch (error) {
    // "There is another reviewSubmissions with id … still in progress": reuse that one when it is ours to use.
    const other = mentionedSubmission(error, /reviewSubmissions with id ([\w-]+)/)
    if (!other) throw error
    const found = await ctx.asc.getReviewSubmission(other)
    const ours = found.versionId === versionId
    if (found.state !== 'READY_FOR_REVIEW' || !(ours || (found.activeItems ?? 0) === 0)) throw error
    ctx.ids.reviewSubmissionId = other
    chosen.holdsVersion = ours && (found.activeItems ?? 0) > 0
    return done(`reusing review submission ${other}`)
  }
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

function reviewItem(ctx: RunContext, versionId: string, holdsVersion: boolean): Promise<SubstepOutcome> {
  const { build } = ctx.journal
  return ctx.substep('review', 'review-item', `Adding version ${build.version}`, async (resumed) => {
    const submissionId = journaled(ctx.ids.reviewSubmissionId, 'review submission id')
    if (holdsVersion) return done(`version ${build.version} is in the submission`)
    if (resumed && holds(await ctx.asc.getReviewSubmission(submissionId), versionId)) {
      return done(`version ${build.version} is in the submission`)
    }
    let attempt = 0
    for (;;) {
      try {
        ctx.ids.reviewItemId = await ctx.asc.createReviewItem(submissionId, versionId)
        return done(`added version ${build.version}`)
      } catch (error) {
        const held = await heldElsewhere(ctx, error, submissionId)
        if (held) return held
        // Right after a cancel Apple answers STATE_ERROR.ENTITY_STATE_INVALID for a few seconds; a few tries, then its
        // words. One that lists what is missing (associated errors) will not pass by waiting.
        const passing =
          error instanceof AscApiError &&
          error.hasCode('STATE_ERROR') &&
          error.associatedErrors().length === 0
        if (!passing || ++attempt >= 4) throw error
        await ctx.deps.sleep(ctx.deps.pollIntervals.initialMs * attempt, ctx.signal)
      }
    }
  })
}

/**
 * "appStoreVersions with id … was already added to another reviewSubmission with id Y": when Y is this
 * submission (or an open one a lost journal write forgot), the item exists: use it.
 */
async function heldElsewhere(
  ctx: RunContext,
  error: unknown,
  submissionId: string,
): Promise<SubstepOutcome | null> {
  const { build } = ctx.journal
  const holder = mentionedSubmission(error, /already added to another reviewSubmission with id ([\w-]+)/)
  if (holder === submissionId) return done(`version ${build.version} is in the submission`)
  if (!holder) return null
  const found = await ctx.asc.getReviewSubmission(holder)
  if (found.state !== 'READY_FOR_REVIEW' || (ctx.ids.canceledSubmissionIds ?? []).includes(holder))
    return null
  ctx.ids.reviewSubmissionId = holder
  return done(`version ${build.version} is in review submission ${holder}`)
}

function submit(ctx: RunContext): Promise<SubstepOutcome> {
  return ctx.substep('review', 'review-submit', 'Submitting for App Store review', async (resumed) => {
    const submissionId = journaled(ctx.ids.reviewSubmissionId, 'review submission id')
    if (resumed) {
      const current = await ctx.asc.getReviewSubmission(submissionId)
      if (current.state !== 'READY_FOR_REVIEW') return done(`submitted for review (${current.state})`)
    }
    const submitted = await ctx.asc.submitReviewSubmission(submissionId)
    return done(`submitted for review (${submitted.state || 'WAITING_FOR_REVIEW'})`)
  })
}
