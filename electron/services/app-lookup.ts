import * as z from 'zod'
import type { Platform } from '../../shared/build-summary'
import { Platform as PlatformSchema } from '../../shared/build-summary'
import type { AppInfo, BetaGroup } from '../../shared/ipc'
import type { AscClient } from '../asc/client'
import { resource } from '../asc/json-api'
import type { AppLookupService } from './types'

const AppResource = resource('apps', { name: z.string().default(''), bundleId: z.string().default('') }, {})
const VersionResource = resource(
  'appStoreVersions',
  {
    platform: z.string().optional(),
    versionString: z.string().default(''),
    appStoreState: z.string().optional(),
    appVersionState: z.string().optional(),
    copyright: z.string().nullish(),
    createdDate: z.string().nullish(),
  },
  {},
)
const BetaGroupResource = resource(
  'betaGroups',
  {
    name: z.string().default(''),
    isInternalGroup: z.boolean().default(false),
    publicLinkEnabled: z.boolean().nullish(),
  },
  {},
)

/** Apple's web UI for an app; the window links to it. */
function appStoreConnectLink(appId: string): string {
  return `https://appstoreconnect.apple.com/apps/${encodeURIComponent(appId)}/distribution`
}

/** "© 2023 Example Inc." → "© <this year> Example Inc.": Apple shows the copyright as typed, and last year's is a common slip. */
export function suggestCopyright(previous: string | null | undefined, year: number): string | null {
  if (!previous) return null
  const replaced = previous.replace(
    /\b(19|20)\d{2}(\s*[-–]\s*(19|20)\d{2})?\b/,
    (match, _c, range: string | undefined) => (range ? `${match.slice(0, 4)}–${year}` : String(year)),
  )
  return replaced === previous && !/\b(19|20)\d{2}\b/.test(previous) ? `${year} ${previous}` : replaced
}

/** App lookup and beta groups for the window, over the App Store Connect client of the current connection. */
export function createAppLookupService(options: {
  readonly client: () => Promise<AscClient>
  readonly now?: () => number
}): AppLookupService {
  const now = options.now ?? Date.now
  return {
    async findApp(bundleId: string, platform: Platform): Promise<AppInfo | null> {
      const client = await options.client()
      const apps = await client.getAll('/v1/apps', {
        query: { 'filter[bundleId]': bundleId, 'fields[apps]': 'name,bundleId' },
        item: AppResource,
      })
      // filter[bundleId] also matches longer ids that start with it; only the exact one is this build's app.
      const app = apps.data.find((a) => a.attributes.bundleId === bundleId)
      if (!app) return null
      const versions = await client.getAll(`/v1/apps/${encodeURIComponent(app.id)}/appStoreVersions`, {
        query: {
          'fields[appStoreVersions]':
            'platform,versionString,appStoreState,appVersionState,copyright,createdDate',
        },
        item: VersionResource,
        maxPages: 5,
      })
      const platforms = [
        ...new Set(
          versions.data
            .map((v) => PlatformSchema.safeParse(v.attributes.platform))
            .flatMap((p) => (p.success ? [p.data] : [])),
        ),
      ]
      const forPlatform = versions.data
        .filter((v) => v.attributes.platform === platform)
        .sort((a, b) => (b.attributes.createdDate ?? '').localeCompare(a.attributes.createdDate ?? ''))
      const current = forPlatform[0]
      const copyright = current?.attributes.copyright ?? null
      return {
        id: app.id,
        name: app.attributes.name,
        bundleId: app.attributes.bundleId,
        platforms: platforms.length > 0 ? platforms : [platform],
        currentVersion: current
          ? {
              id: current.id,
              versionString: current.attributes.versionString,
              state: current.attributes.appVersionState ?? current.attributes.appStoreState ?? 'UNKNOWN',
              copyright,
            }
          : null,
        suggestedCopyright: suggestCopyright(copyright, new Date(now()).getUTCFullYear()),
        link: appStoreConnectLink(app.id),
      }
    },
    async listBetaGroups(appId: string): Promise<readonly BetaGroup[]> {
      const client = await options.client()
      const groups = await client.getAll(`/v1/apps/${encodeURIComponent(appId)}/betaGroups`, {
        query: { 'fields[betaGroups]': 'name,isInternalGroup,publicLinkEnabled' },
        item: BetaGroupResource,
      })
      return groups.data
        .map((g) => ({
          id: g.id,
          name: g.attributes.name,
          isInternal: g.attributes.isInternalGroup,
          ...(g.attributes.publicLinkEnabled == null
            ? {}
            : { publicLinkEnabled: g.attributes.publicLinkEnabled }),
        }))
        .sort((a, b) => Number(b.isInternal) - Number(a.isInternal) || a.name.localeCompare(b.name))
    },
  }
}
