import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { relationshipInvalid } from '../errors'
import {
  assertDeletable,
  newPhasedRelease,
  requestPhasedReleaseState,
  startPhasedRelease,
} from '../phased-release'
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
      // Phased release exists for updates only: a first version goes to everyone at once.
      if (!s.isUpdate(v)) {
        throw relationshipInvalid(
          `appStoreVersions with id '${v.id}' is the first version of the app on ${v.platform}: phased release is not available for the first version.`,
          pointer,
        )
      }
      // One phased release per version.
      const existing = [...s.phasedReleases.values()].find((p) => p.versionId === v.id)
      if (existing) {
        throw relationshipInvalid(
          `appStoreVersions with id '${v.id}' already has an appStoreVersionPhasedRelease with id '${existing.id}'.`,
          pointer,
        )
      }
      const p = newPhasedRelease(randomUUID(), v.id, 'INACTIVE')
      const state = d.attributes?.phasedReleaseState ?? 'INACTIVE'
      // Created on a version already on sale, it starts now; otherwise when the version is released.
      if (v.state === 'READY_FOR_DISTRIBUTION' && state !== 'INACTIVE') startPhasedRelease(p, s.now())
      else if (state !== 'INACTIVE') requestPhasedReleaseState(p, state, s.now())
      return insert(s.phasedReleases, p)
    },
  ),
  update(
    'PATCH /v1/appStoreVersionPhasedReleases/{id}',
    'AppStoreVersionPhasedReleaseResponse',
    (ctx) => ctx.store.phasedReleases,
    PhasedUpdate,
    (c, p, d) => {
      const state = d.attributes?.phasedReleaseState
      if (state) requestPhasedReleaseState(p, state, c.ctx.store.now())
    },
  ),
  remove('DELETE /v1/appStoreVersionPhasedReleases/{id}', (ctx) => ctx.store.phasedReleases, assertDeletable),
]
