import * as z from 'zod'
import type { Route } from './call'
import { byId, collection, related, update } from './route'

const APP_INCLUDES = [
  'betaGroups',
  'appStoreVersions',
  'builds',
  'betaAppLocalizations',
  'betaAppReviewDetail',
]

// Only the content rights declaration is writable here; the other app attributes are not Ascent's to change.
const AppUpdate = z.strictObject({
  type: z.literal('apps'),
  id: z.string(),
  attributes: z
    .strictObject({
      contentRightsDeclaration: z
        .enum(['DOES_NOT_USE_THIRD_PARTY_CONTENT', 'USES_THIRD_PARTY_CONTENT'])
        .nullable()
        .optional(),
    })
    .optional(),
})

export const appRoutes: readonly Route[] = [
  collection('GET /v1/apps', 'AppsResponse', {
    paged: true,
    filters: ['bundleId', 'name', 'sku', 'id'],
    include: APP_INCLUDES,
  }),
  byId('GET /v1/apps/{id}', 'AppResponse', APP_INCLUDES),
  update(
    'PATCH /v1/apps/{id}',
    'AppResponse',
    (ctx) => ctx.store.apps,
    AppUpdate,
    (_c, app, d) => {
      const value = d.attributes?.contentRightsDeclaration
      if (value !== undefined) app.contentRightsDeclaration = value
    },
  ),
  // Every seeded app has a price schedule and availability (App Review needs both); they share the app's id.
  related('GET /v1/apps/{id}/appPriceSchedule', 'AppPriceScheduleResponse'),
  related('GET /v1/apps/{id}/appAvailabilityV2', 'AppAvailabilityV2Response'),
]
