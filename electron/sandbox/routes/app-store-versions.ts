import * as z from 'zod'
import { attributeInvalid, conflict, otherStateInvalid } from '../errors'
import { href, type QuerySpec } from '../jsonapi'
import { SandboxPlatform } from '../seed'
import type { AppStoreVersion } from '../store'
import { requireRecord } from './render'
import { nullableToOne, readData, ref, toOne } from './request-body'
import type { Call, Route } from './call'
import { byId, create, endpoint, endpointWithoutContent, related, update } from './route'

const VERSION_INCLUDES = [
  'app',
  'build',
  'appStoreVersionPhasedRelease',
  'appStoreVersionLocalizations',
  'appStoreReviewDetail',
]
const VERSION_QUERY: QuerySpec = {
  paged: true,
  filters: ['id', 'platform', 'versionString', 'appStoreState', 'appVersionState'],
  include: VERSION_INCLUDES,
}

const versionAttributes = {
  copyright: z.string().nullable().optional(),
  reviewType: z.enum(['APP_STORE', 'NOTARIZATION']).nullable().optional(),
  releaseType: z.enum(['MANUAL', 'AFTER_APPROVAL', 'SCHEDULED']).nullable().optional(),
  earliestReleaseDate: z.string().nullable().optional(),
  usesIdfa: z.boolean().nullable().optional(),
}
const VersionCreate = z.strictObject({
  type: z.literal('appStoreVersions'),
  attributes: z.strictObject({
    platform: SandboxPlatform,
    versionString: z.string().min(1),
    ...versionAttributes,
  }),
  relationships: z.strictObject({
    app: toOne('apps'),
    build: nullableToOne('builds').optional(),
    appStoreVersionLocalizations: z.unknown().optional(),
  }),
})
const VersionUpdate = z.strictObject({
  type: z.literal('appStoreVersions'),
  id: z.string(),
  attributes: z
    .strictObject({
      versionString: z.string().min(1).nullable().optional(),
      downloadable: z.boolean().nullable().optional(),
      ...versionAttributes,
    })
    .optional(),
  relationships: z
    .strictObject({
      build: nullableToOne('builds').optional(),
      appClipDefaultExperience: z.unknown().optional(),
    })
    .optional(),
})

const versions = (c: Call['ctx']): Map<string, AppStoreVersion> => c.store.appStoreVersions

export const appStoreVersionRoutes: readonly Route[] = [
  related('GET /v1/apps/{id}/appStoreVersions', 'AppStoreVersionsResponse', { query: VERSION_QUERY }),
  byId('GET /v1/appStoreVersions/{id}', 'AppStoreVersionResponse', VERSION_INCLUDES),
  create('POST /v1/appStoreVersions', 'AppStoreVersionResponse', VersionCreate, (c, d) => {
    const v = c.ctx.store.createVersion(
      d.relationships.app.data.id,
      d.attributes.platform,
      d.attributes.versionString,
    )
    try {
      applyVersionAttributes(c, v, { ...d.attributes, versionString: undefined })
      if (d.relationships.build?.data) c.ctx.store.attachBuild(v, d.relationships.build.data.id)
    } catch (error) {
      c.ctx.store.deleteVersion(v)
      throw error
    }
    return v.id
  }),
  update('PATCH /v1/appStoreVersions/{id}', 'AppStoreVersionResponse', versions, VersionUpdate, (c, v, d) => {
    c.ctx.store.assertVersionEditable(v)
    const before = { ...v }
    try {
      applyVersionAttributes(c, v, d.attributes)
      if (d.relationships?.build) c.ctx.store.attachBuild(v, d.relationships.build.data?.id ?? null)
    } catch (error) {
      Object.assign(v, before)
      throw error
    }
  }),
  endpointWithoutContent('DELETE /v1/appStoreVersions/{id}', (c) => {
    const v = requireRecord(versions(c.ctx), 'appStoreVersions', c.params.id)
    if (v.state !== 'PREPARE_FOR_SUBMISSION')
      throw otherStateInvalid(`appStoreVersions with id '${v.id}' is ${v.state} and cannot be deleted.`)
    c.ctx.store.deleteVersion(v)
  }),
  related('GET /v1/appStoreVersions/{id}/build', 'BuildWithoutIncludesResponse'),
  endpoint('GET /v1/appStoreVersions/{id}/relationships/build', (c) => {
    const v = requireRecord(versions(c.ctx), 'appStoreVersions', c.params.id)
    return {
      status: 200,
      body: { data: v.buildId ? { type: 'builds', id: v.buildId } : null, links: { self: href(c.url) } },
      schema: 'AppStoreVersionBuildLinkageResponse',
    }
  }),
  endpointWithoutContent('PATCH /v1/appStoreVersions/{id}/relationships/build', (c) => {
    const v = requireRecord(versions(c.ctx), 'appStoreVersions', c.params.id)
    c.ctx.store.attachBuild(v, readData(c, ref('builds').nullable())?.id ?? null)
  }),
]

function applyVersionAttributes(
  c: Call,
  v: AppStoreVersion,
  a: z.infer<typeof VersionUpdate>['attributes'],
): void {
  if (!a) return
  const releaseType = a.releaseType ?? v.releaseType
  const date = a.earliestReleaseDate !== undefined ? a.earliestReleaseDate : v.earliestReleaseDate
  if (a.earliestReleaseDate) checkReleaseDate(a.earliestReleaseDate, c.ctx.store.now())
  if (a.earliestReleaseDate && releaseType !== 'SCHEDULED') {
    throw attributeInvalid(
      `earliestReleaseDate can only be set when releaseType is SCHEDULED (it is ${releaseType}).`,
      '/data/attributes/earliestReleaseDate',
    )
  }
  if (releaseType === 'SCHEDULED' && !date) {
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      'The provided entity is missing a required attribute',
      "You must provide a value for the attribute 'earliestReleaseDate' with this request",
      '/data/attributes/earliestReleaseDate',
    )
  }
  if (a.versionString) c.ctx.store.renameVersion(v, a.versionString)
  if (a.copyright !== undefined) v.copyright = a.copyright
  if (a.reviewType) v.reviewType = a.reviewType
  if (a.downloadable != null) v.downloadable = a.downloadable
  v.releaseType = releaseType
  v.earliestReleaseDate = releaseType === 'SCHEDULED' ? (date ?? null) : null
}

/** earliestReleaseDate: App Store Connect takes whole hours only, in the future. */
function checkReleaseDate(value: string, now: number): void {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value)
  const bad = (detail: string): never => {
    throw attributeInvalid(detail, '/data/attributes/earliestReleaseDate')
  }
  if (!m || Number.isNaN(Date.parse(value))) bad(`'${value}' is not an ISO 8601 date-time with a time zone.`)
  if (m?.[1] !== '00' || (m[2] ?? '00') !== '00' || /[1-9]/.test(m[3] ?? ''))
    bad(`The earliest release date '${value}' must be on the hour (minutes and seconds 00).`)
  if (Date.parse(value) <= now) bad(`The earliest release date '${value}' is in the past.`)
}
