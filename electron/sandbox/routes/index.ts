import { parseQuery, type Query } from '../jsonapi'
import type { ResourceDef } from '../resources'
import { appInfoRoutes } from './app-infos'
import { appScreenshotRoutes } from './app-screenshots'
import { appStoreReviewDetailRoutes } from './app-store-review-details'
import { appStoreVersionLocalizationRoutes } from './app-store-version-localizations'
import { appStoreVersionRoutes } from './app-store-versions'
import { appRoutes } from './apps'
import { betaAppInformationRoutes } from './beta-app-information'
import { betaBuildLocalizationRoutes } from './beta-build-localizations'
import { betaGroupRoutes } from './beta-groups'
import { betaReviewRoutes } from './beta-review'
import { buildUploadRoutes } from './build-uploads'
import { buildRoutes } from './builds'
import { phasedReleaseRoutes } from './phased-releases'
import { releaseRequestRoutes } from './release-requests'
import { reviewSubmissionRoutes } from './review-submissions'
import type { Route } from './call'

export type { Route } from './call'

/** Every App Store Connect endpoint the sandbox serves, by area. */
export function routes(): readonly Route[] {
  return [
    ...appRoutes,
    ...buildRoutes,
    ...betaGroupRoutes,
    ...betaBuildLocalizationRoutes,
    ...betaAppInformationRoutes,
    ...betaReviewRoutes,
    ...appStoreVersionRoutes,
    ...appStoreVersionLocalizationRoutes,
    ...appInfoRoutes,
    ...appScreenshotRoutes,
    ...appStoreReviewDetailRoutes,
    ...phasedReleaseRoutes,
    ...releaseRequestRoutes,
    ...reviewSubmissionRoutes,
    ...buildUploadRoutes,
  ]
}

export function parseRouteQuery(route: Route, url: URL, defs: ReadonlyMap<string, ResourceDef>): Query {
  return parseQuery(url, route.query ?? {}, defs)
}
