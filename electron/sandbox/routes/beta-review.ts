import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { otherStateInvalid } from '../errors'
import { assertWhatToTest } from '../release-notes'
import { insert } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, collection, create, related } from './route'

const BetaReviewCreate = z.strictObject({
  type: z.literal('betaAppReviewSubmissions'),
  relationships: z.strictObject({ build: toOne('builds') }),
})

export const betaReviewRoutes: readonly Route[] = [
  collection('GET /v1/betaAppReviewSubmissions', 'BetaAppReviewSubmissionsResponse', {
    paged: true,
    filters: ['build', 'betaReviewState'],
    required: ['build'],
    include: ['build'],
  }),
  byId('GET /v1/betaAppReviewSubmissions/{id}', 'BetaAppReviewSubmissionResponse', ['build']),
  related('GET /v1/builds/{id}/betaAppReviewSubmission', 'BetaAppReviewSubmissionWithoutIncludesResponse'),
  create('POST /v1/betaAppReviewSubmissions', 'BetaAppReviewSubmissionResponse', BetaReviewCreate, (c, d) => {
    const s = c.ctx.store
    const build = relatedRecord(
      s.builds,
      'builds',
      d.relationships.build.data.id,
      '/data/relationships/build',
    )
    const existing = s.betaSubmissionOf(build.id)
    if (existing)
      throw otherStateInvalid(
        `Build '${build.version}' was already submitted for beta review (betaAppReviewSubmissions with id '${existing.id}').`,
      )
    if (build.processingState !== 'VALID' || build.expired)
      throw otherStateInvalid(
        `The build is not in a valid state for beta review (processingState ${build.processingState}${build.expired ? ', expired' : ''}).`,
      )
    if (build.usesNonExemptEncryption === null)
      throw otherStateInvalid('The build is missing export compliance information (usesNonExemptEncryption).')
    if (!s.betaAppInfoComplete(build.appId)) {
      throw otherStateInvalid(
        'Beta App Information is missing: provide a feedback email (betaAppLocalizations) and a review contact (betaAppReviewDetails) before submitting for beta review.',
      )
    }
    assertWhatToTest(s, build)
    return insert(s.betaAppReviewSubmissions, {
      id: randomUUID(),
      buildId: build.id,
      state: 'WAITING_FOR_REVIEW' as const,
      submittedAt: s.now(),
      timed: true,
    })
  }),
]
