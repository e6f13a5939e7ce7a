import { APP_CATEGORIES, subcategoriesOf } from './app-categories'
import {
  appInfoLocalizationsOf,
  appInfosOf,
  appInfoState,
  reviewDetailOf,
  screenshotSetsOf,
} from './metadata'
import { currentDayNumber, totalPauseDays } from './phased-release'
import type { ScreenshotUploads } from './screenshot-uploads'
import { iso, type SandboxStore } from './store'
import type { BuildUploadFile, BuildUpload, UploadStore } from './upload'

/**
 * How each resource type is rendered: its attributes and the relationships Apple's schema gives it
 * (`l` links, `d` data; data appears only when the relationship is in `include`, as on Apple's API).
 */
type Ids = string | null | readonly string[]
type Rel = { readonly type: string; readonly links: boolean; readonly ids: (id: string) => Ids }
type Attributes = Record<string, unknown>
export type ResourceDef = {
  readonly type: string
  readonly attributeNames: readonly string[]
  /** The records whose keys are this type's ids (buildBetaDetails share the builds'). */
  readonly records: ReadonlyMap<string, unknown>
  readonly attributes: (id: string) => Attributes
  readonly rels: Readonly<Record<string, Rel>>
}
export type Context = {
  readonly store: SandboxStore
  readonly uploads: UploadStore
  readonly screenshots: ScreenshotUploads
}

function rel(type: string, links: boolean, ids: (id: string) => Ids): Rel {
  return { type, links, ids }
}

/** The ids of the records that satisfy `test`, in the order they were stored. */
export function idsWhere<T extends { readonly id: string }>(
  map: ReadonlyMap<string, T>,
  test: (record: T) => boolean,
): string[] {
  return [...map.values()].filter(test).map((r) => r.id)
}

function must<T>(map: ReadonlyMap<string, T>, id: string): T {
  const found = map.get(id)
  if (found === undefined) throw new Error(`missing ${id}`)
  return found
}

/**
 * A resource type backed by `records`: attribute names as one space-separated list, attributes rendered
 * from the record, relationships given a lookup of the record by id.
 */
function resource<T>(
  type: string,
  records: ReadonlyMap<string, T>,
  attributeNames: string,
  attributes: (record: T, id: string) => Attributes,
  rels: (recordOf: (id: string) => T) => Record<string, Rel> = () => ({}),
): ResourceDef {
  const recordOf = (id: string): T => must(records, id)
  return {
    type,
    records,
    attributeNames: attributeNames.split(' ').filter(Boolean),
    attributes: (id) => attributes(recordOf(id), id),
    rels: rels(recordOf),
  }
}

/** Drops null attributes: Apple leaves out what has no value. */
function withoutNulls(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null))
}

const EXPORT_COMPLIANCE = 'MISSING_EXPORT_COMPLIANCE'

/** The deprecated appStoreState Apple still returns next to appVersionState. */
function appStoreState(state: string): string {
  const map: Record<string, string> = {
    READY_FOR_DISTRIBUTION: 'READY_FOR_SALE',
    PROCESSING_FOR_DISTRIBUTION: 'PROCESSING_FOR_APP_STORE',
  }
  return map[state] ?? state
}

export function buildBetaStates(ctx: Context, buildId: string): { internal: string; external: string } {
  const { store } = ctx
  const b = must(store.builds, buildId)
  if (b.expired) return { internal: 'EXPIRED', external: 'EXPIRED' }
  if (b.processingState === 'PROCESSING') return { internal: 'PROCESSING', external: 'PROCESSING' }
  if (b.processingState !== 'VALID')
    return { internal: 'PROCESSING_EXCEPTION', external: 'PROCESSING_EXCEPTION' }
  if (b.usesNonExemptEncryption === null) return { internal: EXPORT_COMPLIANCE, external: EXPORT_COMPLIANCE }
  const groups = [...store.betaGroups.values()].filter((g) => g.buildIds.includes(b.id))
  const internal = groups.some((g) => g.isInternal) ? 'IN_BETA_TESTING' : 'READY_FOR_BETA_TESTING'
  const review = store.betaSubmissionOf(b.id)?.state
  const inExternal = groups.some((g) => !g.isInternal)
  const external =
    review === 'WAITING_FOR_REVIEW'
      ? 'WAITING_FOR_BETA_REVIEW'
      : review === 'IN_REVIEW'
        ? 'IN_BETA_REVIEW'
        : review === 'REJECTED'
          ? 'BETA_REJECTED'
          : review === 'APPROVED'
            ? inExternal
              ? 'IN_BETA_TESTING'
              : 'BETA_APPROVED'
            : 'READY_FOR_BETA_SUBMISSION'
  return { internal, external }
}

