import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import {
  BetaReviewStateSchema,
  ExternalBetaStateSchema,
  InternalBetaStateSchema,
  optBool,
  optString,
  PlatformSchema,
  PROCESSING_STATES,
  ProcessingStateSchema,
  type BetaReviewState,
  type ExternalBetaState,
  type InternalBetaState,
  type Platform,
  type ProcessingState,
} from './enums'
import { findIncluded, resource, singleDocument, ToOne, type IncludedItem } from './json-api'

export interface Build {
  readonly id: string
  /** CFBundleVersion, the build number. */
  readonly version: string
  readonly uploadedDate: string | null
  readonly expirationDate: string | null
  readonly expired: boolean | null
  readonly processingState: ProcessingState | null
  /** null: not answered yet (the build then waits in MISSING_EXPORT_COMPLIANCE). */
  readonly usesNonExemptEncryption: boolean | null
  readonly minOsVersion: string | null
  /** CFBundleShortVersionString and platform; null when not included (e.g. in a PATCH answer). */
  readonly preReleaseVersion: {
    readonly id: string
    readonly version: string
    readonly platform: Platform | 'UNKNOWN' | null
  } | null
  readonly betaDetail: {
    readonly id: string
    readonly autoNotifyEnabled: boolean | null
    readonly internalBuildState: InternalBetaState | null
    readonly externalBuildState: ExternalBetaState | null
  } | null
  /** The build's beta app review submission, if it has one (and it was included). */
  readonly betaReview: { readonly id: string; readonly state: BetaReviewState | null } | null
}

export const BuildResource = resource(
  'builds',
  {
    version: z.string(),
    uploadedDate: optString,
    expirationDate: optString,
    expired: optBool,
    minOsVersion: optString,
    processingState: ProcessingStateSchema,
    usesNonExemptEncryption: optBool,
  },
  { preReleaseVersion: ToOne, buildBetaDetail: ToOne, betaAppReviewSubmission: ToOne },
)

const PreReleaseVersionResource = resource(
  'preReleaseVersions',
  { version: z.string(), platform: PlatformSchema },
  {},
)
const BuildBetaDetailResource = resource(
  'buildBetaDetails',
  {
    autoNotifyEnabled: optBool,
    internalBuildState: InternalBetaStateSchema,
    externalBuildState: ExternalBetaStateSchema,
  },
  {},
)
const BetaAppReviewSubmissionResource = resource(
  'betaAppReviewSubmissions',
  { betaReviewState: BetaReviewStateSchema },
  {},
)

/** include + sparse fieldsets so one call answers "which build, which version, which TestFlight state". */
export const BUILD_QUERY = {
  include: ['preReleaseVersion', 'buildBetaDetail', 'betaAppReviewSubmission'],
  // Relationship names are fields too: leaving them out would drop the linkage Apple returns.
  'fields[builds]': [
    'version',
    'uploadedDate',
    'expirationDate',
    'expired',
    'minOsVersion',
    'processingState',
    'usesNonExemptEncryption',
    'preReleaseVersion',
    'buildBetaDetail',
    'betaAppReviewSubmission',
  ],
  'fields[preReleaseVersions]': ['version', 'platform'],
  'fields[buildBetaDetails]': ['autoNotifyEnabled', 'internalBuildState', 'externalBuildState'],
  'fields[betaAppReviewSubmissions]': ['betaReviewState'],
} as const

export function toBuild(r: z.infer<typeof BuildResource>, included: readonly IncludedItem[]): Build {
  const a = r.attributes
  const pre = findIncluded(included, r.relationships.preReleaseVersion?.data, PreReleaseVersionResource)
  const detail = findIncluded(included, r.relationships.buildBetaDetail?.data, BuildBetaDetailResource)
  const review = findIncluded(
    included,
    r.relationships.betaAppReviewSubmission?.data,
    BetaAppReviewSubmissionResource,
  )
  return {
    id: r.id,
    version: a.version,
    uploadedDate: a.uploadedDate,
    expirationDate: a.expirationDate,
    expired: a.expired,
    processingState: a.processingState,
    usesNonExemptEncryption: a.usesNonExemptEncryption,
    minOsVersion: a.minOsVersion,
    preReleaseVersion: pre
      ? { id: pre.id, version: pre.attributes.version, platform: pre.attributes.platform }
      : null,
    betaDetail: detail
      ? {
          id: detail.id,
          autoNotifyEnabled: detail.attributes.autoNotifyEnabled,
          internalBuildState: detail.attributes.internalBuildState,
          externalBuildState: detail.attributes.externalBuildState,
        }
      : null,
    betaReview: review ? { id: review.id, state: review.attributes.betaReviewState } : null,
  }
}

