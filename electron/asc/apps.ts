import * as z from 'zod'
import type { AscClient } from './client'
import { BetaGroupResource, GROUP_FIELDS, toGroup, type BetaGroupInfo } from './beta-groups'
import { optString } from './enums'
import { contentRightsState, type RequirementState } from './sale-requirements'
import {
  INCLUDED_VERSION_FIELDS,
  AppStoreVersionResource,
  toIncludedVersion,
  type IncludedVersion,
} from './versions'
import {
  collectionDocument,
  findIncluded,
  optionalDocument,
  resource,
  ToMany,
  ToOne,
  type IncludedItem,
} from './json-api'

export interface App {
  readonly id: string
  readonly bundleId: string
  readonly name: string
  readonly sku: string | null
  readonly primaryLocale: string | null
}

const APP_FIELDS = ['bundleId', 'name', 'sku', 'primaryLocale'] as const

const AppResource = resource(
  'apps',
  { bundleId: z.string(), name: z.string(), sku: optString, primaryLocale: optString },
  {},
)

function toApp(r: z.infer<typeof AppResource>): App {
  const a = r.attributes
  return { id: r.id, bundleId: a.bundleId, name: a.name, sku: a.sku, primaryLocale: a.primaryLocale }
}

/**
 * The app record of a bundle id, or null. One call. `filter[bundleId]` can match more loosely than
 * equality (fastlane and Codemagic both re-check), so the exact bundle id is checked here too.
 */