function uploadAttributes(u: BuildUpload): Attributes {
  return {
    cfBundleShortVersionString: u.cfBundleShortVersionString,
    cfBundleVersion: u.cfBundleVersion,
    createdDate: iso(u.createdAt),
    platform: u.platform,
    state: { state: u.state, errors: u.errors, warnings: [], infos: [] },
    ...(u.uploadedAt !== null ? { uploadedDate: iso(u.uploadedAt) } : {}),
  }
}

function fileAttributes(ctx: Context, f: BuildUploadFile): Attributes {
  return {
    fileName: f.fileName,
    fileSize: f.fileSize,
    uti: f.uti,
    assetType: f.assetType,
    assetToken: f.assetToken,
    assetDeliveryState: { state: f.state, errors: f.errors, warnings: [] },
    ...(f.checksums ? { sourceFileChecksums: f.checksums } : {}),
    uploadOperations: ctx.uploads.pendingOperations(f),
  }
}

/** Every age-rating question answered "none" (seeded apps count as rated). */
const AGE_RATING_ANSWERS: Attributes = {
  alcoholTobaccoOrDrugUseOrReferences: 'NONE',
  contests: 'NONE',
  gamblingSimulated: 'NONE',
  gunsOrOtherWeapons: 'NONE',
  horrorOrFearThemes: 'NONE',
  matureOrSuggestiveThemes: 'NONE',
  medicalOrTreatmentInformation: 'NONE',
  profanityOrCrudeHumor: 'NONE',
  sexualContentGraphicAndNudity: 'NONE',
  sexualContentOrNudity: 'NONE',
  violenceCartoonOrFantasy: 'NONE',
  violenceRealistic: 'NONE',
  violenceRealisticProlongedGraphicOrSadistic: 'NONE',
  advertising: false,
  ageAssurance: false,
  gambling: false,
  healthOrWellnessTopics: false,
  lootBox: false,
  messagingAndChat: false,
  parentalControls: false,
  socialMedia: false,
  unrestrictedWebAccess: false,
  userGeneratedContent: false,
}

