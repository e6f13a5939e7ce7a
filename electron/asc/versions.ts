import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { BuildResource, toBuild, type Build } from './builds'
import {
  AppVersionStateSchema,
  optBool,
  optString,
  PlatformSchema,
  RELEASE_TYPES,
  ReleaseTypeSchema,
  type AppVersionState,
  type Platform,
  type ReleaseType,
} from './enums'
import {
  findIncluded,
  linkTo,
  optionalDocument,
  resource,
  singleDocument,
  ToOne,
  type IncludedItem,
} from './json-api'
import {
  PHASED_RELEASE_FIELDS,
  PhasedReleaseResource,
  toPhasedRelease,
  type PhasedRelease,
} from './phased-releases'

export interface AppStoreVersion {
  readonly id: string
  readonly platform: Platform | 'UNKNOWN' | null
  readonly versionString: string
  readonly state: AppVersionState | null
  readonly releaseType: ReleaseType | null
  readonly earliestReleaseDate: string | null
  readonly copyright: string | null
  readonly downloadable: boolean | null
  readonly createdDate: string | null
  /** The attached build; null when none is attached (every read here includes it). */
  readonly build: Build | null
  /** The phased release; null when phased release is off. */
  readonly phasedRelease: PhasedRelease | null
}

type ReleaseTypeInput = (typeof RELEASE_TYPES)[number]

export const AppStoreVersionResource = resource(
  'appStoreVersions',
  {
    platform: PlatformSchema,
    versionString: z.string(),
    appVersionState: AppVersionStateSchema,
    releaseType: ReleaseTypeSchema,
    earliestReleaseDate: optString,
    copyright: optString,
    downloadable: optBool,
    createdDate: optString,
  },
  { build: ToOne, appStoreVersionPhasedRelease: ToOne },
)

/** Version, its build and its phased release in one answer. */
const VERSION_QUERY = {
  include: ['build', 'appStoreVersionPhasedRelease'],
  'fields[appStoreVersions]': [
    'platform',
    'versionString',
    'appVersionState',
    'releaseType',
    'earliestReleaseDate',
    'copyright',
    'downloadable',
    'createdDate',
    'build',
    'appStoreVersionPhasedRelease',
  ],
  'fields[builds]': ['version', 'uploadedDate', 'expired', 'processingState', 'usesNonExemptEncryption'],
  'fields[appStoreVersionPhasedReleases]': PHASED_RELEASE_FIELDS,
} as const

function toVersion(
  r: z.infer<typeof AppStoreVersionResource>,
  included: readonly IncludedItem[],
): AppStoreVersion {
  const a = r.attributes
  const build = findIncluded(included, r.relationships.build?.data, BuildResource)
  const phased = findIncluded(
    included,
    r.relationships.appStoreVersionPhasedRelease?.data,
    PhasedReleaseResource,
  )
  return {
    id: r.id,
    platform: a.platform,
    versionString: a.versionString,
    state: a.appVersionState,
    releaseType: a.releaseType,
    earliestReleaseDate: a.earliestReleaseDate,
    copyright: a.copyright,
    downloadable: a.downloadable,
    createdDate: a.createdDate,
    // Apple answers `data: null` for an empty to-one; the sandbox leaves `data` out. Both mean none.
    build: build ? toBuild(build, included) : null,
    phasedRelease: phased ? toPhasedRelease(phased) : null,
  }
}

const Single = singleDocument(AppStoreVersionResource).transform((d) => toVersion(d.data, d.included))

/** A version as another resource's answer includes it: its own attributes, not its build or phased release. */
export type IncludedVersion = Omit<AppStoreVersion, 'build' | 'phasedRelease'>

/** The fields of a version included in another resource's answer (an include cannot reach its build). */
export const INCLUDED_VERSION_FIELDS = VERSION_QUERY['fields[appStoreVersions]'].filter(
  (f) => f !== 'build' && f !== 'appStoreVersionPhasedRelease',
)

export function toIncludedVersion(r: z.infer<typeof AppStoreVersionResource>): IncludedVersion {
  const { build: _build, phasedRelease: _phased, ...version } = toVersion(r, [])
  return version
}

export interface VersionFilter {
  readonly platform?: Platform
  readonly versionString?: string
  readonly states?: readonly AppVersionState[]
  readonly signal?: AbortSignal
}

/** An app's App Store versions with their build and phased release included: one call per 200 versions. */
export async function listAppStoreVersions(
  client: AscClient,
  appId: string,
  filter: VersionFilter = {},
): Promise<readonly AppStoreVersion[]> {
  const page = await client.getAll(`/v1/apps/${encodeURIComponent(appId)}/appStoreVersions`, {
    query: {
      'filter[platform]': filter.platform,
      'filter[versionString]': filter.versionString,
      'filter[appVersionState]': filter.states,
      ...VERSION_QUERY,
    },
    item: AppStoreVersionResource,
    signal: filter.signal,
  })
  return page.data.map((r) => toVersion(r, page.included))
}

