import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { BetaReviewStateSchema, optString, type BetaReviewState } from './enums'
import { linkTo, resource, singleDocument, ToOne } from './json-api'

export interface BetaReviewSubmission {
  readonly id: string
  readonly buildId: string | null
  readonly state: BetaReviewState | null
  readonly submittedDate: string | null
}

const BetaAppReviewSubmissionResource = resource(
  'betaAppReviewSubmissions',
  { betaReviewState: BetaReviewStateSchema, submittedDate: optString },
  { build: ToOne },
)

function toSubmission(
  r: z.infer<typeof BetaAppReviewSubmissionResource>,
  buildId: string | null,
): BetaReviewSubmission {
  return {
    id: r.id,
    buildId: r.relationships.build?.data?.id ?? buildId,
    state: r.attributes.betaReviewState,
    submittedDate: r.attributes.submittedDate,
  }
}

/** The beta app review submission of a build, or null. One call. */
export async function findBetaReviewSubmission(
  client: AscClient,
  buildId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaReviewSubmission | null> {
  const page = await client.getAll('/v1/betaAppReviewSubmissions', {
    query: { 'filter[build]': buildId },
    item: BetaAppReviewSubmissionResource,
    signal: options.signal,
  })
  const first = page.data[0]
  return first ? toSubmission(first, buildId) : null
}

/**
 * Submits a build for external TestFlight review. Apple accepts it only when the build's
 * externalBuildState is READY_FOR_BETA_SUBMISSION and the beta test information is complete
 * (see getBetaAppInfo); otherwise it answers 422/409 with the reason.
 */
export async function submitForBetaReview(
  client: AscClient,
  buildId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaReviewSubmission> {
  return client.mutate({
    method: 'POST',
    path: '/v1/betaAppReviewSubmissions',
    body: { data: { type: 'betaAppReviewSubmissions', relationships: { build: linkTo('builds', buildId) } } },
    schema: singleDocument(BetaAppReviewSubmissionResource).transform((d) => toSubmission(d.data, buildId)),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await findBetaReviewSubmission(client, buildId, { signal })
      return found ? applied(found) : notApplied
    },
  })
}
