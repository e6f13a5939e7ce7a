import { z } from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { optString } from './enums'
import { resource, singleDocument } from './json-api'

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