async function getAppStoreVersion(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppStoreVersion> {
  return client.request('GET', `/v1/appStoreVersions/${encodeURIComponent(versionId)}`, {
    query: VERSION_QUERY,
    schema: Single,
    signal: options.signal,
  })
}

export interface VersionAttributes {
  readonly copyright?: string | null
  readonly releaseType?: ReleaseTypeInput
  /** ISO 8601 on the hour ("App Store Connect rejects minutes"); null clears it. Only with SCHEDULED. */
  readonly earliestReleaseDate?: string | null
  readonly downloadable?: boolean
}

function attributeBody(
  input: VersionAttributes & { readonly versionString?: string },
): Record<string, string | boolean | null> {
  const out: Record<string, string | boolean | null> = {}
  if (input.versionString !== undefined) out.versionString = input.versionString
  if (input.copyright !== undefined) out.copyright = input.copyright
  if (input.releaseType !== undefined) out.releaseType = input.releaseType
  if (input.earliestReleaseDate !== undefined) out.earliestReleaseDate = input.earliestReleaseDate
  if (input.downloadable !== undefined) out.downloadable = input.downloadable
  return out
}

function sameInstant(a: string | null, b: string | null | undefined): boolean {
  if (b === undefined) return true
  if (a === null || b === null) return a === b
  return Date.parse(a) === Date.parse(b)
}

function matches(
  version: AppStoreVersion,
  input: VersionAttributes & { readonly versionString?: string; readonly buildId?: string },
): boolean {
  return (
    (input.versionString === undefined || version.versionString === input.versionString) &&
    (input.copyright === undefined || version.copyright === input.copyright) &&
    (input.releaseType === undefined || version.releaseType === input.releaseType) &&
    (input.downloadable === undefined || version.downloadable === input.downloadable) &&
    sameInstant(version.earliestReleaseDate, input.earliestReleaseDate) &&
    (input.buildId === undefined || version.build?.id === input.buildId)
  )
}

/**
 * Creates a version with its settings and (optionally) its build in ONE call. After an ambiguous
 * failure the app's versions with that platform and versionString are read back.
 * Apple's rules come back as 409 (another version open, versionString used before).
 */
export async function createAppStoreVersion(
  client: AscClient,
  input: VersionAttributes & {
    readonly appId: string
    readonly platform: Platform
    readonly versionString: string
    readonly buildId?: string
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppStoreVersion> {
  // `downloadable` is not accepted on create (AppStoreVersionCreateRequest), only on update.
  const { downloadable: _notOnCreate, ...settings } = input
  const attributes = {
    ...attributeBody(settings),
    platform: input.platform,
    versionString: input.versionString,
  }
  return client.mutate({
    method: 'POST',
    path: '/v1/appStoreVersions',
    body: {
      data: {
        type: 'appStoreVersions',
        attributes,
        relationships: {
          app: linkTo('apps', input.appId),
          ...(input.buildId === undefined ? {} : { build: linkTo('builds', input.buildId) }),
        },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const [found] = await listAppStoreVersions(client, input.appId, {
        platform: input.platform,
        versionString: input.versionString,
        signal,
      })
      return found ? applied(found) : notApplied
    },
  })
}

/**
 * Changes a version's settings, its versionString (to reuse an open version for a new release) and
 * its build in ONE PATCH. Only the given fields are sent.
 */
export async function updateAppStoreVersion(
  client: AscClient,
  input: VersionAttributes & {
    readonly id: string
    readonly versionString?: string
    readonly buildId?: string
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppStoreVersion> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/appStoreVersions/${encodeURIComponent(input.id)}`,
    body: {
      data: {
        type: 'appStoreVersions',
        id: input.id,
        attributes: attributeBody(input),
        ...(input.buildId === undefined ? {} : { relationships: { build: linkTo('builds', input.buildId) } }),
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const version = await getAppStoreVersion(client, input.id, { signal })
      return matches(version, input) ? applied(version) : notApplied
    },
  })
}

/** The build attached to a version, or null. One call. */
export async function getVersionBuild(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Build | null> {
  const doc = await client.request('GET', `/v1/appStoreVersions/${encodeURIComponent(versionId)}/build`, {
    schema: optionalDocument(BuildResource),
    signal: options.signal,
  })
  return doc.data ? toBuild(doc.data, doc.included) : null
}

/** PATCH /v1/appStoreVersions/{id}/relationships/build (204), checked by reading the version's build back. */
export async function attachBuildToVersion(
  client: AscClient,
  input: { readonly versionId: string; readonly buildId: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'PATCH',
    path: `/v1/appStoreVersions/${encodeURIComponent(input.versionId)}/relationships/build`,
    body: linkTo('builds', input.buildId),
    schema: z.undefined(),
    signal: options.signal,
    alreadyApplied: async (signal) =>
      (await getVersionBuild(client, input.versionId, { signal }))?.id === input.buildId
        ? applied(undefined)
        : notApplied,
  })
}
