import * as z from 'zod'
import type { AscClient } from '../asc/client'
import {
  APP_VERSION_STATES,
  BetaReviewStateSchema,
  optNumber,
  optString,
  PhasedReleaseStateSchema,
  PlatformSchema,
  ProcessingStateSchema,
  ReleaseTypeSchema,
  ReviewSubmissionStateSchema,
} from '../asc/enums'
import { compareVersionStrings } from '../asc/version-order'
import { collectionDocument, findIncluded, resource, ToMany, ToOne, type IncludedItem } from '../asc/json-api'
import type { AppStatus, BuildStatus, VersionIds, VersionStatus } from '../../shared/release-status'

/** An app's status plus the ids an action needs, index for index with `status.versions`. */
export type ReleaseSnapshot = {
  readonly appId: string
  readonly status: AppStatus
  readonly versionIds: readonly VersionIds[]
}

export type AppRef = { readonly id: string; readonly bundleId: string; readonly name: string }

/** How many of the newest builds the status shows. */
const RECENT_BUILDS = 10

const VersionResource = resource(
  'appStoreVersions',
  {
    platform: PlatformSchema,
    versionString: z.string(),
    appStoreState: optString,
    appVersionState: optString,
    releaseType: ReleaseTypeSchema,
    earliestReleaseDate: optString,
    createdDate: optString,
  },
  { build: ToOne, appStoreVersionPhasedRelease: ToOne },
)
const VersionBuildResource = resource('builds', { version: z.string() }, {})
const PhasedResource = resource(
  'appStoreVersionPhasedReleases',
  { phasedReleaseState: PhasedReleaseStateSchema, currentDayNumber: optNumber },
  {},
)
const SubmissionResource = resource(
  'reviewSubmissions',
  { state: ReviewSubmissionStateSchema, submittedDate: optString },
  { appStoreVersionForReview: ToOne },
)
const BuildResource = resource(
  'builds',
  { version: z.string(), uploadedDate: optString, processingState: ProcessingStateSchema },
  { preReleaseVersion: ToOne, betaAppReviewSubmission: ToOne, betaGroups: ToMany },
)
const TrainResource = resource('preReleaseVersions', { version: z.string() }, {})
const BetaReviewResource = resource(
  'betaAppReviewSubmissions',
  { betaReviewState: BetaReviewStateSchema },
  {},
)
const GroupResource = resource('betaGroups', { name: z.string() }, {})

/** Every version but those a newer one replaced: what was submitted, what is on sale, what is being prepared. */
const LIVE_VERSION_STATES = APP_VERSION_STATES.filter((s) => s !== 'REPLACED_WITH_NEW_VERSION')

/**
 * One read of an app's release status in three calls: versions with their build and phased release
 * included, review submissions with the version each one is for, and the newest builds with their
 * train, beta review and groups included. Sparse fieldsets keep each answer to what is shown.
 */
