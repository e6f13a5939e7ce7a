import { AscentError } from '../../../shared/errors'
import type { BuildRecord } from '../asc-gateway'
import { formatDuration } from '../plan'
import { done, postponed, type RunContext } from '../run-context'
import { poll } from './poll'

/** Waits (with backoff, up to the processing timeout) until App Store Connect has processed the build. */
export async function processingStep(ctx: RunContext): Promise<void> {
  const build = ctx.journal.build
  const timeoutMs = ctx.journal.options.processingTimeoutMs
  await ctx.step('processing', async () => {
    const outcome = await ctx.substep(
      'processing',
      'processing',
      'Waiting for App Store Connect to process the build',
      async () => {
        if (ctx.ids.buildState === 'VALID') return done('processed (VALID)')
        const look = (): Promise<BuildRecord | null> => lookAtBuild(ctx)
        const seen = seenLately(ctx)
        if (ctx.lastBuild && ctx.lastBuild.id === ctx.ids.buildId) refuseUnprocessable(ctx, ctx.lastBuild)
        if (timeoutMs === 0) {
          const record = seen === null ? await look() : null
          return record
            ? done('processed (VALID)')
            : postponed(`not waited for processing (timeout 0): ${ctx.ids.buildState ?? 'not listed yet'}`)
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
          {
            ...(ctx.processingSince !== null ? { since: ctx.processingSince } : {}),
            ...(seen !== null ? { lookedAt: seen } : {}),
          },
        )
        return done('processed (VALID)')
      },
    )
    return {
      summary: outcome.kind === 'postponed' ? outcome.note : `build ${build.buildNumber} processed (VALID)`,
    }
  })
}

/**
 * When the upload's last answer (or preflight) showed the build not yet processed, and the looks are already far
 * apart (a long processing), the first look waits its turn instead of asking again at once; early on a look
 * right away costs one round trip and often finds the build processed. Null: look now.
 */
function seenLately(ctx: RunContext): number | null {
  const seenAt = ctx.lastBuild?.id === ctx.ids.buildId ? ctx.lastBuildAt : null
  if (seenAt === null) return null
  const { initialMs, maxMs } = ctx.deps.pollIntervals
  return seenAt - (ctx.processingSince ?? seenAt) + initialMs >= maxMs ? seenAt : null
}

/** One look at the build: its record when VALID, null while App Store Connect is still at it; FAILED/INVALID end the run. */
async function lookAtBuild(ctx: RunContext): Promise<BuildRecord | null> {
  const build = ctx.journal.build
  let record: BuildRecord | null
  if (ctx.ids.buildId) record = await ctx.asc.getBuild(ctx.ids.buildId)
  else {
    record =
      (await ctx.asc.findBuilds(ctx.appId, build.version, build.buildNumber, build.platform))[0] ?? null
    if (record) ctx.ids.buildId = record.id
  }
  ctx.sawBuild(record)
  const state = record?.processingState ?? 'NOT_VISIBLE_YET'
  ctx.ids.buildState = record?.processingState
  ctx.progress('processing', {
    state,
    message: record
      ? `build ${build.buildNumber} is ${state}`
      : 'App Store Connect does not list the build yet',
  })
  if (record) refuseUnprocessable(ctx, record)
  return record && state === 'VALID' ? record : null
}

/** FAILED or INVALID: App Store Connect will not process this build; waiting longer changes nothing. */
function refuseUnprocessable(ctx: RunContext, record: BuildRecord): void {
  const state = record.processingState
  if (state !== 'FAILED' && state !== 'INVALID') return
  throw new AscentError(
    'ASC_ERROR',
    `App Store Connect could not process build ${ctx.journal.build.buildNumber} (${state}): Apple's email to the account holder says why; fix it and upload a new build number`,
  )
}