export interface BuildFilter {
  readonly appId: string
  /** CFBundleShortVersionString (the pre-release version). */
  readonly version?: string
  /** CFBundleVersion (Apple's `filter[version]` on builds is the build number). */
  readonly buildNumber?: string
  readonly platform?: Platform
  /** Defaults to all four: Apple leaves some out otherwise (fastlane always passes all of them). */
  readonly processingStates?: readonly ProcessingState[]
  readonly expired?: boolean
  /** Builds whose beta app review submission is in one of these states. */
  readonly betaReviewStates?: readonly BetaReviewState[]
  readonly signal?: AbortSignal
}

/** Builds of an app, newest upload first, each with its version, platform and TestFlight state. One call per 200 builds. */
export async function findBuilds(client: AscClient, filter: BuildFilter): Promise<readonly Build[]> {
  const page = await client.getAll('/v1/builds', {
    query: {
      'filter[app]': filter.appId,
      'filter[version]': filter.buildNumber,
      'filter[preReleaseVersion.version]': filter.version,
      'filter[preReleaseVersion.platform]': filter.platform,
      'filter[processingState]': filter.processingStates ?? PROCESSING_STATES,
      'filter[expired]': filter.expired === undefined ? undefined : String(filter.expired),
      'filter[betaAppReviewSubmission.betaReviewState]': filter.betaReviewStates,
      sort: '-uploadedDate',
      ...BUILD_QUERY,
    },
    item: BuildResource,
    signal: filter.signal,
  })
  return page.data.map((r) => toBuild(r, page.included))
}

export async function getBuild(
  client: AscClient,
  buildId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Build> {
  const doc = await client.request('GET', `/v1/builds/${encodeURIComponent(buildId)}`, {
    query: BUILD_QUERY,
    schema: singleDocument(BuildResource),
    signal: options.signal,
  })
  return toBuild(doc.data, doc.included)
}

export interface BuildPatch {
  /** The export compliance answer (Info.plist ITSAppUsesNonExemptEncryption). */
  readonly usesNonExemptEncryption?: boolean
  /** true removes the build from TestFlight testing (it cannot be undone). */
  readonly expired?: boolean
}

/**
 * PATCH /v1/builds/{id}. After an ambiguous failure the build is read back; if it already has the
 * asked values the PATCH is not sent again. The answer carries no included resources, so the
 * returned build has `preReleaseVersion`, `betaDetail` and `betaReview` null unless it came from the check.
 */
export async function patchBuild(
  client: AscClient,
  buildId: string,
  patch: BuildPatch,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Build> {
  const attributes: Record<string, boolean> = {}
  if (patch.usesNonExemptEncryption !== undefined)
    attributes.usesNonExemptEncryption = patch.usesNonExemptEncryption
  if (patch.expired !== undefined) attributes.expired = patch.expired
  const doc = await client.mutate({
    method: 'PATCH',
    path: `/v1/builds/${encodeURIComponent(buildId)}`,
    body: { data: { type: 'builds', id: buildId, attributes } },
    schema: singleDocument(BuildResource).transform((d) => toBuild(d.data, d.included)),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const build = await getBuild(client, buildId, { signal })
      const done =
        (patch.usesNonExemptEncryption === undefined ||
          build.usesNonExemptEncryption === patch.usesNonExemptEncryption) &&
        (patch.expired === undefined || build.expired === patch.expired)
      return done ? applied(build) : notApplied
    },
  })
  return doc
}
