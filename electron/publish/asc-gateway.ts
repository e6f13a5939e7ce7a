import { z } from 'zod'
import type { Platform } from '../../shared/build-summary'
import type { ReleaseType } from '../../shared/release-settings'
import { applied, notApplied, type AppliedCheck, type AscClient } from '../asc/client'

/**
 * Every App Store Connect call the pipeline makes, as domain functions. Resources are validated with
 * zod at this boundary (loosely: Apple adds attributes; a missing one we rely on is an error).
 */

const Linkage = z.object({ type: z.string(), id: z.string() })
const Resource = z.object({
  type: z.string(),
  id: z.string(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  relationships: z
    .record(z.string(), z.object({ data: z.union([Linkage, z.array(Linkage), z.null()]).optional() }).loose())
    .optional(),
})
type Resource = z.infer<typeof Resource>

export interface AppRecord {
  readonly id: string
  readonly name: string
  readonly bundleId: string
  readonly primaryLocale: string
}
export interface BuildRecord {
  readonly id: string
  /** CFBundleVersion (Apple calls it `version`). */
  readonly buildNumber: string
  readonly processingState: string
  readonly expired: boolean
  readonly usesNonExemptEncryption: boolean | null
  readonly uploadedDate: string | null
}
export interface BetaGroupRecord {
  readonly id: string
  readonly name: string
  readonly isInternal: boolean
  readonly publicLinkEnabled: boolean
}
export interface VersionRecord {
  readonly id: string
  readonly versionString: string
  readonly platform: string
  readonly state: string
  readonly copyright: string | null
  readonly releaseType: string | null
  readonly earliestReleaseDate: string | null
  /** Only when the listing included the build linkage; undefined = unknown. */
  readonly buildId?: string | null
}
export interface ReviewSubmissionRecord {
  readonly id: string
  readonly state: string
  readonly platform: string
  /** The version it holds (Apple's appStoreVersionForReview); null = none; undefined = not asked. */
  readonly versionId?: string | null
  /** Items not REMOVED; undefined = not asked. */
  readonly activeItems?: number
  readonly activeItemIds?: readonly string[]
}
export interface BetaReviewRecord {
  readonly id: string
  readonly state: string
}
export interface BetaAppInfo {
  readonly feedbackEmail: string | null
  readonly contactComplete: boolean
}
export interface VersionAttributes {
  readonly versionString?: string
  readonly copyright?: string | null
  readonly releaseType?: ReleaseType
  readonly earliestReleaseDate?: string | null
}

function str(attrs: Record<string, unknown> | undefined, key: string): string | null {
  const v = attrs?.[key]
  return typeof v === 'string' ? v : null
}
function bool(attrs: Record<string, unknown> | undefined, key: string): boolean | null {
  const v = attrs?.[key]
  return typeof v === 'boolean' ? v : null
}
function related(resource: Resource, name: string): string | null {
  const data = resource.relationships?.[name]?.data
  return data && !Array.isArray(data) ? data.id : null
}

function toApp(r: Resource): AppRecord {
  return {
    id: r.id,
    name: str(r.attributes, 'name') ?? '',
    bundleId: str(r.attributes, 'bundleId') ?? '',
    primaryLocale: str(r.attributes, 'primaryLocale') ?? 'en-US',
  }
}
function toBuild(r: Resource): BuildRecord {
  return {
    id: r.id,
    buildNumber: str(r.attributes, 'version') ?? '',
    processingState: str(r.attributes, 'processingState') ?? 'PROCESSING',
    expired: bool(r.attributes, 'expired') ?? false,
    usesNonExemptEncryption: bool(r.attributes, 'usesNonExemptEncryption'),
    uploadedDate: str(r.attributes, 'uploadedDate'),
  }
}
function toGroup(r: Resource): BetaGroupRecord {
  return {
    id: r.id,
    name: str(r.attributes, 'name') ?? '',
    isInternal: bool(r.attributes, 'isInternalGroup') ?? false,
    publicLinkEnabled: bool(r.attributes, 'publicLinkEnabled') ?? false,
  }
}
function toVersion(r: Resource): VersionRecord {
  const buildData = r.relationships?.build?.data
  return {
    id: r.id,
    versionString: str(r.attributes, 'versionString') ?? '',
    platform: str(r.attributes, 'platform') ?? '',
    state: str(r.attributes, 'appVersionState') ?? str(r.attributes, 'appStoreState') ?? '',
    copyright: str(r.attributes, 'copyright'),
    releaseType: str(r.attributes, 'releaseType'),
    earliestReleaseDate: str(r.attributes, 'earliestReleaseDate'),
    ...(buildData !== undefined
      ? { buildId: buildData && !Array.isArray(buildData) ? buildData.id : null }
      : {}),
  }
}
function toSubmission(r: Resource, included?: readonly Resource[]): ReviewSubmissionRecord {
  const base = {
    id: r.id,
    state: str(r.attributes, 'state') ?? '',
    platform: str(r.attributes, 'platform') ?? '',
  }
  if (!included) return base
  const itemLinks = r.relationships?.items?.data
  const itemIds = Array.isArray(itemLinks) ? itemLinks.map((l) => l.id) : []
  const active = itemIds.filter((id) => {
    const item = included.find((i) => i.type === 'reviewSubmissionItems' && i.id === id)
    return str(item?.attributes, 'state') !== 'REMOVED'
  })
  return {
    ...base,
    versionId: related(r, 'appStoreVersionForReview'),
    activeItems: active.length,
    activeItemIds: active,
  }
}

/** Submissions with what they hold, in the same call (Apple and the sandbox include both). */
const SUBMISSION_INCLUDE = { include: 'items,appStoreVersionForReview', 'limit[items]': '50' }

export interface AscGateway {
  /** The server's clock, from the Date header of the last answer (null before any). */
  serverTime(): number | null
  findApp(bundleId: string): Promise<AppRecord | null>
  listBetaGroups(appId: string): Promise<BetaGroupRecord[]>
  betaAppInfo(appId: string): Promise<BetaAppInfo>
  findBuilds(appId: string, version: string, buildNumber: string, platform: Platform): Promise<BuildRecord[]>
  getBuild(buildId: string): Promise<BuildRecord>
  setExportCompliance(buildId: string, usesNonExemptEncryption: boolean): Promise<void>
  expireBuild(buildId: string): Promise<void>
  buildsInBetaReview(appId: string, platform: Platform): Promise<BuildRecord[]>
  betaBuildLocalizations(buildId: string): Promise<{ id: string; locale: string; whatsNew: string | null }[]>
  createBetaBuildLocalization(buildId: string, locale: string, whatsNew: string): Promise<string>
  updateBetaBuildLocalization(id: string, whatsNew: string): Promise<void>
  addBuildToGroups(buildId: string, groupIds: readonly string[]): Promise<void>
  betaReviewOf(buildId: string): Promise<BetaReviewRecord | null>
  submitForBetaReview(buildId: string): Promise<BetaReviewRecord>
  listVersions(appId: string, platform: Platform): Promise<VersionRecord[]>
  getVersion(versionId: string): Promise<VersionRecord>
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
  versionBuildId(versionId: string): Promise<string | null>
  phasedReleaseOf(versionId: string): Promise<{ id: string; state: string } | null>
  createPhasedRelease(versionId: string): Promise<string>
  deletePhasedRelease(id: string): Promise<void>
  listReviewSubmissions(
    appId: string,
    platform: Platform,
    states: readonly string[],
  ): Promise<ReviewSubmissionRecord[]>
  getReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
  createReviewSubmission(appId: string, platform: Platform): Promise<ReviewSubmissionRecord>
  createReviewItem(submissionId: string, versionId: string): Promise<string>
  submitReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
  cancelReviewSubmission(id: string): Promise<ReviewSubmissionRecord>
}

/** What the pipeline needs from a connection: the client and App Store Connect's clock. */
export interface AscConnection {
  readonly client: Pick<AscClient, 'request' | 'getAll' | 'mutate'>
  /** App Store Connect's clock from the Date header of the latest answer, advanced by local time since; null before any. */
  serverNow(): number | null
}

const Any = z.unknown()
const SingleDoc = z.object({ data: Resource })
const OptionalDoc = z.object({ data: Resource.nullable().optional() })
type Check<T> = () => Promise<T | null>

export function createAscGateway(connection: AscConnection): AscGateway {
  const { client } = connection
  const list = async (path: string, query: Record<string, string> = {}): Promise<Resource[]> => [
    ...(await client.getAll(path, { query, item: Resource })).data,
  ]
  const get = async (path: string, query?: Record<string, string>): Promise<Resource> =>
    (await client.request('GET', path, { schema: SingleDoc, ...(query ? { query } : {}) })).data
  const getOptional = async (path: string): Promise<Resource | null> =>
    (await client.request('GET', path, { schema: OptionalDoc })).data ?? null

  /** A write resent after an ambiguous failure only when `check` finds no effect (client.mutate). */
  function write<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    parse: (doc: unknown) => T,
    check: Check<T>,
  ): Promise<T> {
    return client.mutate({
      method,
      path,
      body,
      schema: Any.transform((doc) => parse(doc)),
      alreadyApplied: async (): Promise<AppliedCheck<T>> => {
        const found = await check()
        return found === null ? notApplied : applied(found)
      },
    })
  }
  const resourceOf = (doc: unknown): Resource => SingleDoc.parse(doc).data
  /** For writes that set absolute values (PATCH): sending twice is harmless, so "not applied" means resend. */
  const resend = async (): Promise<null> => null

  const gateway: AscGateway = {
    serverTime: () => connection.serverNow(),
    async findApp(bundleId) {
      const apps = await list('/v1/apps', { 'filter[bundleId]': bundleId })
      // Apple's filter is not an exact match; only the exact bundle id counts (fastlane checks the same).
      return apps.map(toApp).find((a) => a.bundleId === bundleId) ?? null
    },
    async listBetaGroups(appId) {
      return (await list(`/v1/apps/${appId}/betaGroups`)).map(toGroup)
    },
    async betaAppInfo(appId) {
      const [localizations, detail] = await Promise.all([
        list(`/v1/apps/${appId}/betaAppLocalizations`),
        getOptional(`/v1/apps/${appId}/betaAppReviewDetail`),
      ])
      const feedbackEmail =
        localizations.map((l) => str(l.attributes, 'feedbackEmail')).find((e) => e !== null && e !== '') ??
        null
      const a = detail?.attributes
      const contactComplete = ['contactFirstName', 'contactLastName', 'contactPhone', 'contactEmail'].every(
        (k) => (str(a, k) ?? '') !== '',
      )
      return { feedbackEmail, contactComplete }
    },
    async findBuilds(appId, version, buildNumber, platform) {
      const builds = await list('/v1/builds', {
        'filter[app]': appId,
        'filter[version]': buildNumber,
        'filter[preReleaseVersion.version]': version,
        'filter[preReleaseVersion.platform]': platform,
        'filter[processingState]': 'PROCESSING,FAILED,INVALID,VALID',
        sort: '-uploadedDate',
      })
      return builds.map(toBuild).filter((b) => b.buildNumber === buildNumber)
    },
    async getBuild(buildId) {
      return toBuild(await get(`/v1/builds/${buildId}`))
    },
    async setExportCompliance(buildId, usesNonExemptEncryption) {
      await write(
        'PATCH',
        `/v1/builds/${buildId}`,
        { data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption } } },
        () => undefined,
        resend,
      )
    },
    async expireBuild(buildId) {
      await write(
        'PATCH',
        `/v1/builds/${buildId}`,
        { data: { type: 'builds', id: buildId, attributes: { expired: true } } },
        () => undefined,
        resend,
      )
    },
    async buildsInBetaReview(appId, platform) {
      const builds = await list('/v1/builds', {
        'filter[app]': appId,
        'filter[expired]': 'false',
        'filter[betaAppReviewSubmission.betaReviewState]': 'WAITING_FOR_REVIEW,IN_REVIEW',
        'filter[preReleaseVersion.platform]': platform,
      })
      return builds.map(toBuild)
    },
    async betaBuildLocalizations(buildId) {
      return (await list(`/v1/builds/${buildId}/betaBuildLocalizations`)).map((r) => ({
        id: r.id,
        locale: str(r.attributes, 'locale') ?? '',
        whatsNew: str(r.attributes, 'whatsNew'),
      }))
    },
    createBetaBuildLocalization(buildId, locale, whatsNew) {
      return write(
        'POST',
        '/v1/betaBuildLocalizations',
        {
          data: {
            type: 'betaBuildLocalizations',
            attributes: { locale, whatsNew },
            relationships: { build: { data: { type: 'builds', id: buildId } } },
          },
        },
        (doc) => resourceOf(doc).id,
        async () =>
          (await gateway.betaBuildLocalizations(buildId)).find((l) => l.locale === locale)?.id ?? null,
      )
    },
    async updateBetaBuildLocalization(id, whatsNew) {
      await write(
        'PATCH',
        `/v1/betaBuildLocalizations/${id}`,
        { data: { type: 'betaBuildLocalizations', id, attributes: { whatsNew } } },
        () => undefined,
        resend,
      )
    },
    async addBuildToGroups(buildId, groupIds) {
      // One call for every group (Codemagic posts once per group). JSON:API: adding a member that is
      // already there is a no-op, so resending is harmless.
      await write(
        'POST',
        `/v1/builds/${buildId}/relationships/betaGroups`,
        { data: groupIds.map((id) => ({ type: 'betaGroups', id })) },
        () => undefined,
        resend,
      )
    },
    async betaReviewOf(buildId) {
      const subs = await list('/v1/betaAppReviewSubmissions', { 'filter[build]': buildId })
      const first = subs[0]
      return first ? { id: first.id, state: str(first.attributes, 'betaReviewState') ?? '' } : null
    },
    submitForBetaReview(buildId) {
      return write(
        'POST',
        '/v1/betaAppReviewSubmissions',
        {
          data: {
            type: 'betaAppReviewSubmissions',
            relationships: { build: { data: { type: 'builds', id: buildId } } },
          },
        },
        (doc) => {
          const r = resourceOf(doc)
          return { id: r.id, state: str(r.attributes, 'betaReviewState') ?? '' }
        },
        () => gateway.betaReviewOf(buildId),
      )
    },
    async listVersions(appId, platform) {
      return (await list(`/v1/apps/${appId}/appStoreVersions`, { 'filter[platform]': platform })).map(
        toVersion,
      )
    },
    async getVersion(versionId) {
      return toVersion(await get(`/v1/appStoreVersions/${versionId}`))
    },
    createVersion(appId, platform, attributes, buildId) {
      return write(
        'POST',
        '/v1/appStoreVersions',
        {
          data: {
            type: 'appStoreVersions',
            attributes: { platform, ...withoutUndefined(attributes) },
            relationships: {
              app: { data: { type: 'apps', id: appId } },
              ...(buildId ? { build: { data: { type: 'builds', id: buildId } } } : {}),
            },
          },
        },
        (doc) => toVersion(resourceOf(doc)),
        async () =>
          (await gateway.listVersions(appId, platform)).find(
            (v) => v.versionString === attributes.versionString,
          ) ?? null,
      )
    },
    updateVersion(versionId, attributes, buildId) {
      return write(
        'PATCH',
        `/v1/appStoreVersions/${versionId}`,
        {
          data: {
            type: 'appStoreVersions',
            id: versionId,
            attributes: withoutUndefined(attributes),
            ...(buildId ? { relationships: { build: { data: { type: 'builds', id: buildId } } } } : {}),
          },
        },
        (doc) => toVersion(resourceOf(doc)),
        resend,
      )
    },
    async versionBuildId(versionId) {
      return (await getOptional(`/v1/appStoreVersions/${versionId}/build`))?.id ?? null
    },
    async phasedReleaseOf(versionId) {
      const r = await getOptional(`/v1/appStoreVersions/${versionId}/appStoreVersionPhasedRelease`)
      return r ? { id: r.id, state: str(r.attributes, 'phasedReleaseState') ?? '' } : null
    },
    createPhasedRelease(versionId) {
      // INACTIVE until release, as fastlane does; Codemagic sends no state and leaves it to Apple's default.
      return write(
        'POST',
        '/v1/appStoreVersionPhasedReleases',
        {
          data: {
            type: 'appStoreVersionPhasedReleases',
            attributes: { phasedReleaseState: 'INACTIVE' },
            relationships: { appStoreVersion: { data: { type: 'appStoreVersions', id: versionId } } },
          },
        },
        (doc) => resourceOf(doc).id,
        async () => (await gateway.phasedReleaseOf(versionId))?.id ?? null,
      )
    },
    async deletePhasedRelease(id) {
      await write('DELETE', `/v1/appStoreVersionPhasedReleases/${id}`, undefined, () => undefined, resend)
    },
    async listReviewSubmissions(appId, platform, states) {
      const page = await client.getAll('/v1/reviewSubmissions', {
        query: {
          'filter[app]': appId,
          'filter[platform]': platform,
          'filter[state]': states.join(','),
          ...SUBMISSION_INCLUDE,
        },
        item: Resource,
      })
      const included = page.included.map((i) => Resource.parse(i))
      return page.data.map((r) => toSubmission(r, included))
    },
    async getReviewSubmission(id) {
      const doc = await client.request('GET', `/v1/reviewSubmissions/${id}`, {
        schema: z.object({ data: Resource, included: z.array(Resource).optional() }),
        query: SUBMISSION_INCLUDE,
      })
      return toSubmission(doc.data, doc.included ?? [])
    },
    createReviewSubmission(appId, platform) {
      return write(
        'POST',
        '/v1/reviewSubmissions',
        {
          data: {
            type: 'reviewSubmissions',
            attributes: { platform },
            relationships: { app: { data: { type: 'apps', id: appId } } },
          },
        },
        (doc) => toSubmission(resourceOf(doc)),
        // Only called when no open submission existed, so an open one that appeared is the one we created.
        async () => (await gateway.listReviewSubmissions(appId, platform, ['READY_FOR_REVIEW']))[0] ?? null,
      )
    },
    createReviewItem(submissionId, versionId) {
      return write(
        'POST',
        '/v1/reviewSubmissionItems',
        {
          data: {
            type: 'reviewSubmissionItems',
            relationships: {
              reviewSubmission: { data: { type: 'reviewSubmissions', id: submissionId } },
              appStoreVersion: { data: { type: 'appStoreVersions', id: versionId } },
            },
          },
        },
        (doc) => resourceOf(doc).id,
        async () => {
          // Item listings carry no version linkage unless included; the submission says which version it holds.
          const sub = await gateway.getReviewSubmission(submissionId)
          return sub.versionId === versionId ? (sub.activeItemIds?.[0] ?? null) : null
        },
      )
    },
    submitReviewSubmission(id) {
      return write(
        'PATCH',
        `/v1/reviewSubmissions/${id}`,
        { data: { type: 'reviewSubmissions', id, attributes: { submitted: true } } },
        (doc) => toSubmission(resourceOf(doc)),
        async () => {
          const s = await gateway.getReviewSubmission(id)
          return s.state === 'READY_FOR_REVIEW' ? null : s
        },
      )
    },
    cancelReviewSubmission(id) {
      return write(
        'PATCH',
        `/v1/reviewSubmissions/${id}`,
        { data: { type: 'reviewSubmissions', id, attributes: { canceled: true } } },
        (doc) => toSubmission(resourceOf(doc)),
        async () => {
          const s = await gateway.getReviewSubmission(id)
          return s.state === 'CANCELING' || s.state === 'COMPLETE' ? s : null
        },
      )
    },
  }
  return gateway
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
