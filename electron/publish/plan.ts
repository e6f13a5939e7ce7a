import { formatBytes } from '../../shared/format-bytes'
import type { BuildSummary, Problem } from '../../shared/build-summary'
import type { AppInfo, PlanStep, PublishOptions, PublishPlan } from '../../shared/ipc'
import { STEP_TITLES } from '../../shared/publish-events'
import { parseReleaseDate, formatUtc } from '../../shared/release-date'
import { whatsNewFor, type ReleaseSettings } from '../../shared/release-settings'
import type { SubstepId, SubstepRecord } from './journal'
import { ASC_WEB } from './links'
import { wantsBetaReview, type LiveState } from './preflight'

export interface PlanInput {
  readonly build: BuildSummary
  readonly settings: ReleaseSettings
  readonly options: PublishOptions
  readonly live: LiveState
  readonly problems: readonly Problem[]
  readonly resumesRunId: string | null
  readonly substeps?: Partial<Record<SubstepId, SubstepRecord>>
  /** The upload method the uploader factory will use for `auto` here. */
  readonly autoMethod?: 'api' | 'altool'
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000} h`
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`
  return `${Math.round(ms / 1000)} s`
}

const releaseTypeText = {
  MANUAL: 'manually',
  AFTER_APPROVAL: 'automatically after approval',
  SCHEDULED: 'scheduled',
}

/** The plan as a person reads it: one sentence per action, against what App Store Connect holds now. */
export function buildPlan(input: PlanInput): PublishPlan {
  const { build, settings, live } = input
  const steps: PlanStep[] = [
    { step: 'preflight', title: STEP_TITLES.preflight, actions: preflightActions(input), skipped: false },
    { step: 'upload', title: STEP_TITLES.upload, actions: uploadActions(input), skipped: false },
    {
      step: 'processing',
      title: STEP_TITLES.processing,
      actions: processingActions(input),
      skipped: false,
    },
    {
      step: 'testflight',
      title: STEP_TITLES.testflight,
      actions: testflightActions(input),
      skipped: false,
    },
    {
      step: 'app-store',
      title: STEP_TITLES['app-store'],
      actions: settings.submitToAppStore ? appStoreActions(input) : [],
      skipped: !settings.submitToAppStore,
    },
    {
      step: 'review',
      title: STEP_TITLES.review,
      actions: settings.submitToAppStore
        ? [
            `Add version ${build.version} to a review submission (reusing an empty open one) and submit it for review`,
          ]
        : [],
      skipped: !settings.submitToAppStore,
    },
  ]
  return {
    build,
    app: appInfo(input),
    steps,
    problems: [...input.problems],
    resumesRunId: input.resumesRunId,
    releaseNotes: live.releaseNotes
      ? {
          update: live.releaseNotes.update,
          locales: [...live.releaseNotes.locales],
          present: live.releaseNotes.localizations
            .filter((l) => (l.whatsNew ?? '').trim() !== '')
            .map((l) => l.locale),
        }
      : null,
  }
}

function preflightActions({ build, live, problems }: PlanInput): string[] {
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) return errors.map((p) => p.message)
  return [
    live.app
      ? `App record ${live.app.name} (${live.app.id}) for ${build.bundleId} (${build.platform})`
      : `Look up ${build.bundleId}`,
    `Build ${build.version} (${build.buildNumber}) is ${live.existingBuild ? 'already uploaded from this file' : 'not in App Store Connect yet'}`,
  ]
}

function uploadActions({ build, options, substeps, autoMethod }: PlanInput): string[] {
  const status = substeps?.upload?.status
  if (status === 'done' || status === 'skipped') return ['Already uploaded from this file']
  const method = options.uploadMethod === 'auto' ? (autoMethod ?? 'api') : options.uploadMethod
  const methodText = method === 'altool' ? 'xcrun altool' : 'the App Store Connect Build Upload API'
  return [
    `Upload ${build.file.split(/[\\/]/).pop() ?? build.file} (${formatBytes(build.sizeBytes)}) with ${methodText}`,
  ]
}

function processingActions({ options }: PlanInput): string[] {
  return options.processingTimeoutMs > 0
    ? [
        `Wait until App Store Connect has processed the build (up to ${formatDuration(options.processingTimeoutMs)})`,
      ]
    : [
        'Do not wait for processing (timeout 0): steps that need a processed build (groups, beta review, App Store, review) are skipped unless it is already processed',
      ]
}