export function resourceDefs(ctx: Context): ReadonlyMap<string, ResourceDef> {
  const { store: s, uploads, screenshots } = ctx
  const defs: ResourceDef[] = [
    resource(
      'apps',
      s.apps,
      'name bundleId sku primaryLocale contentRightsDeclaration',
      (a) =>
        withoutNulls({
          name: a.name,
          bundleId: a.bundleId,
          sku: a.sku,
          primaryLocale: a.locales[0] ?? 'en-US',
          contentRightsDeclaration: a.contentRightsDeclaration,
        }),
      () => ({
        betaGroups: rel('betaGroups', true, (id) => idsWhere(s.betaGroups, (g) => g.appId === id)),
        appStoreVersions: rel('appStoreVersions', true, (id) =>
          idsWhere(s.appStoreVersions, (v) => v.appId === id),
        ),
        builds: rel('builds', true, (id) => idsWhere(s.builds, (b) => b.appId === id)),
        betaAppReviewDetail: rel('betaAppReviewDetails', true, (id) => id),
        betaAppLocalizations: rel('betaAppLocalizations', true, (id) =>
          idsWhere(s.betaAppLocalizations, (l) => l.appId === id),
        ),
        appInfos: rel('appInfos', true, (id) => appInfosOf(s, id).map((i) => i.id)),
        // Price schedule and availability share the app's id; every seeded app has both.
        appPriceSchedule: rel('appPriceSchedules', true, (id) => id),
        appAvailabilityV2: rel('appAvailabilities', true, (id) => id),
      }),
    ),
    resource(
      'appPriceSchedules',
      s.apps,
      '',
      () => ({}),
      () => ({ app: rel('apps', false, (id) => id) }),
    ),
    resource('appAvailabilities', s.apps, 'availableInNewTerritories', () => ({
      availableInNewTerritories: true,
    })),
    resource(
      'appInfos',
      s.appInfos,
      'state',
      (info) => ({ state: appInfoState(s, info) }),
      (info) => ({
        app: rel('apps', false, (id) => info(id).appId),
        // The age rating declaration shares the app info's id.
        ageRatingDeclaration: rel('ageRatingDeclarations', true, (id) => id),
        appInfoLocalizations: rel('appInfoLocalizations', true, (id) =>
          appInfoLocalizationsOf(s, id).map((l) => l.id),
        ),
        primaryCategory: rel('appCategories', true, (id) => info(id).categories.primaryCategory),
        primarySubcategoryOne: rel('appCategories', true, (id) => info(id).categories.primarySubcategoryOne),
        primarySubcategoryTwo: rel('appCategories', true, (id) => info(id).categories.primarySubcategoryTwo),
        secondaryCategory: rel('appCategories', true, (id) => info(id).categories.secondaryCategory),
        secondarySubcategoryOne: rel(
          'appCategories',
          true,
          (id) => info(id).categories.secondarySubcategoryOne,
        ),
        secondarySubcategoryTwo: rel(
          'appCategories',
          true,
          (id) => info(id).categories.secondarySubcategoryTwo,
        ),
      }),
    ),
    resource(
      'ageRatingDeclarations',
      s.appInfos,
      Object.keys(AGE_RATING_ANSWERS).join(' '),
      () => AGE_RATING_ANSWERS,
    ),
    resource(
      'appInfoLocalizations',
      s.appInfoLocalizations,
      'locale name subtitle privacyPolicyUrl privacyChoicesUrl privacyPolicyText',
      ({ id: _id, appInfoId: _info, ...text }) => withoutNulls(text),
      (localization) => ({ appInfo: rel('appInfos', false, (id) => localization(id).appInfoId) }),
    ),
    resource(
      'appCategories',
      APP_CATEGORIES,
      'platforms',
      (c) => ({ platforms: c.platforms }),
      (category) => ({
        subcategories: rel('appCategories', true, (id) => subcategoriesOf(id)),
        parent: rel('appCategories', true, (id) => category(id).parent),
      }),
    ),
    resource(
      'appStoreReviewDetails',
      s.appStoreReviewDetails,
      'contactFirstName contactLastName contactPhone contactEmail demoAccountName demoAccountPassword demoAccountRequired notes',
      ({ id: _id, versionId: _v, ...detail }) => withoutNulls(detail),
      (detail) => ({ appStoreVersion: rel('appStoreVersions', false, (id) => detail(id).versionId) }),
    ),
    resource(
      'appScreenshotSets',
      s.appScreenshotSets,
      'screenshotDisplayType',
      (set) => ({ screenshotDisplayType: set.displayType }),
      (set) => ({
        appStoreVersionLocalization: rel(
          'appStoreVersionLocalizations',
          false,
          (id) => set(id).localizationId,
        ),
        appScreenshots: rel('appScreenshots', true, (id) => set(id).screenshotIds),
      }),
    ),
    resource(
      'appScreenshots',
      s.appScreenshots,
      'fileSize fileName sourceFileChecksum imageAsset assetToken assetType uploadOperations assetDeliveryState',
      (shot) => {
        const set = s.appScreenshotSets.get(shot.setId)
        return {
          fileSize: shot.fileSize,
          fileName: shot.fileName,
          ...(shot.sourceFileChecksum !== null ? { sourceFileChecksum: shot.sourceFileChecksum } : {}),
          ...(shot.width !== null && shot.height !== null && shot.state === 'COMPLETE'
            ? {
                imageAsset: {
                  templateUrl: screenshots.templateUrl(shot),
                  width: shot.width,
                  height: shot.height,
                },
              }
            : {}),
          assetToken: shot.assetToken,
          ...(set ? { assetType: set.displayType } : {}),
          uploadOperations: screenshots.operations(shot),
          assetDeliveryState: { state: shot.state, errors: shot.errors, warnings: [] },
        }
      },
      (shot) => ({ appScreenshotSet: rel('appScreenshotSets', false, (id) => shot(id).setId) }),
    ),
    resource(
      'builds',
      s.builds,
      'version uploadedDate expirationDate expired minOsVersion processingState buildAudienceType usesNonExemptEncryption',
      (b) => ({
        version: b.version,
        uploadedDate: iso(b.uploadedAt),
        expirationDate: iso(b.uploadedAt + 90 * 86_400_000),
        expired: b.expired,
        minOsVersion: '16.0',
        processingState: b.processingState,
        buildAudienceType: 'APP_STORE_ELIGIBLE',
        ...(b.usesNonExemptEncryption !== null ? { usesNonExemptEncryption: b.usesNonExemptEncryption } : {}),
      }),
      (build) => ({
        preReleaseVersion: rel('preReleaseVersions', true, (id) => build(id).preReleaseVersionId),
        betaGroups: rel('betaGroups', true, (id) => idsWhere(s.betaGroups, (g) => g.buildIds.includes(id))),
        app: rel('apps', true, (id) => build(id).appId),
        buildBetaDetail: rel('buildBetaDetails', true, (id) => id),
        betaAppReviewSubmission: rel(
          'betaAppReviewSubmissions',
          true,
          (id) => s.betaSubmissionOf(id)?.id ?? null,
        ),
        buildUpload: rel('buildUploads', false, (id) => build(id).buildUploadId),
      }),
    ),
    resource(
      'preReleaseVersions',
      s.preReleaseVersions,
      'version platform',
      (p) => ({ version: p.version, platform: p.platform }),
      (train) => ({ app: rel('apps', true, (id) => train(id).appId) }),
    ),
    // One per build, sharing the build's id.
    resource(
      'buildBetaDetails',
      s.builds,
      'autoNotifyEnabled internalBuildState externalBuildState',
      (_build, id) => {
        const states = buildBetaStates(ctx, id)
        return {
          autoNotifyEnabled: false,
          internalBuildState: states.internal,
          externalBuildState: states.external,
        }
      },
      () => ({ build: rel('builds', true, (id) => id) }),
    ),
    resource(
      'betaGroups',
      s.betaGroups,
      'name createdDate isInternalGroup hasAccessToAllBuilds publicLinkEnabled feedbackEnabled',
      (g) => ({
        name: g.name,
        createdDate: g.createdDate,
        isInternalGroup: g.isInternal,
        hasAccessToAllBuilds: false,
        publicLinkEnabled: false,
        feedbackEnabled: true,
      }),
      (group) => ({
        app: rel('apps', true, (id) => group(id).appId),
        builds: rel('builds', true, (id) => group(id).buildIds),
      }),
    ),
    resource(
      'betaBuildLocalizations',
      s.betaBuildLocalizations,
      'locale whatsNew',
      (l) => withoutNulls({ locale: l.locale, whatsNew: l.whatsNew }),
      (localization) => ({ build: rel('builds', true, (id) => localization(id).buildId) }),
    ),
    // Shares the app's id.
    resource(
      'betaAppReviewDetails',
      s.betaAppReviewDetails,
      'contactFirstName contactLastName contactPhone contactEmail demoAccountRequired notes',
      ({ id: _id, ...detail }) => withoutNulls(detail),
      () => ({ app: rel('apps', true, (id) => id) }),
    ),
    resource(
      'betaAppLocalizations',
      s.betaAppLocalizations,
      'locale feedbackEmail description',
      (l) => withoutNulls({ locale: l.locale, feedbackEmail: l.feedbackEmail, description: l.description }),
      (localization) => ({ app: rel('apps', true, (id) => localization(id).appId) }),
    ),
    resource(
      'betaAppReviewSubmissions',
      s.betaAppReviewSubmissions,
      'betaReviewState submittedDate',
      (b) => ({ betaReviewState: b.state, submittedDate: iso(b.submittedAt) }),
      (submission) => ({ build: rel('builds', true, (id) => submission(id).buildId) }),
    ),
    resource(
      'appStoreVersions',
      s.appStoreVersions,
      'platform versionString appStoreState appVersionState copyright reviewType releaseType earliestReleaseDate downloadable createdDate',
      (v) => ({
        platform: v.platform,
        versionString: v.versionString,
        appStoreState: appStoreState(v.state),
        appVersionState: v.state,
        ...(v.copyright !== null ? { copyright: v.copyright } : {}),
        reviewType: v.reviewType,
        releaseType: v.releaseType,
        ...(v.earliestReleaseDate !== null ? { earliestReleaseDate: v.earliestReleaseDate } : {}),
        downloadable: v.downloadable,
        createdDate: v.createdDate,
      }),
      (version) => ({
        app: rel('apps', false, (id) => version(id).appId),
        appStoreVersionLocalizations: rel('appStoreVersionLocalizations', true, (id) =>
          s.localizationsOf(id).map((l) => l.id),
        ),
        build: rel('builds', true, (id) => version(id).buildId),
        appStoreVersionPhasedRelease: rel(
          'appStoreVersionPhasedReleases',
          true,
          (id) => idsWhere(s.phasedReleases, (p) => p.versionId === id)[0] ?? null,
        ),
        appStoreReviewDetail: rel('appStoreReviewDetails', true, (id) => reviewDetailOf(s, id)?.id ?? null),
      }),
    ),
    resource(
      'appStoreVersionLocalizations',
      s.appStoreVersionLocalizations,
      'description locale keywords marketingUrl promotionalText supportUrl whatsNew',
      ({ id: _id, versionId: _v, ...text }) => withoutNulls(text),
      (localization) => ({
        appStoreVersion: rel('appStoreVersions', false, (id) => localization(id).versionId),
        appScreenshotSets: rel('appScreenshotSets', true, (id) =>
          screenshotSetsOf(s, id).map((set) => set.id),
        ),
      }),
    ),
    resource(
      'appStoreVersionPhasedReleases',
      s.phasedReleases,
      'phasedReleaseState startDate totalPauseDuration currentDayNumber',
      (p) => {
        const now = s.now()
        return {
          phasedReleaseState: p.phasedReleaseState,
          ...(p.startedAt !== null ? { startDate: iso(p.startedAt) } : {}),
          totalPauseDuration: totalPauseDays(p, now),
          currentDayNumber: currentDayNumber(p, now),
        }
      },
    ),
    resource(
      'reviewSubmissions',
      s.reviewSubmissions,
      'platform state submittedDate',
      (r) => ({
        platform: r.platform,
        state: r.state,
        ...(r.submittedAt !== null ? { submittedDate: iso(r.submittedAt) } : {}),
      }),
      (submission) => ({
        app: rel('apps', false, (id) => submission(id).appId),
        items: rel('reviewSubmissionItems', true, (id) => s.itemsOf(id).map((i) => i.id)),
        appStoreVersionForReview: rel('appStoreVersions', false, (id) => s.itemsOf(id)[0]?.versionId ?? null),
      }),
    ),
    resource(
      'reviewSubmissionItems',
      s.reviewSubmissionItems,
      'state',
      (i) => ({ state: i.state }),
      (item) => ({ appStoreVersion: rel('appStoreVersions', false, (id) => item(id).versionId) }),
    ),
    resource(
      'buildUploads',
      uploads.uploads,
      'cfBundleShortVersionString cfBundleVersion createdDate platform state uploadedDate',
      uploadAttributes,
      (upload) => ({
        build: rel('builds', false, (id) => upload(id).buildId),
        assetFile: rel(
          'buildUploadFiles',
          false,
          (id) => uploads.filesOf(id).find((f) => f.assetType === 'ASSET')?.id ?? null,
        ),
        buildUploadFiles: rel('buildUploadFiles', true, () => null),
      }),
    ),
    resource(
      'buildUploadFiles',
      uploads.files,
      'fileName fileSize uti assetType assetToken assetDeliveryState sourceFileChecksums uploadOperations',
      (f) => fileAttributes(ctx, f),
    ),
  ]
  return new Map(defs.map((d) => [d.type, d]))
}