export async function findAppByBundleId(
  client: AscClient,
  bundleId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<App | null> {
  const doc = await client.request('GET', '/v1/apps', {
    query: { 'filter[bundleId]': bundleId, 'fields[apps]': APP_FIELDS, limit: 200 },
    schema: collectionDocument(AppResource),
    signal: options.signal,
  })
  const match = doc.data.find((r) => r.attributes.bundleId === bundleId)
  return match ? toApp(match) : null
}

export interface BetaAppInfo {
  readonly appId: string
  readonly primaryLocale: string | null
  /** Empty when the app's TestFlight test information allows an external beta review submission. */
  readonly missing: readonly string[]
}

const BetaAppReviewDetailResource = resource(
  'betaAppReviewDetails',
  {
    contactFirstName: optString,
    contactLastName: optString,
    contactPhone: optString,
    contactEmail: optString,
  },
  {},
)
const BetaAppLocalizationResource = resource(
  'betaAppLocalizations',
  { locale: z.string(), feedbackEmail: optString },
  {},
)

const REVIEW_CONTACT = ['contactFirstName', 'contactLastName', 'contactPhone', 'contactEmail'] as const

/**
 * Whether TestFlight's "Test Information" is complete enough for an external beta review, with two
 * calls sent in parallel (one round trip). Rules as Codemagic checks them: a feedback email in the
 * primary locale (else the first locale) and all four review contact fields. findAppForPublish reads the
 * same in the app's own lookup.
 */
export async function getBetaAppInfo(
  client: AscClient,
  app: Pick<App, 'id' | 'primaryLocale'>,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaAppInfo> {
  const id = encodeURIComponent(app.id)
  const [detail, localizations] = await Promise.all([
    client.request('GET', `/v1/apps/${id}/betaAppReviewDetail`, {
      query: { 'fields[betaAppReviewDetails]': REVIEW_CONTACT },
      schema: optionalDocument(BetaAppReviewDetailResource),
      signal: options.signal,
    }),
    client.getAll(`/v1/apps/${id}/betaAppLocalizations`, {
      query: { 'fields[betaAppLocalizations]': ['locale', 'feedbackEmail'] },
      item: BetaAppLocalizationResource,
      signal: options.signal,
    }),
  ])
  return betaAppInfoOf(app, detail.data, localizations.data)
}

function betaAppInfoOf(
  app: Pick<App, 'id' | 'primaryLocale'>,
  detail: z.infer<typeof BetaAppReviewDetailResource> | null,
  list: readonly z.infer<typeof BetaAppLocalizationResource>[],
): BetaAppInfo {
  const localization = list.find((l) => l.attributes.locale === app.primaryLocale) ?? list[0] ?? null
  const missing: string[] = []
  if (!localization?.attributes.feedbackEmail) missing.push('feedbackEmail')
  for (const field of REVIEW_CONTACT) if (!detail?.attributes[field]) missing.push(field)
  return { appId: app.id, primaryLocale: app.primaryLocale, missing }
}

/** Included to-many resources are cut at this many (Apple's maximum for limit[…]); a full list may have more. */
const INCLUDED_LIMIT = 50

const AppWithTestflight = resource(
  'apps',
  {
    bundleId: z.string(),
    name: z.string(),
    sku: optString,
    primaryLocale: optString,
    // Absent (not asked, or a server that does not show it) is told apart from null (not declared yet).
    contentRightsDeclaration: z.string().nullish(),
  },
  {
    betaGroups: ToMany,
    betaAppLocalizations: ToMany,
    betaAppReviewDetail: ToOne,
    appStoreVersions: ToMany,
  },
)

/** The app, and what TestFlight needs of it when asked, in one call. */
export interface AppForPublish {
  readonly app: App
  /** Every beta group; null when not asked, or when the app has more than one answer includes (list them). */
  readonly betaGroups: readonly BetaGroupInfo[] | null
  /** The TestFlight test information; null when not asked, or not complete in the answer (read it). */
  readonly betaAppInfo: BetaAppInfo | null
  /** Every App Store version (all platforms); null when not asked, or more than one answer includes (list them). */
  readonly versions: readonly IncludedVersion[] | null
  /** Whether the app declared its content rights (App Review needs it); null when not asked. */
  readonly contentRights: RequirementState | null
}

/**
 * findAppByBundleId plus, in the same call (`include`), the app's beta groups, TestFlight test information and
 * App Store versions: a publish reads them before anything else, and each would be a call of its own (and the
 * versions say whose localizations to read next, in the wave of reads that follows).
 */
export async function findAppForPublish(
  client: AscClient,
  bundleId: string,
  want: {
    readonly betaGroups: boolean
    readonly betaAppInfo: boolean
    readonly versions: boolean
    readonly contentRights?: boolean
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppForPublish | null> {
  const include = [
    ...(want.betaGroups ? ['betaGroups'] : []),
    ...(want.betaAppInfo ? ['betaAppLocalizations', 'betaAppReviewDetail'] : []),
    ...(want.versions ? ['appStoreVersions'] : []),
  ]
  const doc = await client.request('GET', '/v1/apps', {
    query: {
      'filter[bundleId]': bundleId,
      'fields[apps]': [
        ...APP_FIELDS,
        ...(want.contentRights ? ['contentRightsDeclaration'] : []),
        ...include,
      ],
      ...(include.length > 0 ? { include } : {}),
      ...(want.betaGroups ? { 'fields[betaGroups]': GROUP_FIELDS, 'limit[betaGroups]': INCLUDED_LIMIT } : {}),
      ...(want.betaAppInfo
        ? {
            'fields[betaAppLocalizations]': ['locale', 'feedbackEmail'],
            'limit[betaAppLocalizations]': INCLUDED_LIMIT,
            'fields[betaAppReviewDetails]': REVIEW_CONTACT,
          }
        : {}),
      ...(want.versions
        ? { 'fields[appStoreVersions]': INCLUDED_VERSION_FIELDS, 'limit[appStoreVersions]': INCLUDED_LIMIT }
        : {}),
      limit: 200,
    },
    schema: collectionDocument(AppWithTestflight),
    signal: options.signal,
  })
  const match = doc.data.find((r) => r.attributes.bundleId === bundleId)
  if (!match) return null
  const { contentRightsDeclaration, ...attributes } = match.attributes
  const app = toApp({ ...match, attributes, relationships: {} })
  const rels = match.relationships
  return {
    app,
    betaGroups: want.betaGroups
      ? includedList(doc.included, rels.betaGroups, BetaGroupResource, toGroup)
      : null,
    betaAppInfo: want.betaAppInfo ? includedBetaAppInfo(app, doc.included, rels) : null,
    versions: want.versions
      ? includedList(doc.included, rels.appStoreVersions, AppStoreVersionResource, toIncludedVersion)
      : null,
    contentRights: want.contentRights ? contentRightsState(contentRightsDeclaration) : null,
  }
}

/** The included resources a to-many linkage names; null when it may have been cut (or is missing). */
function includedList<S extends z.ZodType, T>(
  included: readonly IncludedItem[],
  linkage: z.infer<typeof ToMany>,
  schema: S,
  to: (r: z.infer<S>) => T,
): T[] | null {
  const links = linkage?.data
  if (links === undefined || links.length >= INCLUDED_LIMIT) return null
  const found = links.map((l) => findIncluded(included, l, schema))
  return found.every((r) => r !== null) ? found.map((r) => to(r as z.infer<S>)) : null
}

function includedBetaAppInfo(
  app: App,
  included: readonly IncludedItem[],
  rels: z.infer<typeof AppWithTestflight>['relationships'],
): BetaAppInfo | null {
  const localizations = includedList(
    included,
    rels.betaAppLocalizations,
    BetaAppLocalizationResource,
    (r) => r,
  )
  // No linkage at all: the answer did not say (rather than "there is no detail").
  if (localizations === null || rels.betaAppReviewDetail === undefined) return null
  const detail = findIncluded(included, rels.betaAppReviewDetail.data, BetaAppReviewDetailResource)
  return betaAppInfoOf(app, detail, localizations)
}
