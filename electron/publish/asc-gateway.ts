import type { Platform } from '../../shared/build-summary'
import type { ReleaseType } from '../../shared/release-settings'
import { findAppByBundleId, findAppForPublish, getBetaAppInfo, type App, type BetaAppInfo } from '../asc/apps'
import {
  createBetaBuildLocalization,
  findBetaBuildLocalizations,
  updateBetaBuildLocalization,
  type BetaBuildLocalization,
} from '../asc/beta-build-localizations'
import { addBuildToBetaGroups, listBetaGroups, type BetaGroupInfo } from '../asc/beta-groups'
import { findBetaReviewSubmission, submitForBetaReview, type BetaReviewSubmission } from '../asc/beta-review'
import { findBuildUploads } from '../asc/build-uploads'
import { findBuilds, getBuild, patchBuild, type Build } from '../asc/builds'
import type { AscClient } from '../asc/client'
import { compareVersionStrings } from '../asc/version-order'
import type { ReviewSubmissionState } from '../asc/enums'
import type { RequirementState } from '../asc/sale-requirements'
import { createPhasedRelease, deletePhasedRelease, getPhasedRelease } from '../asc/phased-releases'
import {
  addVersionToReviewSubmission,
  cancelReviewSubmission,
  createReviewSubmission,
  getReviewSubmission,
  listReviewSubmissions,
  submitReviewSubmission,
  type ReviewSubmission,
} from '../asc/review'
import {
  listVersionLocalizations,
  updateWhatsNew,
  type VersionLocalization,
} from '../asc/version-localizations'
import {
  createAppStoreVersion,
  listAppStoreVersions,
  updateAppStoreVersion,
  type AppStoreVersion,
  type IncludedVersion,
} from '../asc/versions'

/**
 * The pipeline's view of App Store Connect: the calls it makes, over the typed resources of electron/asc
 * (which own every path, query, body and answer shape, and the checks that keep a resent write from
 * landing twice). Here they are only narrowed to the records the steps and the plan read.
 */

export type AppRecord = Pick<App, 'id' | 'name' | 'bundleId'> & { readonly primaryLocale: string }
export interface BuildRecord {
  readonly id: string
  /** CFBundleVersion (Apple calls it `version`). */
  readonly buildNumber: string
  readonly processingState: string
  readonly expired: boolean
  readonly usesNonExemptEncryption: boolean | null
  readonly uploadedDate: string | null
}
export type BetaGroupRecord = BetaGroupInfo
export interface VersionRecord {
  readonly id: string
  readonly versionString: string
  readonly platform: string
  readonly state: string
  readonly copyright: string | null
  readonly releaseType: string | null
  readonly earliestReleaseDate: string | null
  /** The attached build's id, null when none; undefined = unknown. */
  readonly buildId?: string | null
}
export interface ReviewSubmissionRecord {
  readonly id: string
  readonly state: string
  readonly platform: string
  /** The version it holds (Apple's appStoreVersionForReview); null = none; undefined = not in the answer. */
  readonly versionId?: string | null
  /** Items not REMOVED; undefined = not in the answer. */
  readonly activeItems?: number
  readonly activeItemIds?: readonly string[]
}
export type VersionLocalizationRecord = VersionLocalization
interface BetaReviewRecord {
  readonly id: string
  readonly state: string
}
export interface VersionAttributes {
  readonly versionString?: string
  readonly copyright?: string | null
  readonly releaseType?: ReleaseType
  readonly earliestReleaseDate?: string | null
}

export function buildRecordOf(b: Build): BuildRecord {
  return {
    id: b.id,
    buildNumber: b.version,
    processingState: b.processingState ?? 'PROCESSING',
    expired: b.expired ?? false,
    usesNonExemptEncryption: b.usesNonExemptEncryption,
    uploadedDate: b.uploadedDate,
  }
}
function toVersion(v: AppStoreVersion | IncludedVersion): VersionRecord {
  return {
    id: v.id,
    versionString: v.versionString,
    platform: v.platform ?? '',
    state: v.state ?? '',
    copyright: v.copyright,
    releaseType: v.releaseType,
    earliestReleaseDate: v.earliestReleaseDate,
    // Every version read includes the build; a version included in the app's answer cannot.
    ...('build' in v ? { buildId: v.build?.id ?? null } : {}),
  }
}
function toSubmission(s: ReviewSubmission): ReviewSubmissionRecord {
  const base = { id: s.id, state: s.state ?? '', platform: s.platform ?? '' }
  // A write's answer carries no items: what the submission holds is then unknown, not "nothing".
  if (s.items === undefined) return base
  const active = s.items.filter((i) => i.state !== 'REMOVED').map((i) => i.id)
  return { ...base, versionId: s.appStoreVersionId, activeItems: active.length, activeItemIds: active }
}
function toBetaReview(r: BetaReviewSubmission): BetaReviewRecord {
  return { id: r.id, state: r.state ?? '' }
}

