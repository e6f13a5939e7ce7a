import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { optString } from './enums'
import { linkTo, resource, singleDocument } from './json-api'

export interface BetaBuildLocalization {
  readonly id: string
  readonly locale: string
  readonly whatsNew: string | null
}

const BetaBuildLocalizationResource = resource(
  'betaBuildLocalizations',
  { locale: z.string(), whatsNew: optString },
  {},
)
const Single = singleDocument(BetaBuildLocalizationResource).transform((d) => toLocalization(d.data))

function toLocalization(r: z.infer<typeof BetaBuildLocalizationResource>): BetaBuildLocalization {
  return { id: r.id, locale: r.attributes.locale, whatsNew: r.attributes.whatsNew }
}

/** The "What to Test" notes of a build, all locales (or one with `locale`), in one call. */
export async function findBetaBuildLocalizations(
  client: AscClient,
  buildId: string,
  options: { readonly locale?: string; readonly signal?: AbortSignal } = {},
): Promise<readonly BetaBuildLocalization[]> {
  const page = await client.getAll('/v1/betaBuildLocalizations', {
    query: {
      'filter[build]': buildId,
      'filter[locale]': options.locale,
      'fields[betaBuildLocalizations]': ['locale', 'whatsNew'],
    },
    item: BetaBuildLocalizationResource,
    signal: options.signal,
  })
  return page.data.map(toLocalization)
}

/** The note of one build and locale, or null. */
async function findOne(
  client: AscClient,
  input: { readonly buildId: string; readonly locale: string },
  signal: AbortSignal | undefined,
): Promise<BetaBuildLocalization | null> {
  const [found] = await findBetaBuildLocalizations(client, input.buildId, { locale: input.locale, signal })
  return found ?? null
}

export async function createBetaBuildLocalization(
  client: AscClient,
  input: { readonly buildId: string; readonly locale: string; readonly whatsNew: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaBuildLocalization> {
  return client.mutate({
    method: 'POST',
    path: '/v1/betaBuildLocalizations',
    body: {
      data: {
        type: 'betaBuildLocalizations',
        attributes: { locale: input.locale, whatsNew: input.whatsNew },
        relationships: { build: linkTo('builds', input.buildId) },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await findOne(client, input, signal)
      return found ? applied(found) : notApplied
    },
  })
}

export async function updateBetaBuildLocalization(
  client: AscClient,
  input: {
    readonly id: string
    readonly buildId: string
    readonly locale: string
    readonly whatsNew: string
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaBuildLocalization> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/betaBuildLocalizations/${encodeURIComponent(input.id)}`,
    body: {
      data: { type: 'betaBuildLocalizations', id: input.id, attributes: { whatsNew: input.whatsNew } },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await findOne(client, input, signal)
      return found && found.whatsNew === input.whatsNew ? applied(found) : notApplied
    },
  })
}

/**
 * Sets a build's "What to Test" for one locale: one read, then a PATCH or a POST only when the text
 * differs (an unchanged note costs no write). Returns what App Store Connect holds afterwards.
 */
export async function setWhatsNew(
  client: AscClient,
  input: { readonly buildId: string; readonly locale: string; readonly whatsNew: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BetaBuildLocalization> {
  const existing = await findOne(client, input, options.signal)
  if (!existing) return createBetaBuildLocalization(client, input, options)
  if (existing.whatsNew === input.whatsNew) return existing
  return updateBetaBuildLocalization(client, { ...input, id: existing.id }, options)
}
