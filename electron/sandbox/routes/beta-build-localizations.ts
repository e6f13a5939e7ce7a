import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { conflict } from '../errors'
import { idsWhere } from '../resources'
import { insert } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, collection, create, related, update } from './route'

// "What to Test": one localization per build and locale.
const LocalizationCreate = z.strictObject({
  type: z.literal('betaBuildLocalizations'),
  attributes: z.strictObject({ locale: z.string().min(1), whatsNew: z.string().nullable().optional() }),
  relationships: z.strictObject({ build: toOne('builds') }),
})
const LocalizationUpdate = z.strictObject({
  type: z.literal('betaBuildLocalizations'),
  id: z.string(),
  attributes: z.strictObject({ whatsNew: z.string().nullable().optional() }).optional(),
})

export const betaBuildLocalizationRoutes: readonly Route[] = [
  collection('GET /v1/betaBuildLocalizations', 'BetaBuildLocalizationsResponse', {
    paged: true,
    filters: ['build', 'locale'],
  }),
  related('GET /v1/builds/{id}/betaBuildLocalizations', 'BetaBuildLocalizationsWithoutIncludesResponse', {
    query: { paged: true },
    type: 'betaBuildLocalizations',
    ids: (ctx, buildId) => idsWhere(ctx.store.betaBuildLocalizations, (l) => l.buildId === buildId),
  }),
  byId('GET /v1/betaBuildLocalizations/{id}', 'BetaBuildLocalizationResponse'),
  create('POST /v1/betaBuildLocalizations', 'BetaBuildLocalizationResponse', LocalizationCreate, (c, d) => {
    const s = c.ctx.store
    const buildId = relatedRecord(
      s.builds,
      'builds',
      d.relationships.build.data.id,
      '/data/relationships/build',
    ).id
    if (
      [...s.betaBuildLocalizations.values()].some(
        (l) => l.buildId === buildId && l.locale === d.attributes.locale,
      )
    ) {
      throw conflict(
        'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
        'The provided entity includes an attribute with a value that has already been used',
        `A localization for locale '${d.attributes.locale}' already exists for this build.`,
        '/data/attributes/locale',
      )
    }
    checkWhatsNew(d.attributes.whatsNew)
    return insert(s.betaBuildLocalizations, {
      id: randomUUID(),
      buildId,
      locale: d.attributes.locale,
      whatsNew: d.attributes.whatsNew ?? null,
    })
  }),
  update(
    'PATCH /v1/betaBuildLocalizations/{id}',
    'BetaBuildLocalizationResponse',
    (ctx) => ctx.store.betaBuildLocalizations,
    LocalizationUpdate,
    (_c, loc, d) => {
      checkWhatsNew(d.attributes?.whatsNew)
      if (d.attributes?.whatsNew !== undefined) loc.whatsNew = d.attributes.whatsNew
    },
  ),
]

function checkWhatsNew(text: string | null | undefined): void {
  // Apple limits What to Test to 4,000 characters.
  if (text && text.length > 4000) {
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
      'The provided entity includes an attribute with a value that is too long',
      `whatsNew is ${text.length} characters; the limit is 4000.`,
      '/data/attributes/whatsNew',
    )
  }
}
