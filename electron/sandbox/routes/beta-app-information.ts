import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { idsWhere } from '../resources'
import { insert } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, collection, create, related, update } from './route'

// Beta App Information: the review contact (betaAppReviewDetails) and the feedback email (betaAppLocalizations).
const ReviewDetailUpdate = z.strictObject({
  type: z.literal('betaAppReviewDetails'),
  id: z.string(),
  attributes: z
    .strictObject({
      contactFirstName: z.string().nullable(),
      contactLastName: z.string().nullable(),
      contactPhone: z.string().nullable(),
      contactEmail: z.string().nullable(),
      demoAccountName: z.string().nullable(),
      demoAccountPassword: z.string().nullable(),
      demoAccountRequired: z.boolean().nullable(),
      notes: z.string().nullable(),
    })
    .partial()
    .optional(),
})
const AppLocalizationCreate = z.strictObject({
  type: z.literal('betaAppLocalizations'),
  attributes: z
    .strictObject({
      locale: z.string().min(1),
      feedbackEmail: z.string().nullable().optional(),
      description: z.string().nullable().optional(),
    })
    .loose(),
  relationships: z.strictObject({ app: toOne('apps') }),
})
const AppLocalizationUpdate = z.strictObject({
  type: z.literal('betaAppLocalizations'),
  id: z.string(),
  attributes: z
    .strictObject({
      feedbackEmail: z.string().nullable().optional(),
      description: z.string().nullable().optional(),
    })
    .loose()
    .optional(),
})

export const betaAppInformationRoutes: readonly Route[] = [
  related('GET /v1/apps/{id}/betaAppReviewDetail', 'BetaAppReviewDetailWithoutIncludesResponse'),
  collection('GET /v1/betaAppReviewDetails', 'BetaAppReviewDetailsResponse', {
    paged: true,
    filters: ['app'],
    required: ['app'],
  }),
  byId('GET /v1/betaAppReviewDetails/{id}', 'BetaAppReviewDetailResponse'),
  update(
    'PATCH /v1/betaAppReviewDetails/{id}',
    'BetaAppReviewDetailResponse',
    (ctx) => ctx.store.betaAppReviewDetails,
    ReviewDetailUpdate,
    (_c, detail, d) => {
      Object.assign(
        detail,
        Object.fromEntries(
          Object.entries(d.attributes ?? {}).filter(([k, v]) => v !== undefined && k in detail),
        ),
      )
    },
  ),
  collection('GET /v1/betaAppLocalizations', 'BetaAppLocalizationsResponse', {
    paged: true,
    filters: ['app', 'locale'],
  }),
  related('GET /v1/apps/{id}/betaAppLocalizations', 'BetaAppLocalizationsWithoutIncludesResponse', {
    query: { paged: true },
    type: 'betaAppLocalizations',
    ids: (ctx, appId) => idsWhere(ctx.store.betaAppLocalizations, (l) => l.appId === appId),
  }),
  create('POST /v1/betaAppLocalizations', 'BetaAppLocalizationResponse', AppLocalizationCreate, (c, d) => {
    const s = c.ctx.store
    const appId = relatedRecord(s.apps, 'app', d.relationships.app.data.id, '/data/relationships/app').id
    return insert(s.betaAppLocalizations, {
      id: randomUUID(),
      appId,
      locale: d.attributes.locale,
      feedbackEmail: d.attributes.feedbackEmail ?? null,
      description: d.attributes.description ?? null,
    })
  }),
  update(
    'PATCH /v1/betaAppLocalizations/{id}',
    'BetaAppLocalizationResponse',
    (ctx) => ctx.store.betaAppLocalizations,
    AppLocalizationUpdate,
    (_c, loc, d) => {
      const a = d.attributes ?? {}
      if (a.feedbackEmail !== undefined) loc.feedbackEmail = a.feedbackEmail
      if (a.description !== undefined) loc.description = a.description
    },
  ),
]
