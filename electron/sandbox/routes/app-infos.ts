import * as z from 'zod'
import { APP_CATEGORIES } from '../app-categories'
import { conflict, otherStateInvalid, relationshipInvalid } from '../errors'
import { href } from '../jsonapi'
import {
  addAppInfoLocalization,
  appInfoLocalizationsOf,
  CATEGORY_SLOTS,
  isAppInfoEditable,
  type AppInfo,
  type CategorySlot,
} from '../metadata'
import type { SandboxStore } from '../store'
import { requireRecord } from './render'
import { nullableToOne, relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, collection, create, endpoint, endpointWithoutContent, related, update } from './route'
import { checkLengths, checkUrls } from './text-rules'

// The app's information: name, subtitle and privacy policy per locale, and its App Store categories.
const APP_INFO_INCLUDES = ['app', 'ageRatingDeclaration', 'appInfoLocalizations', ...CATEGORY_SLOTS]

const AppInfoUpdate = z.strictObject({
  type: z.literal('appInfos'),
  id: z.string(),
  relationships: z
    .strictObject(
      Object.fromEntries(
        CATEGORY_SLOTS.map((slot) => [slot, nullableToOne('appCategories').optional()]),
      ) as Record<CategorySlot, z.ZodOptional<ReturnType<typeof nullableToOne<'appCategories'>>>>,
    )
    .optional(),
})

const text = {
  subtitle: z.string().nullable().optional(),
  privacyPolicyUrl: z.string().nullable().optional(),
  privacyChoicesUrl: z.string().nullable().optional(),
  privacyPolicyText: z.string().nullable().optional(),
}
const LocalizationCreate = z.strictObject({
  type: z.literal('appInfoLocalizations'),
  attributes: z.strictObject({ locale: z.string().min(1), name: z.string(), ...text }),
  relationships: z.strictObject({ appInfo: toOne('appInfos') }),
})
const LocalizationUpdate = z.strictObject({
  type: z.literal('appInfoLocalizations'),
  id: z.string(),
  attributes: z.strictObject({ name: z.string().nullable().optional(), ...text }).optional(),
})
type Text = Partial<Record<'name' | keyof typeof text, string | null | undefined>>

/** Apple's limits, in characters. */
const MAX_LENGTH: Readonly<Record<string, number>> = { name: 30, subtitle: 30 }

function assertEditable(s: SandboxStore, info: AppInfo): void {
  if (isAppInfoEditable(s, info)) return
  throw conflict(
    'ENTITY_ERROR.STATE_NOT_ALLOWED',
    'The request cannot be fulfilled because of the state of the resource.',
    `appInfos with id '${info.id}' cannot be edited while it is READY_FOR_DISTRIBUTION; edit the app information of the next version.`,
  )
}

function checkText(attributes: Text): void {
  checkLengths(attributes, MAX_LENGTH)
  checkUrls(attributes, ['privacyPolicyUrl', 'privacyChoicesUrl'])
  if (attributes.name !== undefined && !attributes.name?.trim())
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      'The provided entity is missing a required attribute',
      "You must provide a value for the attribute 'name' with this request",
      '/data/attributes/name',
    )
}

/** A category for the slot: top-level for a category, a child of the slot's category for a subcategory. */
function checkCategory(
  s: SandboxStore,
  info: AppInfo,
  slot: CategorySlot,
  id: string,
  chosen: AppInfo['categories'],
): void {
  const pointer = `/data/relationships/${slot}`
  const category = APP_CATEGORIES.get(id)
  if (!category) throw relationshipInvalid(`appCategories with id '${id}' cannot be found`, pointer)
  const platforms = s.apps.get(info.appId)?.platforms ?? []
  if (!platforms.some((p) => category.platforms.includes(p)))
    throw relationshipInvalid(`The category '${id}' is not available on ${platforms.join(', ')}.`, pointer)
  const parentSlot = slot.startsWith('primary') ? 'primaryCategory' : 'secondaryCategory'
  if (slot === parentSlot) {
    if (category.parent !== null)
      throw relationshipInvalid(
        `'${id}' is a subcategory of ${category.parent}; choose ${category.parent} as ${slot}.`,
        pointer,
      )
  } else if (category.parent === null || category.parent !== chosen[parentSlot]) {
    throw relationshipInvalid(
      `'${id}' is not a subcategory of ${chosen[parentSlot] ?? 'the chosen category'}.`,
      pointer,
    )
  }
}