export async function readAppStatus(
  client: AscClient,
  app: AppRef,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReleaseSnapshot> {
  const signal = options.signal
  const [versions, submissions, builds] = await Promise.all([
    client.getAll(`/v1/apps/${encodeURIComponent(app.id)}/appStoreVersions`, {
      query: {
        'filter[appVersionState]': LIVE_VERSION_STATES,
        include: ['build', 'appStoreVersionPhasedRelease'],
        'fields[appStoreVersions]': [
          'platform',
          'versionString',
          'appStoreState',
          'appVersionState',
          'releaseType',
          'earliestReleaseDate',
          'createdDate',
          'build',
          'appStoreVersionPhasedRelease',
        ],
        'fields[builds]': ['version'],
        'fields[appStoreVersionPhasedReleases]': ['phasedReleaseState', 'currentDayNumber'],
      },
      item: VersionResource,
      ...(signal ? { signal } : {}),
    }),
    client.getAll('/v1/reviewSubmissions', {
      query: {
        'filter[app]': app.id,
        include: ['appStoreVersionForReview'],
        'fields[reviewSubmissions]': ['state', 'submittedDate', 'appStoreVersionForReview'],
        'fields[appStoreVersions]': ['versionString'],
      },
      item: SubmissionResource,
      ...(signal ? { signal } : {}),
    }),
    client.request('GET', '/v1/builds', {
      query: {
        'filter[app]': app.id,
        sort: '-uploadedDate',
        limit: RECENT_BUILDS,
        include: ['preReleaseVersion', 'betaAppReviewSubmission', 'betaGroups'],
        'fields[builds]': [
          'version',
          'uploadedDate',
          'processingState',
          'preReleaseVersion',
          'betaAppReviewSubmission',
          'betaGroups',
        ],
        'fields[preReleaseVersions]': ['version'],
        'fields[betaAppReviewSubmissions]': ['betaReviewState'],
        'fields[betaGroups]': ['name'],
      },
      schema: collectionDocument(BuildResource),
      ...(signal ? { signal } : {}),
    }),
  ])

  // The newest submission of each version tells where its review stands.
  const submissionOf = new Map<string, z.infer<typeof SubmissionResource>>()
  const newest = [...submissions.data].sort((a, b) =>
    (b.attributes.submittedDate ?? '\uffff').localeCompare(a.attributes.submittedDate ?? '\uffff'),
  )
  for (const s of newest) {
    const versionId = s.relationships.appStoreVersionForReview?.data?.id
    if (versionId && !submissionOf.has(versionId)) submissionOf.set(versionId, s)
  }

  // Newest version first, compared as numbers part by part (1.10 above 1.9), as App Store Connect orders them;
  // one version on several platforms in a fixed platform order, then the one created last.
  const ordered = versions.data
    .map((v, index) => ({ v, index }))
    .sort(
      (a, b) =>
        compareVersionStrings(b.v.attributes.versionString, a.v.attributes.versionString) ||
        (a.v.attributes.platform ?? '').localeCompare(b.v.attributes.platform ?? '') ||
        (b.v.attributes.createdDate ?? '').localeCompare(a.v.attributes.createdDate ?? '') ||
        b.index - a.index,
    )
    .map((x) => x.v)
  const rows = ordered.map((v) => versionRow(v, versions.included, submissionOf.get(v.id) ?? null))
  return {
    appId: app.id,
    status: {
      bundleId: app.bundleId,
      appName: app.name,
      versions: rows.map((r) => r.status),
      builds: builds.data.map((b) => buildRow(b, builds.included)),
    },
    versionIds: rows.map((r) => r.ids),
  }
}

function versionRow(
  v: z.infer<typeof VersionResource>,
  included: readonly IncludedItem[],
  submission: z.infer<typeof SubmissionResource> | null,
): { readonly status: VersionStatus; readonly ids: VersionIds } {
  const a = v.attributes
  const build = findIncluded(included, v.relationships.build?.data, VersionBuildResource)
  const phased = findIncluded(included, v.relationships.appStoreVersionPhasedRelease?.data, PhasedResource)
  return {
    status: {
      platform: a.platform ?? 'UNKNOWN',
      versionString: a.versionString,
      appStoreState: a.appStoreState ?? a.appVersionState ?? 'UNKNOWN',
      releaseType: a.releaseType,
      earliestReleaseDate: a.earliestReleaseDate,
      reviewSubmissionState: submission?.attributes.state ?? null,
      build: build?.attributes.version ?? null,
      phasedRelease: phased
        ? {
            state: phased.attributes.phasedReleaseState ?? 'UNKNOWN',
            currentDayNumber: phased.attributes.currentDayNumber ?? 0,
          }
        : null,
    },
    ids: { versionId: v.id, reviewSubmissionId: submission?.id ?? null, phasedReleaseId: phased?.id ?? null },
  }
}

function buildRow(b: z.infer<typeof BuildResource>, included: readonly IncludedItem[]): BuildStatus {
  const train = findIncluded(included, b.relationships.preReleaseVersion?.data, TrainResource)
  const review = findIncluded(included, b.relationships.betaAppReviewSubmission?.data, BetaReviewResource)
  const groups = (b.relationships.betaGroups?.data ?? []).flatMap((link) => {
    const g = findIncluded(included, link, GroupResource)
    return g ? [g.attributes.name] : []
  })
  return {
    version: train?.attributes.version ?? '',
    buildNumber: b.attributes.version,
    processingState: b.attributes.processingState ?? 'UNKNOWN',
    betaReviewState: review?.attributes.betaReviewState ?? null,
    groups,
  }
}
