import type * as z from 'zod'
import type { AscClient } from './client'
import { findIncluded, resource, singleDocument, ToMany, ToOne } from './json-api'
import { getReviewDetail, ReviewDetailResource, toDetail, type ReviewDetail } from './review-details'
import {
  listVersionTexts,
  TEXT_FIELDS,
  toVersionText,
  VersionTextResource,
  type VersionText,
} from './version-localizations'

/** What App Review reads of one App Store version: its text in every locale and its App Review contact. */
export interface VersionDetails {
  readonly texts: readonly VersionText[]
  readonly reviewDetail: ReviewDetail | null
}

const VersionWithDetails = resource(
  'appStoreVersions',
  {},
  { appStoreVersionLocalizations: ToMany, appStoreReviewDetail: ToOne },
)
/** Apple offers ~40 locales; a version holding this many may have been cut, and its localizations are listed. */
const INCLUDED_LOCALIZATIONS = 50

/**
 * The version's localizations and review detail in one answer (`include`), where they took two calls; the release
 * notes check and the App Store readiness check of a publish share it.
 */
export async function readVersionDetails(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<VersionDetails> {
  const { signal } = options
  const doc = await client.request('GET', `/v1/appStoreVersions/${encodeURIComponent(versionId)}`, {
    query: {
      'fields[appStoreVersions]': ['appStoreVersionLocalizations', 'appStoreReviewDetail'],
      include: ['appStoreVersionLocalizations', 'appStoreReviewDetail'],
      ...TEXT_FIELDS,
      'limit[appStoreVersionLocalizations]': INCLUDED_LOCALIZATIONS,
    },
    schema: singleDocument(VersionWithDetails),
    signal,
  })
  const rels = doc.data.relationships
  const links = rels.appStoreVersionLocalizations?.data
  const found = links?.map((l) => findIncluded(doc.included, l, VersionTextResource))
  const complete =
    links !== undefined && links.length < INCLUDED_LOCALIZATIONS && found?.every((t) => t !== null)
  const review = rels.appStoreReviewDetail
  const included = findIncluded(doc.included, review?.data, ReviewDetailResource)
  const [texts, reviewDetail] = await Promise.all([
    complete
      ? (found as z.infer<typeof VersionTextResource>[]).map(toVersionText)
      : listVersionTexts(client, versionId, { signal }),
    // An empty to-one comes without data (Apple's schemas allow no `data: null` there): no contact yet.
    review === undefined ? getReviewDetail(client, versionId, { signal }) : included && toDetail(included),
  ])
  return { texts, reviewDetail }
}
