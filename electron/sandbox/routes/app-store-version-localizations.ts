import * as z from 'zod'
import { conflict, otherStateInvalid } from '../errors'
import { deleteLocalizationMetadata } from '../metadata'
import { assertWhatsNewEditable } from '../release-notes'
import type { AppStoreVersion, AppStoreVersionLocalization, SandboxStore } from '../store'
import { requireRecord } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, create, endpointWithoutContent, related, update } from './route'
import { checkLengths, checkUrls } from './text-rules'

// A version's text per locale (the App Store product page and "What's New").
const text = {
  description: z.string().nullable().optional(),
  keywords: z.string().nullable().optional(),
  marketingUrl: z.string().nullable().optional(),
  promotionalText: z.string().nullable().optional(),
  supportUrl: z.string().nullable().optional(),
  whatsNew: z.string().nullable().optional(),
}
const LocalizationCreate = z.strictObject({
  type: z.literal('appStoreVersionLocalizations'),
  attributes: z.strictObject({ locale: z.string().min(1), ...text }),
  relationships: z.strictObject({ appStoreVersion: toOne('appStoreVersions') }),
})
const LocalizationUpdate = z.strictObject({
  type: z.literal('appStoreVersionLocalizations'),
  id: z.string(),
  attributes: z.strictObject(text).optional(),
})
type Text = z.infer<z.ZodObject<typeof text>>

/** Apple's limits, in characters. */
const MAX_LENGTH: Readonly<Record<string, number>> = {
  description: 4000,
  keywords: 100,
  promotionalText: 170,
  whatsNew: 4000,
}

const LOCALIZATION_INCLUDES = ['appStoreVersion', 'appScreenshotSets']

export const appStoreVersionLocalizationRoutes: readonly Route[] = [
  related(
    'GET /v1/appStoreVersions/{id}/appStoreVersionLocalizations',
    'AppStoreVersionLocalizationsResponse',
    { query: { paged: true, filters: ['locale'], include: LOCALIZATION_INCLUDES } },
  ),
  byId(
    'GET /v1/appStoreVersionLocalizations/{id}',
    'AppStoreVersionLocalizationResponse',
    LOCALIZATION_INCLUDES,
  ),
  create(
    'POST /v1/appStoreVersionLocalizations',
    'AppStoreVersionLocalizationResponse',
    LocalizationCreate,
    (c, d) => {
      const s = c.ctx.store
      const v = relatedRecord(
        s.appStoreVersions,
        'appStoreVersions',
        d.relationships.appStoreVersion.data.id,
        '/data/relationships/appStoreVersion',
      )
      const { locale, ...attributes } = d.attributes
      if (s.localizationsOf(v.id).some((l) => l.locale === locale)) {
        throw conflict(
          'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
          'The provided entity includes an attribute with a value that has already been used',
          `A localization for locale '${locale}' already exists for this version.`,
          '/data/attributes/locale',
        )
      }
      checkText(s, v, attributes)
      s.assertVersionEditable(v)
      return s.addLocalization(v.id, locale, {
        description: attributes.description ?? null,
        keywords: attributes.keywords ?? null,
        marketingUrl: attributes.marketingUrl ?? null,
        promotionalText: attributes.promotionalText ?? null,
        supportUrl: attributes.supportUrl ?? null,
        whatsNew: attributes.whatsNew ?? null,
      }).id
    },
  ),
  update(
    'PATCH /v1/appStoreVersionLocalizations/{id}',
    'AppStoreVersionLocalizationResponse',
    (ctx) => ctx.store.appStoreVersionLocalizations,
    LocalizationUpdate,
    (c, l, d) => {
      const s = c.ctx.store
      const v = versionOf(s, l)
      const attributes = d.attributes ?? {}
      checkText(s, v, attributes)
      for (const key of Object.keys(attributes) as (keyof Text)[]) {
        const value = attributes[key]
        if (value !== undefined) l[key] = value
      }
    },
  ),
  endpointWithoutContent('DELETE /v1/appStoreVersionLocalizations/{id}', (c) => {
    const s = c.ctx.store
    const l = requireRecord(s.appStoreVersionLocalizations, 'appStoreVersionLocalizations', c.params.id)
    const v = versionOf(s, l)
    s.assertVersionEditable(v)
    // The primary locale stays: Apple needs it on every version.
    if (s.apps.get(v.appId)?.locales[0] === l.locale)
      throw otherStateInvalid(`The localization for the primary locale '${l.locale}' cannot be deleted.`)
    deleteLocalizationMetadata(s, l.id)
  }),
]

function versionOf(s: SandboxStore, l: AppStoreVersionLocalization): AppStoreVersion {
  const v = s.appStoreVersions.get(l.versionId)
  if (!v) throw new Error(`localization ${l.id} without version`)
  return v
}

/**
 * Lengths, then where each attribute may be written: What's New only on an editable update (any write that
 * carries it on a first version is refused whole); the other texts while the version is editable, and
 * promotional text at any time.
 */
function checkText(s: SandboxStore, v: AppStoreVersion, attributes: Text): void {
  checkLengths(attributes, MAX_LENGTH)
  checkUrls(attributes, ['supportUrl', 'marketingUrl'])
  if (attributes.whatsNew !== undefined) assertWhatsNewEditable(s, v)
  const others = Object.keys(attributes).filter(
    (k) => k !== 'whatsNew' && k !== 'promotionalText' && attributes[k as keyof Text] !== undefined,
  )
  if (others.length > 0) s.assertVersionEditable(v)
}
