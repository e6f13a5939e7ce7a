import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { relationshipInvalid } from '../errors'
import { insert } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { create, related, remove, update } from './route'

const PhasedReleaseState = z.enum(['INACTIVE', 'ACTIVE', 'PAUSED', 'COMPLETE'])
const PhasedCreate = z.strictObject({
  type: z.literal('appStoreVersionPhasedReleases'),
  attributes: z.strictObject({ phasedReleaseState: PhasedReleaseState.nullable().optional() }).optional(),
  relationships: z.strictObject({ appStoreVersion: toOne('appStoreVersions') }),
})
const PhasedUpdate = z.strictObject({
  type: z.literal('appStoreVersionPhasedReleases'),
  id: z.string(),
  attributes: z.strictObject({ phasedReleaseState: PhasedReleaseState.nullable().optional() }).optional(),
})

export const phasedReleaseRoutes: readonly Route[] = [
  related(
    'GET /v1/appStoreVersions/{id}/appStoreVersionPhasedRelease',
    'AppStoreVersionPhasedReleaseWithoutIncludesResponse',
  ),
  create(
    'POST /v1/appStoreVersionPhasedReleases',
    'AppStoreVersionPhasedReleaseResponse',
    PhasedCreate,
    (c, d) => {
      const s = c.ctx.store
      const pointer = '/data/relationships/appStoreVersion'
      const v = relatedRecord(
        s.appStoreVersions,
        'appStoreVersions',
        d.relationships.appStoreVersion.data.id,
        pointer,
      )
      // One phased release per version.
      const existing = [...s.phasedReleases.values()].find((p) => p.versionId === v.id)
      if (existing) {
        throw relationshipInvalid(
          `appStoreVersions with id '${v.id}' already has an appStoreVersionPhasedRelease with id '${existing.id}'.`,
          pointer,
        )
      }
      return insert(s.phasedReleases, {
        id: randomUUID(),
        versionId: v.id,
        phasedReleaseState: d.attributes?.phasedReleaseState ?? ('INACTIVE' as const),
      })
    },
  ),
  update(
    'PATCH /v1/appStoreVersionPhasedReleases/{id}',
    'AppStoreVersionPhasedReleaseResponse',
    (ctx) => ctx.store.phasedReleases,
    PhasedUpdate,
    (_c, p, d) => {
      const state = d.attributes?.phasedReleaseState
      if (state) p.phasedReleaseState = state
    },
  ),
  remove('DELETE /v1/appStoreVersionPhasedReleases/{id}', (ctx) => ctx.store.phasedReleases),
]
