import * as z from 'zod'
import { isAscApiError } from './api-error'
import { applied, notApplied, type AscClient } from './client'
import { optString, type Platform } from './enums'
import { unansweredAgeRating } from './sale-requirements'
import { findIncluded, linkTo, optionalDocument, resource, singleDocument, ToMany, ToOne } from './json-api'

/** App-level App Store information: the app info (its state and categories) and its localizations (name, privacy). */

export interface AppInfo {
  readonly id: string
  /** PREPARE_FOR_SUBMISSION, READY_FOR_DISTRIBUTION, …; kept as text (Apple adds values). */
  readonly state: string | null
}

/**
 * The app info the next submission uses. A live app has two: the one on sale and the one being prepared;
 * only the latter can change (fastlane's list of editable states).
 */
const EDITABLE_APP_INFO_STATES: readonly string[] = [
  'PREPARE_FOR_SUBMISSION',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'WAITING_FOR_REVIEW',
  'READY_FOR_REVIEW',
]

/** The editable app info, else the first one; null when the app has none (a record Apple has not finished). */
function editableAppInfo<T extends AppInfo>(infos: readonly T[]): T | null {
  return infos.find((i) => i.state !== null && EDITABLE_APP_INFO_STATES.includes(i.state)) ?? infos[0] ?? null
}

/** The app info App Review judges, with what it holds: its localizations, primary category and age rating. */
export interface AppInfoDetails {
  readonly info: AppInfo | null
  readonly localizations: readonly AppInfoLocalization[]
  readonly primaryCategory: string | null
  /** The unanswered age rating questions; null when this App Store Connect does not show the questionnaire. */
  readonly ageRatingUnanswered: readonly string[] | null
}

const AppInfoWithDetails = resource(
  'appInfos',
  { state: optString },
  { appInfoLocalizations: ToMany, primaryCategory: ToOne, ageRatingDeclaration: ToOne },
)
const AgeRatingResource = resource('ageRatingDeclarations', {}, {}).extend({
  attributes: z.record(z.string(), z.unknown()).optional(),
})
/** Apple offers ~40 locales; an app info holding this many may have been cut, and its localizations are listed. */
const INCLUDED_LOCALIZATIONS = 50

/**
 * The app's app infos with their localizations, primary category and age rating declaration in the same answer
 * (`include`): one call where the four reads took two rounds.
 */
