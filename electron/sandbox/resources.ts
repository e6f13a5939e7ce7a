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
export type Context = { readonly store: SandboxStore; readonly uploads: UploadStore }

function rel(type: string, links: boolean, ids: (id: string) => Ids): Rel {
  return { type, links, ids }
}

function values<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.values()]
}

function must<T>(map: ReadonlyMap<string, T>, id: string): T {
  const found = map.get(id)
  if (found === undefined) throw new Error(`missing ${id}`)
  return found
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
  const groups = values(store.betaGroups).filter((g) => g.buildIds.includes(b.id))
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

export function resourceDefs(ctx: Context): ReadonlyMap<string, ResourceDef> {
  const { store, uploads } = ctx
  const s = store
  const defs: ResourceDef[] = [
    {
      type: 'apps',
      attributeNames: 'name bundleId sku primaryLocale'.split(' '),
      records: s.apps,
      attributes: (id) => {
        const a = must(s.apps, id)
        return { name: a.name, bundleId: a.bundleId, sku: a.sku, primaryLocale: 'en-US' }
      },
      rels: {
        betaGroups: rel('betaGroups', true, (id) =>
          values(s.betaGroups)
            .filter((g) => g.appId === id)
            .map((g) => g.id),
        ),
        appStoreVersions: rel('appStoreVersions', true, (id) =>
          values(s.appStoreVersions)
            .filter((v) => v.appId === id)
            .map((v) => v.id),
        ),
        builds: rel('builds', true, (id) =>
          values(s.builds)
            .filter((b) => b.appId === id)
            .map((b) => b.id),
        ),
        betaAppReviewDetail: rel('betaAppReviewDetails', true, (id) => id),
      },
    },
    {
      type: 'builds',
      attributeNames:
        'version uploadedDate expirationDate expired minOsVersion processingState buildAudienceType usesNonExemptEncryption'.split(
          ' ',
        ),
      records: s.builds,
      attributes: (id) => {
        const b = must(s.builds, id)
        return {
          version: b.version,
          uploadedDate: iso(b.uploadedAt),
          expirationDate: iso(b.uploadedAt + 90 * 86_400_000),
          expired: b.expired,
          minOsVersion: '16.0',
          processingState: b.processingState,
          buildAudienceType: 'APP_STORE_ELIGIBLE',
          ...(b.usesNonExemptEncryption !== null
            ? { usesNonExemptEncryption: b.usesNonExemptEncryption }
            : {}),
        }
      },
      rels: {
        preReleaseVersion: rel('preReleaseVersions', true, (id) => must(s.builds, id).preReleaseVersionId),
        betaGroups: rel('betaGroups', true, (id) =>
          values(s.betaGroups)
            .filter((g) => g.buildIds.includes(id))
            .map((g) => g.id),
        ),
        app: rel('apps', true, (id) => must(s.builds, id).appId),
        buildBetaDetail: rel('buildBetaDetails', true, (id) => id),
        betaAppReviewSubmission: rel(
          'betaAppReviewSubmissions',
          true,
          (id) => s.betaSubmissionOf(id)?.id ?? null,
        ),
        buildUpload: rel('buildUploads', false, (id) => must(s.builds, id).buildUploadId),
      },
    },
    {
      type: 'preReleaseVersions',
      attributeNames: 'version platform'.split(' '),
      records: s.preReleaseVersions,
      attributes: (id) => {
        const p = must(s.preReleaseVersions, id)
        return { version: p.version, platform: p.platform }
      },
      rels: { app: rel('apps', true, (id) => must(s.preReleaseVersions, id).appId) },
    },
    {
      // One per build, sharing the build's id.
      type: 'buildBetaDetails',
      attributeNames: 'autoNotifyEnabled internalBuildState externalBuildState'.split(' '),
      records: s.builds,
      attributes: (id) => {
        const states = buildBetaStates(ctx, id)
        return {
          autoNotifyEnabled: false,
          internalBuildState: states.internal,
          externalBuildState: states.external,
        }
      },
      rels: { build: rel('builds', true, (id) => id) },
    },
    {
      type: 'betaGroups',
      attributeNames:
        'name createdDate isInternalGroup hasAccessToAllBuilds publicLinkEnabled feedbackEnabled'.split(' '),
      records: s.betaGroups,
      attributes: (id) => {
        const g = must(s.betaGroups, id)
        return {
          name: g.name,
          createdDate: g.createdDate,
          isInternalGroup: g.isInternal,
          hasAccessToAllBuilds: false,
          publicLinkEnabled: false,
          feedbackEnabled: true,
        }
      },
      rels: {
        app: rel('apps', true, (id) => must(s.betaGroups, id).appId),
        builds: rel('builds', true, (id) => must(s.betaGroups, id).buildIds),
      },
    },
    {
      type: 'betaBuildLocalizations',
      attributeNames: 'locale whatsNew'.split(' '),
      records: s.betaBuildLocalizations,
      attributes: (id) => {
        const l = must(s.betaBuildLocalizations, id)
        return { locale: l.locale, ...(l.whatsNew !== null ? { whatsNew: l.whatsNew } : {}) }
      },
      rels: { build: rel('builds', true, (id) => must(s.betaBuildLocalizations, id).buildId) },
    },
    {
      type: 'betaAppReviewDetails',
      attributeNames:
        'contactFirstName contactLastName contactPhone contactEmail demoAccountRequired notes'.split(' '),
      records: s.betaAppReviewDetails,
      attributes: (id) =>
        Object.fromEntries(
          Object.entries(must(s.betaAppReviewDetails, id)).filter(([k, v]) => k !== 'id' && v !== null),
        ),
      rels: { app: rel('apps', true, (id) => id) },
    },
    {
      type: 'betaAppLocalizations',
      attributeNames: 'locale feedbackEmail description'.split(' '),
      records: s.betaAppLocalizations,
      attributes: (id) => {
        const l = must(s.betaAppLocalizations, id)
        return Object.fromEntries(
          Object.entries({
            locale: l.locale,
            feedbackEmail: l.feedbackEmail,
            description: l.description,
          }).filter(([, v]) => v !== null),
        )
      },
      rels: { app: rel('apps', true, (id) => must(s.betaAppLocalizations, id).appId) },
    },
    {
      type: 'betaAppReviewSubmissions',
      attributeNames: 'betaReviewState submittedDate'.split(' '),
      records: s.betaAppReviewSubmissions,
      attributes: (id) => {
        const b = must(s.betaAppReviewSubmissions, id)
        return { betaReviewState: b.state, submittedDate: iso(b.submittedAt) }
      },
      rels: { build: rel('builds', true, (id) => must(s.betaAppReviewSubmissions, id).buildId) },
    },
    {
      type: 'appStoreVersions',
      attributeNames:
        'platform versionString appStoreState appVersionState copyright reviewType releaseType earliestReleaseDate downloadable createdDate'.split(
          ' ',
        ),
      records: s.appStoreVersions,
      attributes: (id) => {
        const v = must(s.appStoreVersions, id)
        return {
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
        }
      },
      rels: {
        app: rel('apps', false, (id) => must(s.appStoreVersions, id).appId),
        build: rel('builds', true, (id) => must(s.appStoreVersions, id).buildId),
        appStoreVersionPhasedRelease: rel(
          'appStoreVersionPhasedReleases',
          true,
          (id) => values(s.phasedReleases).find((p) => p.versionId === id)?.id ?? null,
        ),
      },
    },
    {
      type: 'appStoreVersionPhasedReleases',
      attributeNames: 'phasedReleaseState totalPauseDuration currentDayNumber'.split(' '),
      records: s.phasedReleases,
      attributes: (id) => {
        const p = must(s.phasedReleases, id)
        return {
          phasedReleaseState: p.phasedReleaseState,
          totalPauseDuration: 0,
          currentDayNumber: p.phasedReleaseState === 'INACTIVE' ? 0 : 1,
        }
      },
      rels: {},
    },
    {
      type: 'reviewSubmissions',
      attributeNames: 'platform state submittedDate'.split(' '),
      records: s.reviewSubmissions,
      attributes: (id) => {
        const r = must(s.reviewSubmissions, id)
        return {
          platform: r.platform,
          state: r.state,
          ...(r.submittedAt !== null ? { submittedDate: iso(r.submittedAt) } : {}),
        }
      },
      rels: {
        app: rel('apps', false, (id) => must(s.reviewSubmissions, id).appId),
        items: rel('reviewSubmissionItems', true, (id) => s.itemsOf(id).map((i) => i.id)),
        appStoreVersionForReview: rel('appStoreVersions', false, (id) => s.itemsOf(id)[0]?.versionId ?? null),
      },
    },
    {
      type: 'reviewSubmissionItems',
      attributeNames: 'state'.split(' '),
      records: s.reviewSubmissionItems,
      attributes: (id) => ({ state: must(s.reviewSubmissionItems, id).state }),
      rels: {
        appStoreVersion: rel('appStoreVersions', false, (id) => must(s.reviewSubmissionItems, id).versionId),
      },
    },
    {
      type: 'buildUploads',
      attributeNames:
        'cfBundleShortVersionString cfBundleVersion createdDate platform state uploadedDate'.split(' '),
      records: uploads.uploads,
      attributes: (id) => uploadAttributes(must(uploads.uploads, id)),
      rels: {
        build: rel('builds', false, (id) => must(uploads.uploads, id).buildId),
        assetFile: rel(
          'buildUploadFiles',
          false,
          (id) => uploads.filesOf(id).find((f) => f.assetType === 'ASSET')?.id ?? null,
        ),
        buildUploadFiles: rel('buildUploadFiles', true, () => null),
      },
    },
    {
      type: 'buildUploadFiles',
      attributeNames:
        'fileName fileSize uti assetType assetToken assetDeliveryState sourceFileChecksums uploadOperations'.split(
          ' ',
        ),
      records: uploads.files,
      attributes: (id) => fileAttributes(ctx, must(uploads.files, id)),
      rels: {},
    },
  ]
  return new Map(defs.map((d) => [d.type, d]))
}
