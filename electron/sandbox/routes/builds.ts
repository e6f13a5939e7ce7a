import * as z from 'zod'
import { attributeInvalid } from '../errors'
import type { QuerySpec } from '../jsonapi'
import type { Route } from './call'
import { byId, collection, related, update } from './route'

const BUILD_INCLUDES = [
  'preReleaseVersion',
  'buildBetaDetail',
  'app',
  'betaGroups',
  'betaAppReviewSubmission',
  'buildUpload',
]
const BUILD_QUERY: QuerySpec = {
  paged: true,
  filters: [
    'app',
    'id',
    'version',
    'expired',
    'processingState',
    'preReleaseVersion',
    'preReleaseVersion.version',
    'preReleaseVersion.platform',
    'betaGroups',
    'betaAppReviewSubmission.betaReviewState',
    'buildUpload',
  ],
  include: BUILD_INCLUDES,
  sort: ['uploadedDate', '-uploadedDate', 'version', '-version'],
}

const BuildUpdate = z.strictObject({
  type: z.literal('builds'),
  id: z.string(),
  attributes: z
    .strictObject({ expired: z.boolean().nullable(), usesNonExemptEncryption: z.boolean().nullable() })
    .partial()
    .optional(),
  relationships: z.strictObject({ appEncryptionDeclaration: z.unknown() }).partial().optional(),
})

export const buildRoutes: readonly Route[] = [
  collection('GET /v1/builds', 'BuildsResponse', BUILD_QUERY),
  related('GET /v1/apps/{id}/builds', 'BuildsWithoutIncludesResponse', { query: { paged: true } }),
  byId('GET /v1/builds/{id}', 'BuildResponse', BUILD_INCLUDES),
  update(
    'PATCH /v1/builds/{id}',
    'BuildResponse',
    (ctx) => ctx.store.builds,
    BuildUpdate,
    (_c, build, d) => {
      const a = d.attributes ?? {}
      if (a.usesNonExemptEncryption != null) {
        if (
          build.usesNonExemptEncryption !== null &&
          build.usesNonExemptEncryption !== a.usesNonExemptEncryption
        ) {
          throw attributeInvalid(
            'The export compliance answer of this build has already been given.',
            '/data/attributes/usesNonExemptEncryption',
          )
        }
        build.usesNonExemptEncryption = a.usesNonExemptEncryption
      }
      if (a.expired === false && build.expired)
        throw attributeInvalid('An expired build cannot be un-expired.', '/data/attributes/expired')
      if (a.expired) build.expired = true
    },
  ),
  related('GET /v1/builds/{id}/buildBetaDetail', 'BuildBetaDetailResponse'),
  collection('GET /v1/buildBetaDetails', 'BuildBetaDetailsResponse', {
    paged: true,
    filters: ['build', 'id'],
  }),
  byId('GET /v1/buildBetaDetails/{id}', 'BuildBetaDetailResponse'),
  related('GET /v1/builds/{id}/preReleaseVersion', 'PrereleaseVersionWithoutIncludesResponse'),
  collection('GET /v1/preReleaseVersions', 'PreReleaseVersionsResponse', {
    paged: true,
    filters: ['app', 'version', 'platform', 'id'],
  }),
]
