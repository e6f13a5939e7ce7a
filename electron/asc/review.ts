import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import {
  OPEN_REVIEW_SUBMISSION_STATES,
  optString,
  PlatformSchema,
  ReviewItemStateSchema,
  ReviewSubmissionStateSchema,
  type Platform,
  type ReviewItemState,
  type ReviewSubmissionState,
} from './enums'
import { findIncluded, linkTo, resource, singleDocument, ToMany, ToOne, type IncludedItem } from './json-api'

export interface ReviewSubmissionItem {
  readonly id: string
  readonly state: ReviewItemState | null
  /**
   * The App Store version this item submits, when the answer carried the linkage (the create answer
   * does); null otherwise. Use ReviewSubmission.appStoreVersionId to know what a submission holds.
   */
  readonly appStoreVersionId: string | null
}

export interface ReviewSubmission {
  readonly id: string
  readonly platform: Platform | 'UNKNOWN' | null
  readonly state: ReviewSubmissionState | null
  readonly submittedDate: string | null
  /** Its items when they were included (lists and reads here include them); undefined otherwise. */
  readonly items: readonly ReviewSubmissionItem[] | undefined
  /** The App Store version it submits (Apple's `appStoreVersionForReview`), null when it holds none. */
  readonly appStoreVersionId: string | null
}

const ItemResource = resource(
  'reviewSubmissionItems',
  { state: ReviewItemStateSchema },
  { appStoreVersion: ToOne },
)
const SubmissionResource = resource(
  'reviewSubmissions',
  { platform: PlatformSchema, state: ReviewSubmissionStateSchema, submittedDate: optString },
  { items: ToMany, appStoreVersionForReview: ToOne },
)

function toItem(r: z.infer<typeof ItemResource>): ReviewSubmissionItem {
  return {
    id: r.id,
    state: r.attributes.state,
    appStoreVersionId: r.relationships.appStoreVersion?.data?.id ?? null,
  }
}

function toSubmission(
  r: z.infer<typeof SubmissionResource>,
  included: readonly IncludedItem[],
): ReviewSubmission {
  const links = r.relationships.items?.data
  return {
    id: r.id,
    platform: r.attributes.platform,
    state: r.attributes.state,
    submittedDate: r.attributes.submittedDate,
    items: links?.map((l) => findIncluded(included, l, ItemResource)).flatMap((i) => (i ? [toItem(i)] : [])),
    appStoreVersionId: r.relationships.appStoreVersionForReview?.data?.id ?? null,
  }
}

const Single = singleDocument(SubmissionResource).transform((d) => toSubmission(d.data, d.included))

const SUBMISSION_QUERY = {
  include: ['items', 'appStoreVersionForReview'],
  'fields[reviewSubmissions]': ['platform', 'state', 'submittedDate', 'items', 'appStoreVersionForReview'],
  'fields[appStoreVersions]': ['versionString'],
  'fields[reviewSubmissionItems]': ['state', 'appStoreVersion'],
  'limit[items]': 50,
} as const

/**
 * An app's review submissions for a platform, with their items, in one call. Defaults to the open
 * ones: Apple allows one open submission per app and platform.
 */
export async function listReviewSubmissions(
  client: AscClient,
  input: {
    readonly appId: string
    readonly platform?: Platform
    readonly states?: readonly ReviewSubmissionState[]
    readonly signal?: AbortSignal
  },
): Promise<readonly ReviewSubmission[]> {
  const page = await client.getAll('/v1/reviewSubmissions', {
    query: {
      'filter[app]': input.appId,
      'filter[platform]': input.platform,
      'filter[state]': input.states ?? OPEN_REVIEW_SUBMISSION_STATES,
      ...SUBMISSION_QUERY,
    },
    item: SubmissionResource,
    signal: input.signal,
  })
  return page.data.map((r) => toSubmission(r, page.included))
}

export async function getReviewSubmission(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewSubmission> {
  return client.request('GET', `/v1/reviewSubmissions/${encodeURIComponent(id)}`, {
    query: SUBMISSION_QUERY,
    schema: Single,
    signal: options.signal,
  })
}

/**
 * Creates a review submission. After an ambiguous failure, a READY_FOR_REVIEW submission for the
 * app and platform is taken as ours: Apple allows only one open submission, so a second POST would 409.
 */
export async function createReviewSubmission(
  client: AscClient,
  input: { readonly appId: string; readonly platform: Platform },
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewSubmission> {
  return client.mutate({
    method: 'POST',
    path: '/v1/reviewSubmissions',
    body: {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: input.platform },
        relationships: { app: linkTo('apps', input.appId) },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const [found] = await listReviewSubmissions(client, { ...input, states: ['READY_FOR_REVIEW'], signal })
      return found ? applied(found) : notApplied
    },
  })
}

async function patchSubmission(
  client: AscClient,
  id: string,
  attributes: { readonly submitted?: true; readonly canceled?: true },
  done: (s: ReviewSubmission) => boolean,
  signal: AbortSignal | undefined,
): Promise<ReviewSubmission> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/reviewSubmissions/${encodeURIComponent(id)}`,
    body: { data: { type: 'reviewSubmissions', id, attributes } },
    schema: Single,
    signal,
    alreadyApplied: async (s) => {
      const found = await getReviewSubmission(client, id, { signal: s })
      return done(found) ? applied(found) : notApplied
    },
  })
}

/** Sends the submission to App Review (READY_FOR_REVIEW → WAITING_FOR_REVIEW). */
export async function submitReviewSubmission(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewSubmission> {
  return patchSubmission(
    client,
    id,
    { submitted: true },
    (s) => s.state !== 'READY_FOR_REVIEW',
    options.signal,
  )
}

/** Cancels a submission (→ CANCELING → COMPLETE); wait until no open one is left before creating another. */
export async function cancelReviewSubmission(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewSubmission> {
  return patchSubmission(
    client,
    id,
    { canceled: true },
    (s) => s.state === 'CANCELING' || s.state === 'COMPLETE',
    options.signal,
  )
}

export async function listReviewSubmissionItems(
  client: AscClient,
  submissionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly ReviewSubmissionItem[]> {
  const page = await client.getAll(`/v1/reviewSubmissions/${encodeURIComponent(submissionId)}/items`, {
    query: { 'fields[reviewSubmissionItems]': ['state', 'appStoreVersion'] },
    item: ItemResource,
    signal: options.signal,
  })
  return page.data.map(toItem)
}

/** Adds an App Store version to a submission; checked by reading the submission's items back. */
export async function addVersionToReviewSubmission(
  client: AscClient,
  input: { readonly submissionId: string; readonly versionId: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewSubmissionItem> {
  return client.mutate({
    method: 'POST',
    path: '/v1/reviewSubmissionItems',
    body: {
      data: {
        type: 'reviewSubmissionItems',
        relationships: {
          reviewSubmission: linkTo('reviewSubmissions', input.submissionId),
          appStoreVersion: linkTo('appStoreVersions', input.versionId),
        },
      },
    },
    schema: singleDocument(ItemResource).transform((d) => {
      const item = toItem(d.data)
      // Apple's answer may omit the linkage; we know which version we added.
      return item.appStoreVersionId === null ? { ...item, appStoreVersionId: input.versionId } : item
    }),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const submission = await getReviewSubmission(client, input.submissionId, { signal })
      if (submission.appStoreVersionId !== input.versionId) return notApplied
      const item =
        submission.items?.find((i) => i.appStoreVersionId === input.versionId) ?? submission.items?.[0]
      return item ? applied({ ...item, appStoreVersionId: input.versionId }) : notApplied
    },
  })
}