function testflightActions({ settings, live }: PlanInput): string[] {
  const tf: string[] = []
  const compliance = live.exportCompliance
  tf.push(
    `Export compliance: uses non-exempt encryption = ${compliance.value ? 'Yes' : 'No'} (${compliance.source === 'Info.plist' ? 'from Info.plist' : 'from the settings; Info.plist has no ITSAppUsesNonExemptEncryption'})`,
  )
  if (settings.whatToTest !== null) {
    tf.push(`What to Test (${live.app?.primaryLocale ?? 'en-US'}): “${truncate(settings.whatToTest, 80)}”`)
  }
  if (settings.expireBuildSubmittedForReview && settings.submitToTestflight) {
    tf.push(
      live.toExpire.length > 0
        ? `Expire ${live.toExpire.map((b) => `build ${b.buildNumber}`).join(', ')} (in beta review) to make room for this one`
        : 'Expire the build in beta review, if any (none now)',
    )
  }
  if (live.groups.length > 0) {
    tf.push(
      `Add to ${live.groups.map((g) => `${g.name} (${g.isInternal ? 'internal' : 'external'})`).join(', ')}`,
    )
  } else if (settings.betaGroups.length > 0) {
    tf.push(`Add to ${settings.betaGroups.join(', ')}`)
  }
  if (wantsBetaReview(settings, live.groups)) tf.push('Submit for TestFlight beta review (once processed)')
  return tf
}

function appStoreActions({ build, settings, live }: PlanInput): string[] {
  const as: string[] = []
  const plan = live.versionPlan
  for (const s of live.toCancel) {
    as.push(`Cancel review submission ${s.id} (${s.state}) and wait until App Store Connect has canceled it`)
  }
  if (plan?.kind === 'create') as.push(`Create version ${build.version} (${build.platform})`)
  if (plan?.kind === 'update') {
    const canceled = plan.afterCancel ? ', editable once canceled' : ''
    as.push(
      plan.rename
        ? `Rename open version ${plan.version.versionString} (${plan.version.state}${canceled}) to ${build.version}`
        : `Update version ${plan.version.versionString} (${plan.version.state}${canceled})`,
    )
  }
  if (plan?.kind === 'done') as.push(`Version ${build.version} is already set up by this run`)
  as.push(releaseText(settings))
  if (settings.copyright !== null) as.push(`Copyright: ${settings.copyright}`)
  as.push(`Attach build ${build.buildNumber}`)
  as.push(...whatsNewText(settings, live, build.version))
  const first = live.releaseNotes !== null && !live.releaseNotes.update
  as.push(
    settings.phasedRelease === null
      ? 'Phased release: keep as it is'
      : settings.phasedRelease && first
        ? `Phased release: not turned on (${build.version} is the first version; phased release is for updates)`
        : settings.phasedRelease
          ? 'Phased release: on (7-day rollout, starts on release)'
          : 'Phased release: off (everyone at once)',
  )
  return as
}

function appInfo({ build, live }: PlanInput): AppInfo | null {
  if (!live.app) return null
  return {
    id: live.app.id,
    name: live.app.name,
    bundleId: live.app.bundleId,
    platforms: [build.platform],
    currentVersion: currentVersion(live),
    suggestedCopyright: currentVersion(live)?.copyright ?? null,
    link: `${ASC_WEB}/apps/${live.app.id}`,
  }
}

/** The What's New lines of the plan: the text per locale on an update, "not sent" on a first version. */
function whatsNewText(settings: ReleaseSettings, live: LiveState, version: string): string[] {
  const notes = live.releaseNotes
  if (notes === null) return []
  if (!notes.update) {
    return settings.whatsNew === null
      ? []
      : [`What’s New: not sent (${version} is the first version; release notes are for updates)`]
  }
  const existing = new Map(notes.localizations.map((l) => [l.locale, l.whatsNew]))
  const lines: string[] = []
  let same: { text: string; locales: string[] } | null = null
  for (const locale of notes.locales) {
    const given = whatsNewFor(settings.whatsNew, locale)
    const text = given ?? existing.get(locale) ?? null
    if (text === null) continue
    if (typeof settings.whatsNew === 'string' && given !== null) {
      same = same ?? { text, locales: [] }
      same.locales.push(locale)
    } else
      lines.push(`What’s New (${locale}${given === null ? ', already set' : ''}): “${truncate(text, 80)}”`)
  }
  if (same) lines.unshift(`What’s New (${same.locales.join(', ')}): “${truncate(same.text, 80)}”`)
  return lines
}

function currentVersion(live: LiveState): AppInfo['currentVersion'] {
  const v = live.versionPlan?.kind === 'update' ? live.versionPlan.version : live.versions[0]
  return v ? { id: v.id, versionString: v.versionString, state: v.state, copyright: v.copyright } : null
}

function releaseText(settings: ReleaseSettings): string {
  if (settings.releaseType === 'SCHEDULED' && settings.earliestReleaseDate) {
    const parsed = parseReleaseDate(settings.earliestReleaseDate)
    return `Release: scheduled, not before ${settings.earliestReleaseDate}${parsed.ok ? ` (${formatUtc(parsed.epochMs)})` : ''}`
  }
  return `Release: ${releaseTypeText[settings.releaseType]}`
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine
}
