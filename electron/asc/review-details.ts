import * as z from 'zod'
import { isAscApiError } from './api-error'
import { applied, notApplied, type AscClient } from './client'
import { optBool, optString } from './enums'
import { linkTo, optionalDocument, resource, singleDocument } from './json-api'

/** The App Review contact and demo account of one App Store version. */
export interface ReviewDetail {
  readonly id: string
  readonly contactFirstName: string | null
  readonly contactLastName: string | null
  readonly contactPhone: string | null
  readonly contactEmail: string | null
  readonly demoAccountRequired: boolean | null
  readonly demoAccountName: string | null
  readonly demoAccountPassword: string | null
  readonly notes: string | null
}

export type ReviewDetailFields = Partial<Omit<ReviewDetail, 'id'>>

const REVIEW_DETAIL_FIELDS = [
  'contactFirstName',
  'contactLastName',
  'contactPhone',
  'contactEmail',
  'demoAccountRequired',
  'demoAccountName',
  'demoAccountPassword',
  'notes',
] as const

export const ReviewDetailResource = resource(
  'appStoreReviewDetails',
  {
    contactFirstName: optString,
    contactLastName: optString,
    contactPhone: optString,
    contactEmail: optString,
    demoAccountRequired: optBool,
    demoAccountName: optString,
    demoAccountPassword: optString,
    notes: optString,
  },
  {},
)

export function toDetail(r: z.infer<typeof ReviewDetailResource>): ReviewDetail {
  return { id: r.id, ...r.attributes }
}

const Single = singleDocument(ReviewDetailResource).transform((d) => toDetail(d.data))

/** The version's review detail, or null when it has none yet (`data: null`, or 404 as Apple answers then). */
export async function getReviewDetail(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewDetail | null> {
  try {
    const doc = await client.request(
      'GET',
      `/v1/appStoreVersions/${encodeURIComponent(versionId)}/appStoreReviewDetail`,
      { schema: optionalDocument(ReviewDetailResource), signal: options.signal },
    )
    return doc.data ? toDetail(doc.data) : null
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

function matches(found: ReviewDetailFields, wanted: ReviewDetailFields): boolean {
  return REVIEW_DETAIL_FIELDS.every((f) => wanted[f] === undefined || found[f] === wanted[f])
}

export async function createReviewDetail(
  client: AscClient,
  input: ReviewDetailFields & { readonly versionId: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewDetail> {
  const { versionId, ...attributes } = input
  return client.mutate({
    method: 'POST',
    path: '/v1/appStoreReviewDetails',
    body: {
      data: {
        type: 'appStoreReviewDetails',
        attributes,
        relationships: { appStoreVersion: linkTo('appStoreVersions', versionId) },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await getReviewDetail(client, versionId, { signal })
      return found ? applied(found) : notApplied
    },
  })
}

export async function updateReviewDetail(
  client: AscClient,
  input: ReviewDetailFields & { readonly id: string; readonly versionId: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<ReviewDetail> {
  const { id, versionId, ...attributes } = input
  return client.mutate({
    method: 'PATCH',
    path: `/v1/appStoreReviewDetails/${encodeURIComponent(id)}`,
    body: { data: { type: 'appStoreReviewDetails', id, attributes } },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await getReviewDetail(client, versionId, { signal })
      return found && matches(found, attributes) ? applied(found) : notApplied
    },
  })
}
