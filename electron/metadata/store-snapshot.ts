import { findAppByBundleId } from '../asc/apps'
import { readAppInfoDetails, type AppInfo, type AppInfoLocalization } from '../asc/app-infos'
import type { AscClient } from '../asc/client'
import { EDITABLE_VERSION_STATES, type Platform } from '../asc/enums'
import type { ReviewDetail } from '../asc/review-details'
import {
  readAvailability,
  readContentRights,
  readPriceSchedule,
  type RequirementState,
} from '../asc/sale-requirements'
import { listScreenshotSetsWithShots, type ScreenshotSetWithShots } from '../asc/screenshots'
import { readVersionDetails, type VersionDetails } from '../asc/version-details'
import { highestVersion, isUpdate } from '../asc/version-order'
import type { VersionText } from '../asc/version-localizations'
import { listAppStoreVersions, type AppStoreVersion } from '../asc/versions'
import { AscentError } from '../../shared/errors'

/** Everything App Store Connect shows about one version's readiness, read in a few parallel rounds. */
export interface StoreSnapshot {
  readonly app: {
    readonly id: string
    readonly bundleId: string
    readonly name: string
    readonly primaryLocale: string
  }
  readonly platform: Platform
  readonly versionString: string
  /** The version itself; null when it does not exist yet (publish creates it, from the previous one). */
  readonly version: AppStoreVersion | null
  /** A lower version of the platform went on sale: What's New is required (and forbidden otherwise). */
  readonly update: boolean
  /**
   * Where the version's text, screenshots and review contact come from: the version itself, the previous
   * version it will copy, or nothing (no version of the platform exists yet).
   */
  readonly versionSource: 'version' | 'previous' | 'none'
  readonly appInfo: AppInfo | null
  readonly appInfoLocalizations: readonly AppInfoLocalization[]
  readonly primaryCategory: string | null
  /** The version's localizations; for a version not created yet, the ones it will copy (What's New empty). */
  readonly versionTexts: readonly VersionText[]
  /** Screenshot sets per version locale, each with its screenshots in order. */
  readonly screenshots: ReadonlyMap<string, readonly ScreenshotSetWithShots[]>
  readonly reviewDetail: ReviewDetail | null
  readonly contentRights: RequirementState
  readonly priceSchedule: RequirementState
  readonly availability: RequirementState
  /** null when this App Store Connect does not show the questionnaire. */
  readonly ageRatingUnanswered: readonly string[] | null
}

/** A screenshot set with its screenshots in order. */
export type SetWithShots = ScreenshotSetWithShots

export interface VersionChoice {
  readonly versionString?: string
  readonly platform?: Platform
  /**
   * The version judged when the platform has none and none is named: a readiness check looks at the first
   * version to come (App Store Connect names a new app's first version 1.0), and a push creates it.
   */
  readonly firstVersion?: string
}

/**
 * Which version a metadata command is for: the one named (with --app-version), else the platform's editable
 * version, else the newest one. A named version that does not exist is the one publish would create.
 */
function chooseVersion(
  versions: readonly AppStoreVersion[],
  choice: VersionChoice,
  bundleId: string,
): { version: AppStoreVersion | null; versionString: string; platform: Platform } {
  const onPlatform = (p: Platform | 'UNKNOWN' | null): boolean =>
    choice.platform === undefined || p === choice.platform
  const candidates = versions.filter((v) => onPlatform(v.platform))
  if (choice.versionString !== undefined) {
    const found = candidates.find((v) => v.versionString === choice.versionString) ?? null
    const platform = (found?.platform as Platform | undefined) ?? choice.platform ?? 'IOS'
    return { version: found, versionString: choice.versionString, platform }
  }
  const editable = candidates.find((v) =>
    (EDITABLE_VERSION_STATES as readonly string[]).includes(v.state ?? ''),
  )
  const chosen = editable ?? highestVersion(candidates.map((v) => ({ ...v, state: v.state ?? '' })))
  if (!chosen && choice.firstVersion !== undefined)
    return { version: null, versionString: choice.firstVersion, platform: choice.platform ?? 'IOS' }
  if (!chosen)
    throw new AscentError(
      'NOT_FOUND',
      `${bundleId} has no App Store version yet: name the one you are preparing with --app-version (for example --app-version 1.0)`,
    )
  const version = candidates.find((v) => v.id === chosen.id) ?? null
  return {
    version,
    versionString: chosen.versionString,
    platform: (chosen.platform as Platform | null) ?? 'IOS',
  }
}