export async function readAppInfoDetails(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppInfoDetails> {
  const { signal } = options
  const page = await client.getAll(`/v1/apps/${encodeURIComponent(appId)}/appInfos`, {
    query: {
      'fields[appInfos]': ['state', 'appInfoLocalizations', 'primaryCategory', 'ageRatingDeclaration'],
      include: ['appInfoLocalizations', 'primaryCategory', 'ageRatingDeclaration'],
      ...LOCALIZATION_FIELDS,
      'limit[appInfoLocalizations]': INCLUDED_LOCALIZATIONS,
    },
    item: AppInfoWithDetails,
    signal,
  })
  const chosen = editableAppInfo(page.data.map((r) => ({ ...r, state: r.attributes.state })))
  if (!chosen) return { info: null, localizations: [], primaryCategory: null, ageRatingUnanswered: null }
  const rels = chosen.relationships
  const links = rels.appInfoLocalizations?.data
  const included = links?.map((l) => findIncluded(page.included, l, AppInfoLocalizationResource))
  const localizations =
    links === undefined || links.length >= INCLUDED_LOCALIZATIONS || !included?.every((l) => l !== null)
      ? await listAppInfoLocalizations(client, chosen.id, { signal })
      : included.map((l) => toAppInfoLocalization(l as z.infer<typeof AppInfoLocalizationResource>))
  // An empty to-one comes without data (Apple's schemas allow no `data: null` there): not set.
  const age = rels.ageRatingDeclaration
  const declaration = findIncluded(page.included, age?.data, AgeRatingResource)
  return {
    info: { id: chosen.id, state: chosen.state },
    localizations,
    primaryCategory: rels.primaryCategory?.data?.id ?? null,
    ageRatingUnanswered:
      age === undefined ? null : unansweredAgeRating(declaration ? (declaration.attributes ?? {}) : null),
  }
}

const AppCategoryResource = resource('appCategories', {}, {})

/** The primary category's id (e.g. PRODUCTIVITY), or null when none is set (`data: null`, or 404 as Apple answers for some apps). */
async function getPrimaryCategory(
  client: AscClient,
  appInfoId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string | null> {
  try {
    const doc = await client.request('GET', `/v1/appInfos/${encodeURIComponent(appInfoId)}/primaryCategory`, {
      schema: optionalDocument(AppCategoryResource),
      signal: options.signal,
    })
    return doc.data?.id ?? null
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

/** The secondary category's id, or null. */
export async function getSecondaryCategory(
  client: AscClient,
  appInfoId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string | null> {
  try {
    const doc = await client.request(
      'GET',
      `/v1/appInfos/${encodeURIComponent(appInfoId)}/secondaryCategory`,
      { schema: optionalDocument(AppCategoryResource), signal: options.signal },
    )
    return doc.data?.id ?? null
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

/** The top-level category ids App Store Connect offers for a platform (PRODUCTIVITY, GAMES, …). */
export async function listAppCategories(
  client: AscClient,
  platform: Platform,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly string[]> {
  const page = await client.getAll('/v1/appCategories', {
    query: { 'filter[platforms]': platform, 'exists[parent]': false, 'fields[appCategories]': ['platforms'] },
    item: AppCategoryResource,
    signal: options.signal,
  })
  return page.data.map((r) => r.id)
}

/** Sets the primary and/or secondary category in one PATCH; only the given ones are sent. */
export async function updateAppInfoCategories(
  client: AscClient,
  input: { readonly id: string; readonly primary?: string; readonly secondary?: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const relationships: Record<string, ReturnType<typeof linkTo>> = {}
  if (input.primary !== undefined) relationships.primaryCategory = linkTo('appCategories', input.primary)
  if (input.secondary !== undefined)
    relationships.secondaryCategory = linkTo('appCategories', input.secondary)
  await client.mutate({
    method: 'PATCH',
    path: `/v1/appInfos/${encodeURIComponent(input.id)}`,
    body: { data: { type: 'appInfos', id: input.id, relationships } },
    schema: z.unknown(),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const [primary, secondary] = await Promise.all([
        input.primary === undefined ? null : getPrimaryCategory(client, input.id, { signal }),
        input.secondary === undefined ? null : getSecondaryCategory(client, input.id, { signal }),
      ])
      return (input.primary === undefined || primary === input.primary) &&
        (input.secondary === undefined || secondary === input.secondary)
        ? applied(undefined)
        : notApplied
    },
  })
}

/** The app-level text of one locale. */
export interface AppInfoLocalization {
  readonly id: string
  readonly locale: string
  readonly name: string | null
  readonly subtitle: string | null
  readonly privacyPolicyUrl: string | null
  readonly privacyChoicesUrl: string | null
  readonly privacyPolicyText: string | null
}

export type AppInfoText = Partial<
  Pick<
    AppInfoLocalization,
    'name' | 'subtitle' | 'privacyPolicyUrl' | 'privacyChoicesUrl' | 'privacyPolicyText'
  >
>

const APP_INFO_TEXT_FIELDS = [
  'name',
  'subtitle',
  'privacyPolicyUrl',
  'privacyChoicesUrl',
  'privacyPolicyText',
] as const

const AppInfoLocalizationResource = resource(
  'appInfoLocalizations',
  {
    locale: z.string(),
    name: optString,
    subtitle: optString,
    privacyPolicyUrl: optString,
    privacyChoicesUrl: optString,
    privacyPolicyText: optString,
  },
  {},
)
const LOCALIZATION_FIELDS = { 'fields[appInfoLocalizations]': ['locale', ...APP_INFO_TEXT_FIELDS] }

function toAppInfoLocalization(r: z.infer<typeof AppInfoLocalizationResource>): AppInfoLocalization {
  return { id: r.id, ...r.attributes }
}

const SingleLocalization = singleDocument(AppInfoLocalizationResource).transform((d) =>
  toAppInfoLocalization(d.data),
)

async function listAppInfoLocalizations(
  client: AscClient,
  appInfoId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly AppInfoLocalization[]> {
  const page = await client.getAll(`/v1/appInfos/${encodeURIComponent(appInfoId)}/appInfoLocalizations`, {
    query: LOCALIZATION_FIELDS,
    item: AppInfoLocalizationResource,
    signal: options.signal,
  })
  return page.data.map(toAppInfoLocalization)
}

function textMatches(found: AppInfoText, wanted: AppInfoText): boolean {
  return APP_INFO_TEXT_FIELDS.every((f) => wanted[f] === undefined || found[f] === wanted[f])
}

/** Adds a locale to the app info; Apple requires its name. */
export async function createAppInfoLocalization(
  client: AscClient,
  input: AppInfoText & { readonly appInfoId: string; readonly locale: string; readonly name: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppInfoLocalization> {
  const { appInfoId, ...attributes } = input
  return client.mutate({
    method: 'POST',
    path: '/v1/appInfoLocalizations',
    body: {
      data: {
        type: 'appInfoLocalizations',
        attributes,
        relationships: { appInfo: linkTo('appInfos', appInfoId) },
      },
    },
    schema: SingleLocalization,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = (await listAppInfoLocalizations(client, appInfoId, { signal })).find(
        (l) => l.locale === input.locale,
      )
      return found ? applied(found) : notApplied
    },
  })
}

/** Changes only the given attributes of one app-info localization. */
export async function updateAppInfoLocalization(
  client: AscClient,
  input: AppInfoText & { readonly id: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppInfoLocalization> {
  const { id, ...attributes } = input
  const path = `/v1/appInfoLocalizations/${encodeURIComponent(id)}`
  return client.mutate({
    method: 'PATCH',
    path,
    body: { data: { type: 'appInfoLocalizations', id, attributes } },
    schema: SingleLocalization,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await client.request('GET', path, {
        query: LOCALIZATION_FIELDS,
        schema: SingleLocalization,
        signal,
      })
      return textMatches(found, attributes) ? applied(found) : notApplied
    },
  })
}
