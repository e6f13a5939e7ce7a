import { done, postponed, type RunContext, type SubstepOutcome } from '../run-context'
import { wantsBetaReview } from '../preflight'
import { isConflict, NOT_PROCESSED } from './poll'
import { together } from './together'

/**
 * TestFlight, in the order Apple needs: export compliance (a build without the answer cannot be tested), What
 * to Test and expiring the build that holds the beta review slot (the three need nothing of each other: side by
 * side), then the groups, then beta review.
 */
export async function testflightStep(ctx: RunContext): Promise<void> {
  const { settings } = ctx.journal
  await ctx.step('testflight', async () => {
    const whatToTestText = settings.whatToTest
    const [compliance, text, expire] = await together(
      () => exportCompliance(ctx),
      async () => (whatToTestText === null ? null : whatToTest(ctx, whatToTestText)),
      async () =>
        settings.expireBuildSubmittedForReview && settings.submitToTestflight ? expirePrevious(ctx) : null,
    )
    const notes: string[] = []
    if (compliance.kind !== 'postponed') notes.push(compliance.note)
    if (text) notes.push(text.note)
    if (expire) notes.push(expire.note)
    if (settings.betaGroups.length > 0) notes.push((await betaGroups(ctx)).note)
    if (wantsBetaReview(settings, ctx.live.groups)) notes.push((await betaReview(ctx)).note)
    return { summary: notes.join('; ') || 'nothing to do' }
  })
}

/** The processed build's id, or null when the run did not wait for processing. */
function processedBuild(ctx: RunContext): string | null {
  return ctx.ids.buildState === 'VALID' && ctx.ids.buildId ? ctx.ids.buildId : null
}

function exportCompliance(ctx: RunContext): Promise<SubstepOutcome> {
  return ctx.substep('testflight', 'export-compliance', 'Export compliance', async () => {
    const buildId = ctx.ids.buildId
    if (!buildId) return postponed(`export compliance: ${NOT_PROCESSED}`)
    const answer = ctx.live.exportCompliance
    const seen = ctx.lastBuild?.id === buildId ? ctx.lastBuild : null
    const current = (seen ?? (await ctx.asc.getBuild(buildId))).usesNonExemptEncryption
    if (current !== null) return done(`export compliance already answered (${current ? 'Yes' : 'No'})`)
    await ctx.asc.setExportCompliance(buildId, answer.value)
    return done(`export compliance answered: ${answer.value ? 'Yes' : 'No'} (${answer.source})`)
  })
}

function whatToTest(ctx: RunContext, text: string): Promise<SubstepOutcome> {
  return ctx.substep('testflight', 'what-to-test', 'What to Test', async (resumed) => {
    const buildId = ctx.ids.buildId
    if (!buildId) return postponed(`what to test: ${NOT_PROCESSED}`)
    const locale = ctx.ids.primaryLocale ?? ctx.run.app.primaryLocale
    const create = async (): Promise<SubstepOutcome> => {
      ctx.ids.betaLocalizationId = await ctx.asc.createBetaBuildLocalization(buildId, locale, text)
      return done(`What to Test set (${locale})`)
    }
    const update = async (): Promise<SubstepOutcome> => {
      const existing = (await ctx.asc.betaBuildLocalizations(buildId)).find((l) => l.locale === locale)
      if (!existing) return create()
      ctx.ids.betaLocalizationId = existing.id
      if (existing.whatsNew !== text)
        await ctx.asc.updateBetaBuildLocalization({ id: existing.id, buildId, locale, whatsNew: text })
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
}

function expirePrevious(ctx: RunContext): Promise<SubstepOutcome> {
  return ctx.substep(
    'testflight',
    'expire-previous',
    'Expiring the build in beta review',
    async (resumed) => {
      const buildId = processedBuild(ctx)
      if (!buildId) return postponed(`expire previous build: ${NOT_PROCESSED}`)
      const candidates = resumed
        ? await ctx.asc.buildsInBetaReview(ctx.appId, ctx.journal.build.platform)
        : ctx.live.toExpire
      // Every build in beta review, not only the oldest (Codemagic expires builds[0] and the review stays blocked).
      const targets = candidates.filter((b) => b.id !== buildId && !b.expired)
      for (const b of targets) {
        await ctx.asc.expireBuild(b.id)
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
}

function betaGroups(ctx: RunContext): Promise<SubstepOutcome> {
  const groups = ctx.live.groups
  return ctx.substep('testflight', 'beta-groups', 'Adding to beta groups', async () => {
    const buildId = processedBuild(ctx)
    if (!buildId) return postponed(`beta groups: ${NOT_PROCESSED}`)
    await ctx.asc.addBuildToGroups(
      ctx.appId,
      buildId,
      groups.map((g) => g.id),
    )
    ctx.ids.groupIds = groups.map((g) => g.id)
    return done(`added to ${groups.map((g) => g.name).join(', ')}`)
  })
}

function betaReview(ctx: RunContext): Promise<SubstepOutcome> {
  return ctx.substep('testflight', 'beta-review', 'Submitting for beta review', async (resumed) => {
    // Apple answers 422 "not in state for testing" before processing ends (Codemagic #346): never try early.
    const buildId = processedBuild(ctx)
    if (!buildId) return postponed(`beta review: ${NOT_PROCESSED}`)
    const inReview = async (): Promise<SubstepOutcome | null> => {
      const existing = await ctx.asc.betaReviewOf(buildId)
      if (!existing) return null
      ctx.ids.betaReviewSubmissionId = existing.id
      return done(`already in beta review (${existing.state})`)
    }
    if (resumed) {
      const found = await inReview()
      if (found) return found
    }
    let attempt = 0
    for (;;) {
      try {
        const sub = await ctx.asc.submitForBetaReview(buildId)
        ctx.ids.betaReviewSubmissionId = sub.id
        return done(`submitted for beta review (${sub.state || 'WAITING_FOR_REVIEW'})`)
      } catch (error) {
        if (!isConflict(error)) throw error
        const found = await inReview()
        if (found) return found
        // The build's beta details can trail its processing state by a moment: a few tries, then Apple's words.
        if (++attempt >= 4) throw error
        await ctx.deps.sleep(ctx.deps.pollIntervals.initialMs * attempt, ctx.signal)
      }
    }
  })
}