/** The screenshot sets of each locale read (one call per locale: the sets come with their screenshots). */
async function readScreenshots(
  client: AscClient,
  texts: readonly VersionText[],
  signal: AbortSignal | undefined,
): Promise<Map<string, readonly ScreenshotSetWithShots[]>> {
  const perLocale = await Promise.all(
    texts.map(async (t) => [t.locale, await listScreenshotSetsWithShots(client, t.id, { signal })] as const),
  )
  return new Map(perLocale)
}

/**
 * What the caller read already (publish's preflight looks the app up with its versions included): the app and,
 * when known, its versions on the platform. null: not read, look it up here.
 */
export interface KnownApp {
  readonly app: {
    readonly id: string
    readonly bundleId: string
    readonly name: string
    readonly primaryLocale: string
  }
  readonly versions: readonly AppStoreVersion[] | null
  /** Whether the app declared its content rights, when its lookup carried the attribute. */
  readonly contentRights?: RequirementState
}

export interface SnapshotOptions {
  readonly signal?: AbortSignal
  readonly known?: Promise<KnownApp | null>
  /** Reads a version's text and review contact; a caller that reads them too passes one reader to both. */
  readonly versionDetails?: (versionId: string) => Promise<VersionDetails>
  /**
   * Only what the readiness check judges: the screenshots of the locale it judges them in (the primary one, else
   * the first), and no price or availability for an update (an app that went on sale has both, and neither can be
   * removed in a way App Review refuses an update for).
   */
  readonly readinessOnly?: boolean
}

/** Resolves the app by bundle id and reads its App Store information for one version. */
export async function readStoreSnapshot(
  client: AscClient,
  bundleId: string,
  choice: VersionChoice = {},
  options: SnapshotOptions = {},
): Promise<StoreSnapshot> {
  const signal = options.signal
  const known = (await options.known) ?? null
  const found = known?.app ?? (await findAppByBundleId(client, bundleId, { signal }))
  if (!found)
    throw new AscentError(
      'NOT_FOUND',
      `no app with bundle id ${bundleId} in App Store Connect: check the bundle id and the key’s team`,
    )
  const app = {
    id: found.id,
    bundleId: found.bundleId,
    name: found.name,
    primaryLocale: found.primaryLocale ?? 'en-US',
  }
  const details = options.versionDetails ?? ((id: string) => readVersionDetails(client, id, { signal }))
  const versionPick = (async () => {
    const versions = known?.versions ?? (await listAppStoreVersions(client, app.id, { signal }))
    const picked = chooseVersion(versions, choice, bundleId)
    const samePlatform = versions
      .filter((v) => v.platform === picked.platform)
      .map((v) => ({ ...v, state: v.state ?? '' }))
    const others = samePlatform.filter((v) => v.id !== picked.version?.id)
    // A new version starts with the previous version's localizations, screenshots and review contact.
    const source = picked.version ?? versions.find((v) => v.id === highestVersion(samePlatform)?.id) ?? null
    return { ...picked, source, update: isUpdate(picked.versionString, others) }
  })()
  const versionLevel = (async () => {
    const { source, ...picked } = await versionPick
    const { texts, reviewDetail } = source ? await details(source.id) : { texts: [], reviewDetail: null }
    const versionTexts = picked.version ? texts : texts.map((t) => ({ ...t, whatsNew: null }))
    const judged = texts.find((t) => t.locale === app.primaryLocale) ?? texts[0]
    const screenshots = await readScreenshots(
      client,
      options.readinessOnly ? (judged ? [judged] : []) : texts,
      signal,
    )
    const versionSource: StoreSnapshot['versionSource'] = picked.version
      ? 'version'
      : source
        ? 'previous'
        : 'none'
    return { ...picked, versionSource, versionTexts, reviewDetail, screenshots }
  })()
  const saleRows = (async (): Promise<readonly [RequirementState, RequirementState]> => {
    if (options.readinessOnly && (await versionPick).update) return ['unknown', 'unknown']
    return Promise.all([
      readPriceSchedule(client, app.id, { signal }),
      readAvailability(client, app.id, { signal }),
    ])
  })()
  const [level, ver, contentRights, [priceSchedule, availability]] = await Promise.all([
    readAppInfoDetails(client, app.id, { signal }),
    versionLevel,
    known?.contentRights ?? readContentRights(client, app.id, { signal }),
    saleRows,
  ])
  return {
    app,
    platform: ver.platform,
    versionString: ver.versionString,
    version: ver.version,
    update: ver.update,
    versionSource: ver.versionSource,
    appInfo: level.info,
    appInfoLocalizations: level.localizations,
    primaryCategory: level.primaryCategory,
    versionTexts: ver.versionTexts,
    screenshots: ver.screenshots,
    reviewDetail: ver.reviewDetail,
    contentRights,
    priceSchedule,
    availability,
    ageRatingUnanswered: level.ageRatingUnanswered,
  }
}
