import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { readData, relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { endpoint } from './route'

const ReleaseRequestCreate = z.strictObject({
  type: z.literal('appStoreVersionReleaseRequests'),
  relationships: z.strictObject({ appStoreVersion: toOne('appStoreVersions') }),
})

export const releaseRequestRoutes: readonly Route[] = [
  // Releases an approved MANUAL (or not yet due SCHEDULED) version now; Apple answers 201 with no attributes.
  endpoint('POST /v1/appStoreVersionReleaseRequests', (c) => {
    const d = readData(c, ReleaseRequestCreate)
    const s = c.ctx.store
    const v = relatedRecord(
      s.appStoreVersions,
      'appStoreVersions',
      d.relationships.appStoreVersion.data.id,
      '/data/relationships/appStoreVersion',
    )
    s.requestRelease(v)
    const id = randomUUID()
    const self = `${c.base}/v1/appStoreVersionReleaseRequests/${id}`
    return {
      status: 201,
      body: { data: { type: 'appStoreVersionReleaseRequests', id, links: { self } }, links: { self } },
      schema: 'AppStoreVersionReleaseRequestResponse',
    }
  }),
]