export const appInfoRoutes: readonly Route[] = [
  related('GET /v1/apps/{id}/appInfos', 'AppInfosResponse', {
    query: { paged: true, include: APP_INFO_INCLUDES },
  }),
  byId('GET /v1/appInfos/{id}', 'AppInfoResponse', APP_INFO_INCLUDES),
  update(
    'PATCH /v1/appInfos/{id}',
    'AppInfoResponse',
    (ctx) => ctx.store.appInfos,
    AppInfoUpdate,
    (c, info, d) => {
      const s = c.ctx.store
      assertEditable(s, info)
      const chosen = { ...info.categories }
      for (const slot of CATEGORY_SLOTS) {
        const given = d.relationships?.[slot]
        if (given) chosen[slot] = given.data?.id ?? null
      }
      for (const slot of CATEGORY_SLOTS) {
        const id = chosen[slot]
        if (id && d.relationships?.[slot]) checkCategory(s, info, slot, id, chosen)
      }
      if (chosen.primaryCategory && chosen.primaryCategory === chosen.secondaryCategory)
        throw relationshipInvalid(
          `The primary and secondary category cannot both be '${chosen.primaryCategory}'.`,
          '/data/relationships/secondaryCategory',
        )
      info.categories = chosen
    },
  ),
  related('GET /v1/appInfos/{id}/appInfoLocalizations', 'AppInfoLocalizationsResponse', {
    query: { paged: true, filters: ['locale'], include: ['appInfo'] },
  }),
  related('GET /v1/appInfos/{id}/primaryCategory', 'AppCategoryResponse', {
    query: { include: ['parent', 'subcategories'] },
  }),
  related('GET /v1/appInfos/{id}/secondaryCategory', 'AppCategoryResponse', {
    query: { include: ['parent', 'subcategories'] },
  }),
  endpoint('GET /v1/appInfos/{id}/relationships/primaryCategory', (c) => {
    const info = requireRecord(c.ctx.store.appInfos, 'appInfos', c.params.id)
    const id = info.categories.primaryCategory
    return {
      status: 200,
      body: { data: id ? { type: 'appCategories', id } : null, links: { self: href(c.url) } },
      schema: 'AppInfoPrimaryCategoryLinkageResponse',
    }
  }),
  related('GET /v1/appInfos/{id}/ageRatingDeclaration', 'AgeRatingDeclarationResponse'),
  byId('GET /v1/appInfoLocalizations/{id}', 'AppInfoLocalizationResponse', ['appInfo']),
  create('POST /v1/appInfoLocalizations', 'AppInfoLocalizationResponse', LocalizationCreate, (c, d) => {
    const s = c.ctx.store
    const info = relatedRecord(
      s.appInfos,
      'appInfos',
      d.relationships.appInfo.data.id,
      '/data/relationships/appInfo',
    )
    const { locale, ...attributes } = d.attributes
    if (appInfoLocalizationsOf(s, info.id).some((l) => l.locale === locale))
      throw conflict(
        'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
        'The provided entity includes an attribute with a value that has already been used',
        `A localization for locale '${locale}' already exists for this app info.`,
        '/data/attributes/locale',
      )
    checkText(attributes)
    assertEditable(s, info)
    return addAppInfoLocalization(s, info.id, locale, {
      name: attributes.name,
      subtitle: attributes.subtitle ?? null,
      privacyPolicyUrl: attributes.privacyPolicyUrl ?? null,
      privacyChoicesUrl: attributes.privacyChoicesUrl ?? null,
      privacyPolicyText: attributes.privacyPolicyText ?? null,
    }).id
  }),
  update(
    'PATCH /v1/appInfoLocalizations/{id}',
    'AppInfoLocalizationResponse',
    (ctx) => ctx.store.appInfoLocalizations,
    LocalizationUpdate,
    (c, l, d) => {
      const s = c.ctx.store
      const attributes = d.attributes ?? {}
      checkText(attributes)
      assertEditable(s, requireRecord(s.appInfos, 'appInfos', l.appInfoId))
      for (const key of Object.keys(attributes) as (keyof typeof attributes)[]) {
        const value = attributes[key]
        if (value !== undefined) l[key] = value
      }
    },
  ),
  endpointWithoutContent('DELETE /v1/appInfoLocalizations/{id}', (c) => {
    const s = c.ctx.store
    const l = requireRecord(s.appInfoLocalizations, 'appInfoLocalizations', c.params.id)
    const info = requireRecord(s.appInfos, 'appInfos', l.appInfoId)
    assertEditable(s, info)
    // The primary locale stays: Apple needs the app's name in it.
    if (s.apps.get(info.appId)?.locales[0] === l.locale)
      throw otherStateInvalid(`The localization for the primary locale '${l.locale}' cannot be deleted.`)
    s.appInfoLocalizations.delete(l.id)
  }),
  collection('GET /v1/appCategories', 'AppCategoriesResponse', {
    paged: true,
    filters: ['platforms'],
    exists: ['parent'],
    include: ['subcategories', 'parent'],
  }),
  byId('GET /v1/appCategories/{id}', 'AppCategoryResponse', ['subcategories', 'parent']),
  related('GET /v1/appCategories/{id}/subcategories', 'AppCategoriesWithoutIncludesResponse', {
    query: { paged: true },
  }),
  related('GET /v1/appCategories/{id}/parent', 'AppCategoryWithoutIncludesResponse'),
]