/** The app and what came with it; null where it did not come (not asked, or more than one answer holds). */
export interface AppForPublishRecord {
  readonly app: AppRecord
  readonly groups: readonly BetaGroupRecord[] | null
  readonly betaAppInfo: BetaAppInfo | null
  /** Without their build (an include cannot reach it): `buildId` is unknown. */
  readonly versions: readonly VersionRecord[] | null
  /** Whether the app declared its content rights; null when not asked. */
  readonly contentRights: RequirementState | null
}

export interface AscGateway {
  /** The server's clock, from the Date header of the last answer (null before any). */
  serverTime(): number | null
  findApp(bundleId: string): Promise<AppRecord | null>
  /** The app with, in the same call, its beta groups and TestFlight test information when wanted (null: read them). */
  findAppForPublish(
    bundleId: string,
    want: {
      readonly betaGroups: boolean
      readonly betaAppInfo: boolean
      /** The versions of this platform. */
      readonly versionsOf: Platform | null
      /** The content rights declaration (App Store readiness judges it). */
      readonly contentRights?: boolean
    },
  ): Promise<AppForPublishRecord | null>
  listBetaGroups(appId: string): Promise<BetaGroupRecord[]>
  betaAppInfo(app: AppRecord): Promise<BetaAppInfo>
  /** Builds with this number in this version train: 1.1 and 1.1.0 are one train, as App Store Connect counts them. */
  findBuilds(appId: string, version: string, buildNumber: string, platform: Platform): Promise<BuildRecord[]>
  /** The highest build number of the platform's builds (macOS takes only a higher one, ITMS-90061), or null. */
  highestBuild(appId: string, platform: Platform): Promise<{ buildNumber: string; version: string } | null>
  getBuild(buildId: string): Promise<BuildRecord>
  /** This build number's uploads, newest first, with Apple's state (AWAITING_UPLOAD, PROCESSING, COMPLETE, FAILED). */
  findBuildUploads(
    appId: string,
    version: string,
    buildNumber: string,
    platform: Platform,
  ): Promise<{ id: string; state: string | null }[]>
  setExportCompliance(buildId: string, usesNonExemptEncryption: boolean): Promise<void>
  expireBuild(buildId: string): Promise<void>
  buildsInBetaReview(appId: string, platform: Platform): Promise<BuildRecord[]>
  betaBuildLocalizations(buildId: string): Promise<readonly BetaBuildLocalization[]>
  createBetaBuildLocalization(buildId: string, locale: string, whatsNew: string): Promise<string>
  updateBetaBuildLocalization(localization: {
    readonly id: string
    readonly buildId: string
    readonly locale: string
    readonly whatsNew: string
  }): Promise<void>
  addBuildToGroups(appId: string, buildId: string, groupIds: readonly string[]): Promise<void>
  betaReviewOf(buildId: string): Promise<BetaReviewRecord | null>
  submitForBetaReview(buildId: string): Promise<BetaReviewRecord>
  listVersions(appId: string, platform: Platform): Promise<VersionRecord[]>
  createVersion(
    appId: string,
    platform: Platform,
    attributes: VersionAttributes & { versionString: string },
    buildId: string | null,
  ): Promise<VersionRecord>
  updateVersion(
    versionId: string,
    attributes: VersionAttributes,
    buildId: string | null,
  ): Promise<VersionRecord>
  versionLocalizations(versionId: string): Promise<readonly VersionLocalizationRecord[]>
  setWhatsNew(localizationId: string, whatsNew: string): Promise<void>
  phasedReleaseOf(versionId: string): Promise<{ id: string; state: string } | null>
  createPhasedRelease(versionId: string): Promise<string>
  deletePhasedRelease(versionId: string, id: string): Promise<void>
  listReviewSubmissions(
    appId: string,
    platform: Platform,
    states: readonly ReviewSubmissionState[],
  ): Promise<ReviewSubmissionRecord[]>
  getReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
  createReviewSubmission(appId: string, platform: Platform): Promise<ReviewSubmissionRecord>
  createReviewItem(submissionId: string, versionId: string): Promise<string>
  submitReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
  cancelReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
}

