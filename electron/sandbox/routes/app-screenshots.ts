import * as z from 'zod'
import { conflict } from '../errors'
import { href } from '../jsonapi'
import { addScreenshotSet, deleteScreenshotSet, screenshotSetsOf, type AppScreenshotSet } from '../metadata'
import { SCREENSHOT_DISPLAY_TYPES } from '../screenshot-specs'
import type { AppStoreVersion, SandboxStore } from '../store'
import { requireRecord } from './render'
import { readData, ref, relatedRecord, toOne } from './request-body'
import type { Call, Route } from './call'
import { byId, create, endpoint, endpointWithoutContent, related, update } from './route'

// Screenshot sets (one per display type and version localization) and their screenshots, uploaded in parts.
const SetCreate = z.strictObject({
  type: z.literal('appScreenshotSets'),
  attributes: z.strictObject({ screenshotDisplayType: z.enum(SCREENSHOT_DISPLAY_TYPES) }),
  relationships: z.strictObject({ appStoreVersionLocalization: toOne('appStoreVersionLocalizations') }),
})
const ScreenshotCreate = z.strictObject({
  type: z.literal('appScreenshots'),
  attributes: z.strictObject({
    fileName: z.string().min(1),
    fileSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  }),
  relationships: z.strictObject({ appScreenshotSet: toOne('appScreenshotSets') }),
})
const ScreenshotUpdate = z.strictObject({
  type: z.literal('appScreenshots'),
  id: z.string(),
  attributes: z
    .strictObject({
      sourceFileChecksum: z.string().nullable().optional(),
      uploaded: z.boolean().nullable().optional(),
    })
    .optional(),
})

const SET_INCLUDES = ['appStoreVersionLocalization', 'appScreenshots']

/** The version a screenshot set belongs to: screenshots change only while it is editable. */
function versionOfSet(s: SandboxStore, set: AppScreenshotSet): AppStoreVersion {
  const l = s.appStoreVersionLocalizations.get(set.localizationId)
  const v = l ? s.appStoreVersions.get(l.versionId) : undefined
  if (!v) throw new Error(`screenshot set ${set.id} without version`)
  return v
}

function setOf(c: Call, id: string | undefined): AppScreenshotSet {
  return requireRecord(c.ctx.store.appScreenshotSets, 'appScreenshotSets', id)
}

export const appScreenshotRoutes: readonly Route[] = [
  related('GET /v1/appStoreVersionLocalizations/{id}/appScreenshotSets', 'AppScreenshotSetsResponse', {
    query: { paged: true, filters: ['screenshotDisplayType'], include: SET_INCLUDES },
  }),
  byId('GET /v1/appScreenshotSets/{id}', 'AppScreenshotSetResponse', SET_INCLUDES),
  create('POST /v1/appScreenshotSets', 'AppScreenshotSetResponse', SetCreate, (c, d) => {
    const s = c.ctx.store
    const l = relatedRecord(
      s.appStoreVersionLocalizations,
      'appStoreVersionLocalizations',
      d.relationships.appStoreVersionLocalization.data.id,
      '/data/relationships/appStoreVersionLocalization',
    )
    const type = d.attributes.screenshotDisplayType
    if (screenshotSetsOf(s, l.id).some((set) => set.displayType === type))
      throw conflict(
        'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
        'The provided entity includes an attribute with a value that has already been used',
        `An appScreenshotSet with screenshotDisplayType '${type}' already exists for this localization.`,
        '/data/attributes/screenshotDisplayType',
      )
    const v = s.appStoreVersions.get(l.versionId)
    if (v) s.assertVersionEditable(v)
    return addScreenshotSet(s, l.id, type).id
  }),
  endpointWithoutContent('DELETE /v1/appScreenshotSets/{id}', (c) => {
    const set = setOf(c, c.params.id)
    c.ctx.store.assertVersionEditable(versionOfSet(c.ctx.store, set))
    deleteScreenshotSet(c.ctx.store, set)
  }),
  related('GET /v1/appScreenshotSets/{id}/appScreenshots', 'AppScreenshotsResponse', {
    query: { paged: true, include: ['appScreenshotSet'] },
  }),
  endpoint(
    'GET /v1/appScreenshotSets/{id}/relationships/appScreenshots',
    (c) => {
      const set = setOf(c, c.params.id)
      return {
        status: 200,
        body: {
          data: set.screenshotIds.map((id) => ({ type: 'appScreenshots', id })),
          links: { self: href(c.url) },
          meta: { paging: { total: set.screenshotIds.length, limit: 200 } },
        },
        schema: 'AppScreenshotSetAppScreenshotsLinkagesResponse',
      }
    },
    { paged: true },
  ),
  // Reorder: the body lists every screenshot of the set, in the order the App Store shows them.
  endpointWithoutContent('PATCH /v1/appScreenshotSets/{id}/relationships/appScreenshots', (c) => {
    const s = c.ctx.store
    const set = setOf(c, c.params.id)
    const order = readData(c, z.array(ref('appScreenshots'))).map((r) => r.id)
    const same =
      order.length === set.screenshotIds.length &&
      new Set(order).size === order.length &&
      order.every((id) => set.screenshotIds.includes(id))
    if (!same)
      throw conflict(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        'The provided entity includes a relationship with an invalid value',
        `The list must name each of the set's ${set.screenshotIds.length} appScreenshots once.`,
        '/data',
      )
    s.assertVersionEditable(versionOfSet(s, set))
    set.screenshotIds = order
  }),
  byId('GET /v1/appScreenshots/{id}', 'AppScreenshotResponse', ['appScreenshotSet']),
  create('POST /v1/appScreenshots', 'AppScreenshotResponse', ScreenshotCreate, (c, d) => {
    const s = c.ctx.store
    const set = relatedRecord(
      s.appScreenshotSets,
      'appScreenshotSets',
      d.relationships.appScreenshotSet.data.id,
      '/data/relationships/appScreenshotSet',
    )
    s.assertVersionEditable(versionOfSet(s, set))
    return c.ctx.screenshots.reserve(set, d.attributes.fileName, d.attributes.fileSize).id
  }),
  update(
    'PATCH /v1/appScreenshots/{id}',
    'AppScreenshotResponse',
    (ctx) => ctx.store.appScreenshots,
    ScreenshotUpdate,
    (c, shot, d) => {
      c.ctx.screenshots.commit(shot, d.attributes?.uploaded, d.attributes?.sourceFileChecksum)
    },
  ),
  endpointWithoutContent('DELETE /v1/appScreenshots/{id}', (c) => {
    const s = c.ctx.store
    const shot = requireRecord(s.appScreenshots, 'appScreenshots', c.params.id)
    const set = s.appScreenshotSets.get(shot.setId)
    if (set) {
      s.assertVersionEditable(versionOfSet(s, set))
      set.screenshotIds = set.screenshotIds.filter((id) => id !== shot.id)
    }
    s.appScreenshots.delete(shot.id)
  }),
]
