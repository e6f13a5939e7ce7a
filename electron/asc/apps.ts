import { z } from 'zod'
import type { AscClient } from './client'
import { optString } from './enums'
import { collectionDocument, findIncluded, resource, singleDocument, ToMany, ToOne } from './json-api'

export interface App {
  readonly id: string
  readonly bundleId: string
  readonly name: string
  readonly sku: string | null
  readonly primaryLocale: string | null
}

const APP_FIELDS = ['bundleId', 'name', 'sku', 'primaryLocale'] as const

export const AppResource = resource(
  'apps',
  { bundleId: z.string(), name: z.string(), sku: optString, primaryLocale: optString },
  { betaAppReviewDetail: ToOne, betaAppLocalizations: ToMany },
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

export async function getApp(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<App> {
  const doc = await client.request('GET', `/v1/apps/${encodeURIComponent(appId)}`, {
    query: { 'fields[apps]': APP_FIELDS },
    schema: singleDocument(AppResource),
    signal: options.signal,
  })
  return toApp(doc.data)
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
 * Whether TestFlight's "Test Information" is complete enough for beta review, in ONE call
 * (Codemagic makes two): the app with its betaAppReviewDetail and betaAppLocalizations included.
 * Rules as Codemagic checks them: a feedback email in the primary locale (else the first one) and
 * all four review contact fields.
 */
export async function getBetaAppInfo(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaAppInfo> {
  const doc = await client.request('GET', `/v1/apps/${encodeURIComponent(appId)}`, {
    query: {
      include: ['betaAppReviewDetail', 'betaAppLocalizations'],
      'fields[apps]': ['bundleId', 'name', 'primaryLocale', 'betaAppReviewDetail', 'betaAppLocalizations'],
      'fields[betaAppReviewDetails]': REVIEW_CONTACT,
      'fields[betaAppLocalizations]': ['locale', 'feedbackEmail'],
      'limit[betaAppLocalizations]': 50,
    },
    schema: singleDocument(AppResource),
    signal: options.signal,
  })
  const app = doc.data
  const detail = findIncluded(
    doc.included,
    app.relationships.betaAppReviewDetail?.data,
    BetaAppReviewDetailResource,
  )
  const localizations = (app.relationships.betaAppLocalizations?.data ?? [])
    .map((link) => findIncluded(doc.included, link, BetaAppLocalizationResource))
    .filter((l) => l !== null)
  const primary = app.attributes.primaryLocale
  const localization = localizations.find((l) => l.attributes.locale === primary) ?? localizations[0] ?? null
  const missing: string[] = []
  if (!localization?.attributes.feedbackEmail) missing.push('feedbackEmail')
  for (const field of REVIEW_CONTACT) if (!detail?.attributes[field]) missing.push(field)
  return { appId: app.id, primaryLocale: primary, missing }
}
