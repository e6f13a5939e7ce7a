import type { Route } from './call'
import { byId, collection } from './route'

const APP_INCLUDES = ['betaGroups', 'appStoreVersions', 'builds']

export const appRoutes: readonly Route[] = [
  collection('GET /v1/apps', 'AppsResponse', {
    paged: true,
    filters: ['bundleId', 'name', 'sku', 'id'],
    include: APP_INCLUDES,
  }),
  byId('GET /v1/apps/{id}', 'AppResponse', APP_INCLUDES),
]
