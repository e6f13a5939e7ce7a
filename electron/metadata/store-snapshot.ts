import { findAppByBundleId } from '../asc/apps'
import {
  editableAppInfo,
  getPrimaryCategory,
  listAppInfoLocalizations,
  listAppInfos,
  type AppInfo,
  type AppInfoLocalization,
} from '../asc/app-infos'
import type { AscClient } from '../asc/client'
import { EDITABLE_VERSION_STATES, type Platform } from '../asc/enums'
import { getReviewDetail, type ReviewDetail } from '../asc/review-details'
import {
  readAvailability,
  readContentRights,
  readPriceSchedule,
  readUnansweredAgeRating,
  type RequirementState,
} from '../asc/sale-requirements'
import { listScreenshots, listScreenshotSets, type Screenshot, type ScreenshotSet } from '../asc/screenshots'
import { highestVersion, isUpdate } from '../asc/version-order'
import { listVersionTexts, type VersionText } from '../asc/version-localizations'
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
  readonly screenshots: ReadonlyMap<string, readonly SetWithShots[]>
  readonly reviewDetail: ReviewDetail | null
  readonly contentRights: RequirementState
  readonly priceSchedule: RequirementState
  readonly availability: RequirementState
  /** null when this App Store Connect does not show the questionnaire. */
  readonly ageRatingUnanswered: readonly string[] | null
}

export interface SetWithShots extends ScreenshotSet {
  readonly screenshots: readonly Screenshot[]
}

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

async function readScreenshots(
  client: AscClient,
  texts: readonly VersionText[],
  signal: AbortSignal | undefined,
): Promise<Map<string, SetWithShots[]>> {
  const perLocale = await Promise.all(
    texts.map(async (t) => {
      const sets = await listScreenshotSets(client, t.id, { signal })
      const filled = await Promise.all(
        sets.map(async (s) => ({ ...s, screenshots: await listScreenshots(client, s.id, { signal }) })),
      )
      return [t.locale, filled] as const
    }),
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
}

/** Resolves the app by bundle id and reads its App Store information for one version. */
export async function readStoreSnapshot(
  client: AscClient,
  bundleId: string,
  choice: VersionChoice = {},
  options: { readonly signal?: AbortSignal; readonly known?: Promise<KnownApp | null> } = {},
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
  const appLevel = (async () => {
    const infos = await listAppInfos(client, app.id, { signal })
    const info = editableAppInfo(infos)
    if (!info) return { info, localizations: [], category: null, ageRating: null }
    const [localizations, category, ageRating] = await Promise.all([
      listAppInfoLocalizations(client, info.id, { signal }),
      getPrimaryCategory(client, info.id, { signal }),
      readUnansweredAgeRating(client, info.id, { signal }),
    ])
    return { info, localizations, category, ageRating }
  })()
  const versionLevel = (async () => {
    const versions = known?.versions ?? (await listAppStoreVersions(client, app.id, { signal }))
    const picked = chooseVersion(versions, choice, bundleId)
    const samePlatform = versions
      .filter((v) => v.platform === picked.platform)
      .map((v) => ({ ...v, state: v.state ?? '' }))
    const others = samePlatform.filter((v) => v.id !== picked.version?.id)
    // A new version starts with the previous version's localizations, screenshots and review contact.
    const source = picked.version ?? versions.find((v) => v.id === highestVersion(samePlatform)?.id) ?? null
    const [texts, reviewDetail] = source
      ? await Promise.all([
          listVersionTexts(client, source.id, { signal }),
          getReviewDetail(client, source.id, { signal }),
        ])
      : [[], null]
    const versionTexts = picked.version ? texts : texts.map((t) => ({ ...t, whatsNew: null }))
    const screenshots = await readScreenshots(client, texts, signal)
    const versionSource: StoreSnapshot['versionSource'] = picked.version
      ? 'version'
      : source
        ? 'previous'
        : 'none'
    return {
      ...picked,
      update: isUpdate(picked.versionString, others),
      versionSource,
      versionTexts,
      reviewDetail,
      screenshots,
    }
  })()
  const [level, ver, contentRights, priceSchedule, availability] = await Promise.all([
    appLevel,
    versionLevel,
    readContentRights(client, app.id, { signal }),
    readPriceSchedule(client, app.id, { signal }),
    readAvailability(client, app.id, { signal }),
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
    primaryCategory: level.category,
    versionTexts: ver.versionTexts,
    screenshots: ver.screenshots,
    reviewDetail: ver.reviewDetail,
    contentRights,
    priceSchedule,
    availability,
    ageRatingUnanswered: level.ageRating,
  }
}
