import * as z from 'zod'
import { isAscApiError } from './api-error'
import type { AscClient } from './client'
import { optionalDocument, resource, singleDocument } from './json-api'

/**
 * What App Review needs beyond the version's text: content rights, age rating, price schedule and availability.
 * Each answer is `set`, `missing`, or `unknown` when this App Store Connect does not show it (a route it does
 * not serve, or an attribute it leaves out): an unknown row is not reported as missing.
 */
export type RequirementState = 'set' | 'missing' | 'unknown'

/** A 404 for a path the server does not know (PATH_ERROR) says nothing about the app; Apple's NOT_FOUND means unset. */
function unknownRoute(error: unknown): boolean {
  return isAscApiError(error, 404) && error.hasCode('PATH_ERROR')
}

const AppRights = resource(
  'apps',
  {
    contentRightsDeclaration: z
      .string()
      .nullable()
      .optional()
      .transform((v) => (v === undefined ? 'absent' : v)),
  },
  {},
)

/**
 * Apps answer `contentRightsDeclaration: null` until the user declares whether they use third-party content; an
 * answer without the attribute comes from a server that does not show it.
 */
export function contentRightsState(value: string | null | undefined): RequirementState {
  return value === undefined ? 'unknown' : value === null ? 'missing' : 'set'
}

/** The app's content rights declaration, read on its own. */
export async function readContentRights(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<RequirementState> {
  let value: string | null
  try {
    const doc = await client.request('GET', `/v1/apps/${encodeURIComponent(appId)}`, {
      query: { 'fields[apps]': ['contentRightsDeclaration'] },
      schema: singleDocument(AppRights),
      signal: options.signal,
    })
    value = doc.data.attributes.contentRightsDeclaration
  } catch (error) {
    if (unknownRoute(error)) return 'unknown'
    throw error
  }
  return contentRightsState(value === 'absent' ? undefined : value)
}

/**
 * Every question of the age rating questionnaire must be answered (a null one is unanswered). These are the
 * answers Apple's AgeRatingDeclaration requires; kidsAgeBand and the overrides are optional.
 */
const AGE_RATING_QUESTIONS = [
  'alcoholTobaccoOrDrugUseOrReferences',
  'contests',
  'gamblingSimulated',
  'gunsOrOtherWeapons',
  'medicalOrTreatmentInformation',
  'profanityOrCrudeHumor',
  'sexualContentGraphicAndNudity',
  'sexualContentOrNudity',
  'horrorOrFearThemes',
  'matureOrSuggestiveThemes',
  'violenceCartoonOrFantasy',
  'violenceRealisticProlongedGraphicOrSadistic',
  'violenceRealistic',
  'gambling',
  'unrestrictedWebAccess',
] as const

/**
 * The unanswered questions of an age rating declaration's attributes (null: the app info has no declaration, so
 * every question is unanswered). A question the answer leaves out entirely is one this server does not ask;
 * only an explicit null is unanswered.
 */
export function unansweredAgeRating(attributes: Readonly<Record<string, unknown>> | null): string[] {
  if (attributes === null) return [...AGE_RATING_QUESTIONS]
  return AGE_RATING_QUESTIONS.filter((q) => q in attributes && attributes[q] === null)
}

const AnyResource = z.object({ type: z.string(), id: z.string() })

/** A to-one read where Apple's 404 (NOT_FOUND) means "not set yet", as for the price schedule and availability. */
async function readToOne(
  client: AscClient,
  path: string,
  signal: AbortSignal | undefined,
): Promise<RequirementState> {
  try {
    const doc = await client.request('GET', path, { schema: optionalDocument(AnyResource), signal })
    return doc.data ? 'set' : 'missing'
  } catch (error) {
    if (unknownRoute(error)) return 'unknown'
    if (isAscApiError(error, 404)) return 'missing'
    throw error
  }
}

/** A price schedule exists (even a free app needs one). */
export function readPriceSchedule(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<RequirementState> {
  return readToOne(client, `/v1/apps/${encodeURIComponent(appId)}/appPriceSchedule`, options.signal)
}

/** Availability was set up (the territories the app is sold in). */
export function readAvailability(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<RequirementState> {
  return readToOne(client, `/v1/apps/${encodeURIComponent(appId)}/appAvailabilityV2`, options.signal)
}