/** What the pipeline needs from a connection: the client and App Store Connect's clock. */
export interface AscConnection {
  readonly client: AscClient
  /** App Store Connect's clock from the Date header of the latest answer, advanced by local time since; null before any. */
  serverNow(): number | null
}

export function createAscGateway(connection: AscConnection): AscGateway {
  const { client } = connection
  return {
    serverTime: () => connection.serverNow(),
    ...appCalls(client),
    ...buildCalls(client),
    ...testflightCalls(client),
    ...versionCalls(client),
    ...reviewCalls(client),
  }
}

function toApp(app: App): AppRecord {
  return { id: app.id, name: app.name, bundleId: app.bundleId, primaryLocale: app.primaryLocale ?? 'en-US' }
}

function appCalls(
  client: AscClient,
): Pick<AscGateway, 'findApp' | 'findAppForPublish' | 'listBetaGroups' | 'betaAppInfo'> {
  return {
    async findApp(bundleId) {
      const app = await findAppByBundleId(client, bundleId)
      return app && toApp(app)
    },
    async findAppForPublish(bundleId, want) {
      const found = await findAppForPublish(client, bundleId, {
        betaGroups: want.betaGroups,
        betaAppInfo: want.betaAppInfo,
        versions: want.versionsOf !== null,
        contentRights: want.contentRights ?? false,
      })
      if (!found) return null
      const versions =
        found.versions?.filter((v) => v.platform === want.versionsOf).map((v) => toVersion(v)) ?? null
      return {
        app: toApp(found.app),
        groups: found.betaGroups,
        betaAppInfo: found.betaAppInfo,
        versions,
        contentRights: found.contentRights,
      }
    },
    async listBetaGroups(appId) {
      return [...(await listBetaGroups(client, appId))]
    },
    betaAppInfo: (app) => getBetaAppInfo(client, app),
  }
}

function buildCalls(
  client: AscClient,
): Pick<
  AscGateway,
  | 'findBuilds'
  | 'highestBuild'
  | 'getBuild'
  | 'findBuildUploads'
  | 'setExportCompliance'
  | 'expireBuild'
  | 'buildsInBetaReview'
> {
  return {
    async findBuilds(appId, version, buildNumber, platform) {
      // Not filtered by version string: Apple's filter on it is exact (a build of 1.1.0 is not found as 1.1), while its
      // upload refuses the same build number in 1.1 and 1.1.0 alike. Apple's filter[version] is not an exact match on
      // every account either: only the exact build number counts.
      const builds = await findBuilds(client, { appId, buildNumber, platform })
      return builds
        .filter(
          (b) =>
            b.version === buildNumber &&
            b.preReleaseVersion !== null &&
            compareVersionStrings(b.preReleaseVersion.version, version) === 0,
        )
        .map(buildRecordOf)
    },
    async highestBuild(appId, platform) {
      let highest: { buildNumber: string; version: string } | null = null
      for (const b of await findBuilds(client, { appId, platform })) {
        if (highest === null || compareVersionStrings(b.version, highest.buildNumber) > 0)
          highest = { buildNumber: b.version, version: b.preReleaseVersion?.version ?? '' }
      }
      return highest
    },
    getBuild: async (buildId) => buildRecordOf(await getBuild(client, buildId)),
    async findBuildUploads(appId, version, buildNumber, platform) {
      const uploads = await findBuildUploads(client, { appId, version, buildNumber, platform })
      return uploads.filter((u) => u.buildNumber === buildNumber).map((u) => ({ id: u.id, state: u.state }))
    },
    async setExportCompliance(buildId, usesNonExemptEncryption) {
      await patchBuild(client, buildId, { usesNonExemptEncryption })
    },
    async expireBuild(buildId) {
      await patchBuild(client, buildId, { expired: true })
    },
    async buildsInBetaReview(appId, platform) {
      const builds = await findBuilds(client, {
        appId,
        platform,
        expired: false,
        betaReviewStates: ['WAITING_FOR_REVIEW', 'IN_REVIEW'],
      })
      return builds.map(buildRecordOf)
    },
  }
}

