import { z } from 'zod'
import type { AscClient } from './client'
import { optString } from './enums'
import { collectionDocument, optionalDocument, resource } from './json-api'

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
 * primary locale (else the first locale) and all four review contact fields.
 * (Apple also answers both through `GET /v1/apps/{id}?include=betaAppReviewDetail,betaAppLocalizations`;
 * the related endpoints are used because the local sandbox serves them.)
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
  const list = localizations.data
  const localization = list.find((l) => l.attributes.locale === app.primaryLocale) ?? list[0] ?? null
  const missing: string[] = []
  if (!localization?.attributes.feedbackEmail) missing.push('feedbackEmail')
  for (const field of REVIEW_CONTACT) if (!detail.data?.attributes[field]) missing.push(field)
  return { appId: app.id, primaryLocale: app.primaryLocale, missing }
}
