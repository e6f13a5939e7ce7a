import * as z from 'zod'
import { conflict } from '../errors'
import { addReviewDetail, reviewDetailOf } from '../metadata'
import type { AppStoreVersion, SandboxStore } from '../store'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, create, related, update } from './route'
import { checkLengths } from './text-rules'

// App Review's contact, demo sign-in and notes for one version.
const detail = {
  contactFirstName: z.string().nullable().optional(),
  contactLastName: z.string().nullable().optional(),
  contactPhone: z.string().nullable().optional(),
  contactEmail: z.string().nullable().optional(),
  demoAccountName: z.string().nullable().optional(),
  demoAccountPassword: z.string().nullable().optional(),
  demoAccountRequired: z.boolean().nullable().optional(),
  notes: z.string().nullable().optional(),
}
const DetailCreate = z.strictObject({
  type: z.literal('appStoreReviewDetails'),
  attributes: z.strictObject(detail).optional(),
  relationships: z.strictObject({ appStoreVersion: toOne('appStoreVersions') }),
})
const DetailUpdate = z.strictObject({
  type: z.literal('appStoreReviewDetails'),
  id: z.string(),
  attributes: z.strictObject(detail).optional(),
})
type Detail = z.infer<z.ZodObject<typeof detail>>

/** App Store Connect's limit on App Review notes, in characters. */
const MAX_LENGTH: Readonly<Record<string, number>> = { notes: 4000 }

function checkDetail(s: SandboxStore, v: AppStoreVersion, attributes: Detail): void {
  const { demoAccountRequired: _required, ...text } = attributes
  checkLengths(text, MAX_LENGTH)
  const email = attributes.contactEmail
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'The provided entity includes an attribute with an invalid value',
      `The value '${email}' of contactEmail is not a valid email address.`,
      '/data/attributes/contactEmail',
    )
  s.assertVersionEditable(v)
}

export const appStoreReviewDetailRoutes: readonly Route[] = [
  related('GET /v1/appStoreVersions/{id}/appStoreReviewDetail', 'AppStoreReviewDetailResponse', {
    query: { include: ['appStoreVersion'] },
  }),
  byId('GET /v1/appStoreReviewDetails/{id}', 'AppStoreReviewDetailResponse', ['appStoreVersion']),
  create('POST /v1/appStoreReviewDetails', 'AppStoreReviewDetailResponse', DetailCreate, (c, d) => {
    const s = c.ctx.store
    const v = relatedRecord(
      s.appStoreVersions,
      'appStoreVersions',
      d.relationships.appStoreVersion.data.id,
      '/data/relationships/appStoreVersion',
    )
    const existing = reviewDetailOf(s, v.id)
    if (existing)
      throw conflict(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        'The provided entity includes a relationship with an invalid value',
        `appStoreVersions with id '${v.id}' already has appStoreReviewDetails with id '${existing.id}'.`,
        '/data/relationships/appStoreVersion',
      )
    const a = d.attributes ?? {}
    checkDetail(s, v, a)
    return addReviewDetail(s, v.id, {
      contactFirstName: a.contactFirstName ?? null,
      contactLastName: a.contactLastName ?? null,
      contactPhone: a.contactPhone ?? null,
      contactEmail: a.contactEmail ?? null,
      demoAccountName: a.demoAccountName ?? null,
      demoAccountPassword: a.demoAccountPassword ?? null,
      demoAccountRequired: a.demoAccountRequired ?? false,
      notes: a.notes ?? null,
    }).id
  }),
  update(
    'PATCH /v1/appStoreReviewDetails/{id}',
    'AppStoreReviewDetailResponse',
    (ctx) => ctx.store.appStoreReviewDetails,
    DetailUpdate,
    (c, record, d) => {
      const s = c.ctx.store
      const a = d.attributes ?? {}
      const v = s.appStoreVersions.get(record.versionId)
      if (!v) throw new Error(`review detail ${record.id} without version`)
      checkDetail(s, v, a)
      const { demoAccountRequired, ...text } = a
      if (demoAccountRequired != null) record.demoAccountRequired = demoAccountRequired
      for (const key of Object.keys(text) as (keyof typeof text)[]) {
        const value = text[key]
        if (value !== undefined) record[key] = value
      }
    },
  ),
]
