import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { optString } from './enums'
import { linkTo, resource, singleDocument } from './json-api'

/** A version's App Store text in one locale; the pipeline writes only its "What's New". */
export interface VersionLocalization {
  readonly id: string
  readonly locale: string
  readonly whatsNew: string | null
}

const VersionLocalizationResource = resource(
  'appStoreVersionLocalizations',
  { locale: z.string(), whatsNew: optString },
  {},
)
const FIELDS = { 'fields[appStoreVersionLocalizations]': ['locale', 'whatsNew'] }

function toLocalization(r: z.infer<typeof VersionLocalizationResource>): VersionLocalization {
  return { id: r.id, locale: r.attributes.locale, whatsNew: r.attributes.whatsNew }
}

const Single = singleDocument(VersionLocalizationResource).transform((d) => toLocalization(d.data))

/** Every locale of a version, in one call per 200. */
export async function listVersionLocalizations(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly VersionLocalization[]> {
  const page = await client.getAll(
    `/v1/appStoreVersions/${encodeURIComponent(versionId)}/appStoreVersionLocalizations`,
    { query: FIELDS, item: VersionLocalizationResource, signal: options.signal },
  )
  return page.data.map(toLocalization)
}

/**
 * Sets "What's New" of one localization. Only `whatsNew` is sent: Apple refuses a whole PATCH whose other
 * attributes it would take when whatsNew may not change, so nothing else rides along.
 */
export async function updateWhatsNew(
  client: AscClient,
  input: { readonly id: string; readonly whatsNew: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<VersionLocalization> {
  const path = `/v1/appStoreVersionLocalizations/${encodeURIComponent(input.id)}`
  return client.mutate({
    method: 'PATCH',
    path,
    body: {
      data: { type: 'appStoreVersionLocalizations', id: input.id, attributes: { whatsNew: input.whatsNew } },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await client.request('GET', path, { query: FIELDS, schema: Single, signal })
      return found.whatsNew === input.whatsNew ? applied(found) : notApplied
    },
  })
}

/** A version's App Store text in one locale, every field. */
export interface VersionText {
  readonly id: string
  readonly locale: string
  readonly description: string | null
  readonly keywords: string | null
  readonly marketingUrl: string | null
  readonly promotionalText: string | null
  readonly supportUrl: string | null
  readonly whatsNew: string | null
}

export type VersionTextFields = Partial<Omit<VersionText, 'id' | 'locale'>>

const VERSION_TEXT_FIELDS = [
  'description',
  'keywords',
  'marketingUrl',
  'promotionalText',
  'supportUrl',
  'whatsNew',
] as const

export const VersionTextResource = resource(
  'appStoreVersionLocalizations',
  {
    locale: z.string(),
    description: optString,
    keywords: optString,
    marketingUrl: optString,
    promotionalText: optString,
    supportUrl: optString,
    whatsNew: optString,
  },
  {},
)
export const TEXT_FIELDS = { 'fields[appStoreVersionLocalizations]': ['locale', ...VERSION_TEXT_FIELDS] }

export function toVersionText(r: z.infer<typeof VersionTextResource>): VersionText {
  return { id: r.id, ...r.attributes }
}

const SingleText = singleDocument(VersionTextResource).transform((d) => toVersionText(d.data))

/** Every locale of a version with all of its text. */
export async function listVersionTexts(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly VersionText[]> {
  const page = await client.getAll(
    `/v1/appStoreVersions/${encodeURIComponent(versionId)}/appStoreVersionLocalizations`,
    { query: TEXT_FIELDS, item: VersionTextResource, signal: options.signal },
  )
  return page.data.map(toVersionText)
}

function textMatches(found: VersionTextFields, wanted: VersionTextFields): boolean {
  return VERSION_TEXT_FIELDS.every((f) => wanted[f] === undefined || found[f] === wanted[f])
}

/** Adds a locale to a version with its text. */
export async function createVersionText(
  client: AscClient,
  input: VersionTextFields & { readonly versionId: string; readonly locale: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<VersionText> {
  const { versionId, ...attributes } = input
  return client.mutate({
    method: 'POST',
    path: '/v1/appStoreVersionLocalizations',
    body: {
      data: {
        type: 'appStoreVersionLocalizations',
        attributes,
        relationships: { appStoreVersion: linkTo('appStoreVersions', versionId) },
      },
    },
    schema: SingleText,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = (await listVersionTexts(client, versionId, { signal })).find(
        (l) => l.locale === input.locale,
      )
      return found ? applied(found) : notApplied
    },
  })
}

/**
 * Changes only the given fields of one localization. The caller leaves `whatsNew` out on a first version:
 * Apple refuses the whole PATCH when it carries whatsNew then, even null.
 */
export async function updateVersionText(
  client: AscClient,
  input: VersionTextFields & { readonly id: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<VersionText> {
  const { id, ...attributes } = input
  const path = `/v1/appStoreVersionLocalizations/${encodeURIComponent(id)}`
  return client.mutate({
    method: 'PATCH',
    path,
    body: { data: { type: 'appStoreVersionLocalizations', id, attributes } },
    schema: SingleText,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await client.request('GET', path, { query: TEXT_FIELDS, schema: SingleText, signal })
      return textMatches(found, attributes) ? applied(found) : notApplied
    },
  })
}