function testflightCalls(
  client: AscClient,
): Pick<
  AscGateway,
  | 'betaBuildLocalizations'
  | 'createBetaBuildLocalization'
  | 'updateBetaBuildLocalization'
  | 'addBuildToGroups'
  | 'betaReviewOf'
  | 'submitForBetaReview'
> {
  return {
    betaBuildLocalizations: (buildId) => findBetaBuildLocalizations(client, buildId),
    async createBetaBuildLocalization(buildId, locale, whatsNew) {
      return (await createBetaBuildLocalization(client, { buildId, locale, whatsNew })).id
    },
    async updateBetaBuildLocalization(localization) {
      await updateBetaBuildLocalization(client, localization)
    },
    // One call for every group (Codemagic posts once per group).
    addBuildToGroups: (appId, buildId, groupIds) =>
      addBuildToBetaGroups(client, { appId, buildId, groupIds }),
    async betaReviewOf(buildId) {
      const found = await findBetaReviewSubmission(client, buildId)
      return found && toBetaReview(found)
    },
    submitForBetaReview: async (buildId) => toBetaReview(await submitForBetaReview(client, buildId)),
  }
}

function versionCalls(
  client: AscClient,
): Pick<
  AscGateway,
  | 'listVersions'
  | 'createVersion'
  | 'updateVersion'
  | 'versionLocalizations'
  | 'setWhatsNew'
  | 'phasedReleaseOf'
  | 'createPhasedRelease'
  | 'deletePhasedRelease'
> {
  return {
    async listVersions(appId, platform) {
      return (await listAppStoreVersions(client, appId, { platform })).map(toVersion)
    },
    async createVersion(appId, platform, attributes, buildId) {
      return toVersion(
        await createAppStoreVersion(client, {
          ...withoutUndefined(attributes),
          versionString: attributes.versionString,
          appId,
          platform,
          ...(buildId ? { buildId } : {}),
        }),
      )
    },
    async updateVersion(versionId, attributes, buildId) {
      return toVersion(
        await updateAppStoreVersion(client, {
          ...withoutUndefined(attributes),
          id: versionId,
          ...(buildId ? { buildId } : {}),
        }),
      )
    },
    versionLocalizations: (versionId) => listVersionLocalizations(client, versionId),
    async setWhatsNew(localizationId, whatsNew) {
      await updateWhatsNew(client, { id: localizationId, whatsNew })
    },
    async phasedReleaseOf(versionId) {
      const found = await getPhasedRelease(client, versionId)
      return found && { id: found.id, state: found.state ?? '' }
    },
    // INACTIVE until release, as fastlane does; Codemagic sends no state and leaves it to Apple's default.
    createPhasedRelease: async (versionId) => (await createPhasedRelease(client, { versionId })).id,
    deletePhasedRelease: (versionId, id) => deletePhasedRelease(client, { id, versionId }),
  }
}

function reviewCalls(
  client: AscClient,
): Pick<
  AscGateway,
  | 'listReviewSubmissions'
  | 'getReviewSubmission'
  | 'createReviewSubmission'
  | 'createReviewItem'
  | 'submitReviewSubmission'
  | 'cancelReviewSubmission'
> {
  return {
    async listReviewSubmissions(appId, platform, states) {
      return (await listReviewSubmissions(client, { appId, platform, states })).map(toSubmission)
    },
    getReviewSubmission: async (id) => toSubmission(await getReviewSubmission(client, id)),
    createReviewSubmission: async (appId, platform) =>
      toSubmission(await createReviewSubmission(client, { appId, platform })),
    async createReviewItem(submissionId, versionId) {
      return (await addVersionToReviewSubmission(client, { submissionId, versionId })).id
    },
    submitReviewSubmission: async (id) => toSubmission(await submitReviewSubmission(client, id)),
    cancelReviewSubmission: async (id) => toSubmission(await cancelReviewSubmission(client, id)),
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
