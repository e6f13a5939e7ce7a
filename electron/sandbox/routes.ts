import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { ApiError, conflict, notFound, unprocessable } from './errors'
import { href, parseQuery, renderCollection, renderSingle, type Query, type QuerySpec } from './jsonapi'
import type { Context, ResourceDef } from './resources'
import { SandboxPlatform } from './seed'
import { OPEN_SUBMISSION, type AppStoreVersion } from './store'

export type Result = { readonly status: number; readonly body?: object; readonly schema?: string }
export type Call = {
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  readonly query: Query
  readonly body: unknown
  readonly ctx: Context
  readonly defs: ReadonlyMap<string, ResourceDef>
  readonly base: string
}
export type Route = {
  readonly method: string
  readonly path: string
  readonly query?: QuerySpec
  readonly write?: boolean
  readonly handle: (c: Call) => Result | Promise<Result>
}

// ---- request bodies (unknown keys are refused, as Apple answers 422 for misspelled keys) ----
const ref = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), id: z.string().min(1) })
const toOne = <T extends string>(type: T) => z.strictObject({ data: ref(type) })
const nullableToOne = <T extends string>(type: T) => z.strictObject({ data: ref(type).nullable() })
const ReleaseType = z.enum(['MANUAL', 'AFTER_APPROVAL', 'SCHEDULED'])
const versionAttributes = {
  copyright: z.string().nullable().optional(),
  reviewType: z.enum(['APP_STORE', 'NOTARIZATION']).nullable().optional(),
  releaseType: ReleaseType.nullable().optional(),
  earliestReleaseDate: z.string().nullable().optional(),
  usesIdfa: z.boolean().nullable().optional(),
}
const Checksum = z.strictObject({ hash: z.string(), algorithm: z.enum(['MD5', 'SHA_256']) }).partial()
const Bodies = {
  buildUpdate: z.strictObject({
    type: z.literal('builds'),
    id: z.string(),
    attributes: z
      .strictObject({ expired: z.boolean().nullable(), usesNonExemptEncryption: z.boolean().nullable() })
      .partial()
      .optional(),
    relationships: z.strictObject({ appEncryptionDeclaration: z.unknown() }).partial().optional(),
  }),
  linkages: (type: 'builds' | 'betaGroups') => z.array(ref(type)).min(1),
  localizationCreate: z.strictObject({
    type: z.literal('betaBuildLocalizations'),
    attributes: z.strictObject({ locale: z.string().min(1), whatsNew: z.string().nullable().optional() }),
    relationships: z.strictObject({ build: toOne('builds') }),
  }),
  localizationUpdate: z.strictObject({
    type: z.literal('betaBuildLocalizations'),
    id: z.string(),
    attributes: z.strictObject({ whatsNew: z.string().nullable().optional() }).optional(),
  }),
  reviewDetailUpdate: z.strictObject({
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
  }),
  appLocalizationCreate: z.strictObject({
    type: z.literal('betaAppLocalizations'),
    attributes: z
      .strictObject({
        locale: z.string().min(1),
        feedbackEmail: z.string().nullable().optional(),
        description: z.string().nullable().optional(),
      })
      .loose(),
    relationships: z.strictObject({ app: toOne('apps') }),
  }),
  appLocalizationUpdate: z.strictObject({
    type: z.literal('betaAppLocalizations'),
    id: z.string(),
    attributes: z
      .strictObject({
        feedbackEmail: z.string().nullable().optional(),
        description: z.string().nullable().optional(),
      })
      .loose()
      .optional(),
  }),
  betaReviewCreate: z.strictObject({
    type: z.literal('betaAppReviewSubmissions'),
    relationships: z.strictObject({ build: toOne('builds') }),
  }),
  versionCreate: z.strictObject({
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
  }),
  versionUpdate: z.strictObject({
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
  }),
  phasedCreate: z.strictObject({
    type: z.literal('appStoreVersionPhasedReleases'),
    attributes: z
      .strictObject({
        phasedReleaseState: z.enum(['INACTIVE', 'ACTIVE', 'PAUSED', 'COMPLETE']).nullable().optional(),
      })
      .optional(),
    relationships: z.strictObject({ appStoreVersion: toOne('appStoreVersions') }),
  }),
  phasedUpdate: z.strictObject({
    type: z.literal('appStoreVersionPhasedReleases'),
    id: z.string(),
    attributes: z
      .strictObject({
        phasedReleaseState: z.enum(['INACTIVE', 'ACTIVE', 'PAUSED', 'COMPLETE']).nullable().optional(),
      })
      .optional(),
  }),
  submissionCreate: z.strictObject({
    type: z.literal('reviewSubmissions'),
    attributes: z.strictObject({ platform: SandboxPlatform.nullable().optional() }).optional(),
    relationships: z.strictObject({ app: toOne('apps') }),
  }),
  submissionUpdate: z.strictObject({
    type: z.literal('reviewSubmissions'),
    id: z.string(),
    attributes: z
      .strictObject({
        platform: SandboxPlatform.nullable(),
        submitted: z.boolean().nullable(),
        canceled: z.boolean().nullable(),
      })
      .partial()
      .optional(),
  }),
  itemCreate: z.strictObject({
    type: z.literal('reviewSubmissionItems'),
    relationships: z.strictObject({
      reviewSubmission: toOne('reviewSubmissions'),
      appStoreVersion: toOne('appStoreVersions'),
    }),
  }),
  uploadCreate: z.strictObject({
    type: z.literal('buildUploads'),
    attributes: z.strictObject({
      cfBundleShortVersionString: z.string().min(1),
      cfBundleVersion: z.string().min(1),
      platform: SandboxPlatform,
    }),
    relationships: z.strictObject({ app: toOne('apps') }),
  }),
  fileCreate: z.strictObject({
    type: z.literal('buildUploadFiles'),
    attributes: z.strictObject({
      fileName: z.string().min(1),
      fileSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      uti: z.enum([
        'com.apple.binary-property-list',
        'com.apple.ipa',
        'com.apple.pkg',
        'com.apple.xml-property-list',
        'com.pkware.zip-archive',
      ]),
      assetType: z.enum(['ASSET', 'ASSET_DESCRIPTION', 'ASSET_SPI']),
    }),
    relationships: z.strictObject({ buildUpload: toOne('buildUploads') }),
  }),
  fileUpdate: z.strictObject({
    type: z.literal('buildUploadFiles'),
    id: z.string(),
    attributes: z
      .strictObject({
        uploaded: z.boolean().nullable().optional(),
        sourceFileChecksums: z
          .strictObject({
            file: Checksum.optional(),
            composite: z
              .strictObject({ hash: z.string(), algorithm: z.literal('MD5') })
              .partial()
              .optional(),
          })
          .nullable()
          .optional(),
      })
      .optional(),
  }),
}

function data<T>(c: Call, schema: z.ZodType<T>, id?: string): T {
  const envelope = z.strictObject({ data: z.unknown() }).safeParse(c.body)
  if (!envelope.success)
    throw unprocessable('The request entity must be a JSON object with a "data" member.', '/data')
  const parsed = schema.safeParse(envelope.data.data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path ?? []
    const key = issue?.code === 'unrecognized_keys' ? `/${issue.keys[0] ?? ''}` : ''
    throw unprocessable(
      `${issue?.message ?? 'invalid'} at /data/${path.join('/')}${key}`,
      `/data${path.length ? '/' + path.join('/') : ''}${key}`,
    )
  }
  if (id !== undefined && (parsed.data as { id?: string }).id !== id) {
    throw conflict(
      'ENTITY_ERROR.ID.INVALID',
      'The provided entity id is invalid',
      `The id in the request body does not match the id '${id}' in the URL.`,
      '/data/id',
    )
  }
  return parsed.data
}

// ---- reading ----
function matches(c: Call, type: string, id: string, key: string, values: readonly string[]): boolean {
  if (key === 'id') return values.includes(id)
  const def = c.defs.get(type)
  if (!def) return false
  const [head = '', ...rest] = key.split('.')
  const rel = def.rels[head]
  if (rel && (rest.length > 0 || !def.attributeNames.includes(head))) {
    const ids = rel.ids(id)
    const list = Array.isArray(ids) ? ids : ids === null ? [] : [ids]
    return rest.length === 0
      ? list.some((i) => values.includes(i))
      : list.some((i) => matches(c, rel.type, i, rest.join('.'), values))
  }
  const raw = def.attributes(id)[head]
  // buildUploads.state is an object; the filter compares its inner state.
  const value = raw !== null && typeof raw === 'object' ? (raw as { state?: unknown }).state : raw
  return value !== undefined && values.includes(String(value))
}

function list(c: Call, type: string, ids: readonly string[], schema: string): Result {
  let out = ids.filter((id) =>
    [...c.query.filters].every(([key, values]) => matches(c, type, id, key, values)),
  )
  const def = c.defs.get(type)
  if (c.query.sort && def) {
    const desc = c.query.sort.startsWith('-')
    const field = c.query.sort.replace(/^-/, '')
    const keyOf = (id: string): string => String(def.attributes(id)[field] ?? '')
    out = [...out].sort((a, b) => keyOf(a).localeCompare(keyOf(b), 'en', { numeric: true }) * (desc ? -1 : 1))
  }
  return { status: 200, body: renderCollection(c, c.url, type, out, c.query), schema }
}

function one(c: Call, type: string, id: string | null, schema: string, status = 200): Result {
  if (id !== null && !c.defs.get(type)?.exists(id)) throw notFound(type, id)
  return { status, body: renderSingle(c, c.url, type, id, c.query), schema }
}

function parent<T>(map: ReadonlyMap<string, T>, type: string, id: string | undefined): T {
  const found = map.get(id ?? '')
  if (!found) throw notFound(type, id ?? '')
  return found
}

const noContent: Result = { status: 204 }
const relationshipInvalid = (detail: string, pointer: string): ApiError =>
  conflict(
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
    'The provided entity includes a relationship with an invalid value',
    detail,
    pointer,
  )
const stateInvalid = (detail: string): ApiError =>
  conflict(
    'STATE_ERROR.ENTITY_STATE_INVALID',
    'The request cannot be fulfilled because of the state of another resource.',
    detail,
  )

/** earliestReleaseDate: App Store Connect takes whole hours only, in the future. */
function checkReleaseDate(value: string, now: number): void {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value)
  const bad = (detail: string): never => {
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'The provided entity includes an attribute with an invalid value',
      detail,
      '/data/attributes/earliestReleaseDate',
    )
  }
  if (!m || Number.isNaN(Date.parse(value))) bad(`'${value}' is not an ISO 8601 date-time with a time zone.`)
  if (m?.[1] !== '00' || (m[2] ?? '00') !== '00' || /[1-9]/.test(m[3] ?? ''))
    bad(`The earliest release date '${value}' must be on the hour (minutes and seconds 00).`)
  if (Date.parse(value) <= now) bad(`The earliest release date '${value}' is in the past.`)
}

function applyVersionAttributes(
  c: Call,
  v: AppStoreVersion,
  a: z.infer<typeof Bodies.versionUpdate>['attributes'],
): void {
  if (!a) return
  const releaseType = a.releaseType ?? v.releaseType
  const date = a.earliestReleaseDate !== undefined ? a.earliestReleaseDate : v.earliestReleaseDate
  if (a.earliestReleaseDate) checkReleaseDate(a.earliestReleaseDate, c.ctx.store.now())
  if (a.earliestReleaseDate && releaseType !== 'SCHEDULED') {
    throw conflict(
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'The provided entity includes an attribute with an invalid value',
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

const BUILD_INCLUDES = [
  'preReleaseVersion',
  'buildBetaDetail',
  'app',
  'betaGroups',
  'betaAppReviewSubmission',
  'buildUpload',
]
const BUILD_QUERY: QuerySpec = {
  paged: true,
  filters: [
    'app',
    'id',
    'version',
    'expired',
    'processingState',
    'preReleaseVersion',
    'preReleaseVersion.version',
    'preReleaseVersion.platform',
    'betaGroups',
    'betaAppReviewSubmission.betaReviewState',
    'buildUpload',
  ],
  include: BUILD_INCLUDES,
  sort: ['uploadedDate', '-uploadedDate', 'version', '-version'],
}
const VERSION_QUERY: QuerySpec = {
  paged: true,
  filters: ['id', 'platform', 'versionString', 'appStoreState', 'appVersionState'],
  include: ['app', 'build', 'appStoreVersionPhasedRelease'],
}

export function routes(): readonly Route[] {
  const keys = <T>(m: ReadonlyMap<string, T>): string[] => [...m.keys()]
  return [
    // apps
    {
      method: 'GET',
      path: '/v1/apps',
      query: {
        paged: true,
        filters: ['bundleId', 'name', 'sku', 'id'],
        include: ['betaGroups', 'appStoreVersions', 'builds'],
      },
      handle: (c) => list(c, 'apps', keys(c.ctx.store.apps), 'AppsResponse'),
    },
    {
      method: 'GET',
      path: '/v1/apps/{id}',
      query: { include: ['betaGroups', 'appStoreVersions', 'builds'] },
      handle: (c) => one(c, 'apps', c.params.id ?? '', 'AppResponse'),
    },
    // builds
    {
      method: 'GET',
      path: '/v1/builds',
      query: BUILD_QUERY,
      handle: (c) => list(c, 'builds', keys(c.ctx.store.builds), 'BuildsResponse'),
    },
    {
      method: 'GET',
      path: '/v1/apps/{id}/builds',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'builds',
          [...c.ctx.store.builds.values()]
            .filter((b) => b.appId === parent(c.ctx.store.apps, 'apps', c.params.id).id)
            .map((b) => b.id),
          'BuildsWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/builds/{id}',
      query: { include: BUILD_INCLUDES },
      handle: (c) => one(c, 'builds', c.params.id ?? '', 'BuildResponse'),
    },
    {
      method: 'PATCH',
      path: '/v1/builds/{id}',
      write: true,
      handle: (c) => {
        const build = parent(c.ctx.store.builds, 'builds', c.params.id)
        const a = data(c, Bodies.buildUpdate, build.id).attributes ?? {}
        if (a.usesNonExemptEncryption != null) {
          if (
            build.usesNonExemptEncryption !== null &&
            build.usesNonExemptEncryption !== a.usesNonExemptEncryption
          ) {
            throw conflict(
              'ENTITY_ERROR.ATTRIBUTE.INVALID',
              'The provided entity includes an attribute with an invalid value',
              'The export compliance answer of this build has already been given.',
              '/data/attributes/usesNonExemptEncryption',
            )
          }
          build.usesNonExemptEncryption = a.usesNonExemptEncryption
        }
        if (a.expired === false && build.expired) {
          throw conflict(
            'ENTITY_ERROR.ATTRIBUTE.INVALID',
            'The provided entity includes an attribute with an invalid value',
            'An expired build cannot be un-expired.',
            '/data/attributes/expired',
          )
        }
        if (a.expired) build.expired = true
        return one(c, 'builds', build.id, 'BuildResponse')
      },
    },
    {
      method: 'GET',
      path: '/v1/builds/{id}/buildBetaDetail',
      handle: (c) =>
        one(
          c,
          'buildBetaDetails',
          parent(c.ctx.store.builds, 'builds', c.params.id).id,
          'BuildBetaDetailResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/buildBetaDetails',
      query: { paged: true, filters: ['build', 'id'] },
      handle: (c) => list(c, 'buildBetaDetails', keys(c.ctx.store.builds), 'BuildBetaDetailsResponse'),
    },
    {
      method: 'GET',
      path: '/v1/buildBetaDetails/{id}',
      handle: (c) => one(c, 'buildBetaDetails', c.params.id ?? '', 'BuildBetaDetailResponse'),
    },
    {
      method: 'GET',
      path: '/v1/builds/{id}/preReleaseVersion',
      handle: (c) =>
        one(
          c,
          'preReleaseVersions',
          parent(c.ctx.store.builds, 'builds', c.params.id).preReleaseVersionId,
          'PrereleaseVersionWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/preReleaseVersions',
      query: { paged: true, filters: ['app', 'version', 'platform', 'id'] },
      handle: (c) =>
        list(c, 'preReleaseVersions', keys(c.ctx.store.preReleaseVersions), 'PreReleaseVersionsResponse'),
    },
    // beta groups
    {
      method: 'GET',
      path: '/v1/apps/{id}/betaGroups',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'betaGroups',
          [...c.ctx.store.betaGroups.values()]
            .filter((g) => g.appId === parent(c.ctx.store.apps, 'apps', c.params.id).id)
            .map((g) => g.id),
          'BetaGroupsWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/betaGroups',
      query: {
        paged: true,
        filters: ['app', 'name', 'isInternalGroup', 'id', 'builds'],
        include: ['app', 'builds'],
      },
      handle: (c) => list(c, 'betaGroups', keys(c.ctx.store.betaGroups), 'BetaGroupsResponse'),
    },
    {
      method: 'GET',
      path: '/v1/betaGroups/{id}',
      query: { include: ['app', 'builds'] },
      handle: (c) => one(c, 'betaGroups', c.params.id ?? '', 'BetaGroupResponse'),
    },
    {
      method: 'GET',
      path: '/v1/betaGroups/{id}/builds',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'builds',
          parent(c.ctx.store.betaGroups, 'betaGroups', c.params.id).buildIds,
          'BuildsWithoutIncludesResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/betaGroups/{id}/relationships/builds',
      write: true,
      handle: (c) =>
        linkBuilds(
          c,
          [c.params.id ?? ''],
          data(c, Bodies.linkages('builds')).map((r) => r.id),
          true,
        ),
    },
    {
      method: 'DELETE',
      path: '/v1/betaGroups/{id}/relationships/builds',
      write: true,
      handle: (c) =>
        linkBuilds(
          c,
          [c.params.id ?? ''],
          data(c, Bodies.linkages('builds')).map((r) => r.id),
          false,
        ),
    },
    {
      method: 'POST',
      path: '/v1/builds/{id}/relationships/betaGroups',
      write: true,
      handle: (c) =>
        linkBuilds(
          c,
          data(c, Bodies.linkages('betaGroups')).map((r) => r.id),
          [c.params.id ?? ''],
          true,
        ),
    },
    // what to test
    {
      method: 'GET',
      path: '/v1/betaBuildLocalizations',
      query: { paged: true, filters: ['build', 'locale'] },
      handle: (c) =>
        list(
          c,
          'betaBuildLocalizations',
          keys(c.ctx.store.betaBuildLocalizations),
          'BetaBuildLocalizationsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/builds/{id}/betaBuildLocalizations',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'betaBuildLocalizations',
          [...c.ctx.store.betaBuildLocalizations.values()]
            .filter((l) => l.buildId === parent(c.ctx.store.builds, 'builds', c.params.id).id)
            .map((l) => l.id),
          'BetaBuildLocalizationsWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/betaBuildLocalizations/{id}',
      handle: (c) => one(c, 'betaBuildLocalizations', c.params.id ?? '', 'BetaBuildLocalizationResponse'),
    },
    {
      method: 'POST',
      path: '/v1/betaBuildLocalizations',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.localizationCreate)
        const buildId = d.relationships.build.data.id
        if (!c.ctx.store.builds.has(buildId))
          throw relationshipInvalid(
            `builds with id '${buildId}' cannot be found`,
            '/data/relationships/build',
          )
        if (
          [...c.ctx.store.betaBuildLocalizations.values()].some(
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
        const loc = {
          id: randomUUID(),
          buildId,
          locale: d.attributes.locale,
          whatsNew: d.attributes.whatsNew ?? null,
        }
        c.ctx.store.betaBuildLocalizations.set(loc.id, loc)
        return one(c, 'betaBuildLocalizations', loc.id, 'BetaBuildLocalizationResponse', 201)
      },
    },
    {
      method: 'PATCH',
      path: '/v1/betaBuildLocalizations/{id}',
      write: true,
      handle: (c) => {
        const loc = parent(c.ctx.store.betaBuildLocalizations, 'betaBuildLocalizations', c.params.id)
        const a = data(c, Bodies.localizationUpdate, loc.id).attributes
        checkWhatsNew(a?.whatsNew)
        if (a?.whatsNew !== undefined) loc.whatsNew = a.whatsNew
        return one(c, 'betaBuildLocalizations', loc.id, 'BetaBuildLocalizationResponse')
      },
    },
    // beta app information
    {
      method: 'GET',
      path: '/v1/apps/{id}/betaAppReviewDetail',
      handle: (c) =>
        one(
          c,
          'betaAppReviewDetails',
          parent(c.ctx.store.apps, 'apps', c.params.id).id,
          'BetaAppReviewDetailWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/betaAppReviewDetails',
      query: { paged: true, filters: ['app'], required: ['app'] },
      handle: (c) =>
        list(
          c,
          'betaAppReviewDetails',
          keys(c.ctx.store.betaAppReviewDetails),
          'BetaAppReviewDetailsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/betaAppReviewDetails/{id}',
      handle: (c) => one(c, 'betaAppReviewDetails', c.params.id ?? '', 'BetaAppReviewDetailResponse'),
    },
    {
      method: 'PATCH',
      path: '/v1/betaAppReviewDetails/{id}',
      write: true,
      handle: (c) => {
        const detail = parent(c.ctx.store.betaAppReviewDetails, 'betaAppReviewDetails', c.params.id)
        const a = data(c, Bodies.reviewDetailUpdate, detail.id).attributes ?? {}
        Object.assign(
          detail,
          Object.fromEntries(Object.entries(a).filter(([k, v]) => v !== undefined && k in detail)),
        )
        return one(c, 'betaAppReviewDetails', detail.id, 'BetaAppReviewDetailResponse')
      },
    },
    {
      method: 'GET',
      path: '/v1/betaAppLocalizations',
      query: { paged: true, filters: ['app', 'locale'] },
      handle: (c) =>
        list(
          c,
          'betaAppLocalizations',
          keys(c.ctx.store.betaAppLocalizations),
          'BetaAppLocalizationsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/apps/{id}/betaAppLocalizations',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'betaAppLocalizations',
          [...c.ctx.store.betaAppLocalizations.values()]
            .filter((l) => l.appId === parent(c.ctx.store.apps, 'apps', c.params.id).id)
            .map((l) => l.id),
          'BetaAppLocalizationsWithoutIncludesResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/betaAppLocalizations',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.appLocalizationCreate)
        const appId = d.relationships.app.data.id
        if (!c.ctx.store.apps.has(appId))
          throw relationshipInvalid(`app with id '${appId}' cannot be found`, '/data/relationships/app')
        const loc = {
          id: randomUUID(),
          appId,
          locale: d.attributes.locale,
          feedbackEmail: d.attributes.feedbackEmail ?? null,
          description: d.attributes.description ?? null,
        }
        c.ctx.store.betaAppLocalizations.set(loc.id, loc)
        return one(c, 'betaAppLocalizations', loc.id, 'BetaAppLocalizationResponse', 201)
      },
    },
    {
      method: 'PATCH',
      path: '/v1/betaAppLocalizations/{id}',
      write: true,
      handle: (c) => {
        const loc = parent(c.ctx.store.betaAppLocalizations, 'betaAppLocalizations', c.params.id)
        const a = data(c, Bodies.appLocalizationUpdate, loc.id).attributes ?? {}
        if (a.feedbackEmail !== undefined) loc.feedbackEmail = a.feedbackEmail
        if (a.description !== undefined) loc.description = a.description
        return one(c, 'betaAppLocalizations', loc.id, 'BetaAppLocalizationResponse')
      },
    },
    // beta review
    {
      method: 'GET',
      path: '/v1/betaAppReviewSubmissions',
      query: { paged: true, filters: ['build', 'betaReviewState'], required: ['build'], include: ['build'] },
      handle: (c) =>
        list(
          c,
          'betaAppReviewSubmissions',
          keys(c.ctx.store.betaAppReviewSubmissions),
          'BetaAppReviewSubmissionsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/betaAppReviewSubmissions/{id}',
      query: { include: ['build'] },
      handle: (c) => one(c, 'betaAppReviewSubmissions', c.params.id ?? '', 'BetaAppReviewSubmissionResponse'),
    },
    {
      method: 'GET',
      path: '/v1/builds/{id}/betaAppReviewSubmission',
      handle: (c) =>
        one(
          c,
          'betaAppReviewSubmissions',
          c.ctx.store.betaSubmissionOf(parent(c.ctx.store.builds, 'builds', c.params.id).id)?.id ?? null,
          'BetaAppReviewSubmissionWithoutIncludesResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/betaAppReviewSubmissions',
      write: true,
      handle: (c) => {
        const s = c.ctx.store
        const buildId = data(c, Bodies.betaReviewCreate).relationships.build.data.id
        const build = s.builds.get(buildId)
        if (!build)
          throw relationshipInvalid(
            `builds with id '${buildId}' cannot be found`,
            '/data/relationships/build',
          )
        const existing = s.betaSubmissionOf(build.id)
        if (existing)
          throw stateInvalid(
            `Build '${build.version}' was already submitted for beta review (betaAppReviewSubmissions with id '${existing.id}').`,
          )
        if (build.processingState !== 'VALID' || build.expired)
          throw stateInvalid(
            `The build is not in a valid state for beta review (processingState ${build.processingState}${build.expired ? ', expired' : ''}).`,
          )
        if (build.usesNonExemptEncryption === null)
          throw stateInvalid('The build is missing export compliance information (usesNonExemptEncryption).')
        if (!s.betaAppInfoComplete(build.appId)) {
          throw stateInvalid(
            'Beta App Information is missing: provide a feedback email (betaAppLocalizations) and a review contact (betaAppReviewDetails) before submitting for beta review.',
          )
        }
        const sub = {
          id: randomUUID(),
          buildId: build.id,
          state: 'WAITING_FOR_REVIEW' as const,
          submittedAt: s.now(),
          timed: true,
        }
        s.betaAppReviewSubmissions.set(sub.id, sub)
        return one(c, 'betaAppReviewSubmissions', sub.id, 'BetaAppReviewSubmissionResponse', 201)
      },
    },
    // App Store versions
    {
      method: 'GET',
      path: '/v1/apps/{id}/appStoreVersions',
      query: VERSION_QUERY,
      handle: (c) =>
        list(
          c,
          'appStoreVersions',
          [...c.ctx.store.appStoreVersions.values()]
            .filter((v) => v.appId === parent(c.ctx.store.apps, 'apps', c.params.id).id)
            .map((v) => v.id),
          'AppStoreVersionsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/appStoreVersions/{id}',
      query: { include: VERSION_QUERY.include ?? [] },
      handle: (c) => one(c, 'appStoreVersions', c.params.id ?? '', 'AppStoreVersionResponse'),
    },
    {
      method: 'POST',
      path: '/v1/appStoreVersions',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.versionCreate)
        const v = c.ctx.store.createVersion(
          d.relationships.app.data.id,
          d.attributes.platform,
          d.attributes.versionString,
        )
        try {
          applyVersionAttributes(c, v, { ...d.attributes, versionString: undefined })
          if (d.relationships.build?.data) c.ctx.store.attachBuild(v, d.relationships.build.data.id)
        } catch (error) {
          c.ctx.store.appStoreVersions.delete(v.id)
          throw error
        }
        return one(c, 'appStoreVersions', v.id, 'AppStoreVersionResponse', 201)
      },
    },
    {
      method: 'PATCH',
      path: '/v1/appStoreVersions/{id}',
      write: true,
      handle: (c) => {
        const v = parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id)
        const d = data(c, Bodies.versionUpdate, v.id)
        c.ctx.store.assertVersionEditable(v)
        const before = { ...v }
        try {
          applyVersionAttributes(c, v, d.attributes)
          if (d.relationships?.build) c.ctx.store.attachBuild(v, d.relationships.build.data?.id ?? null)
        } catch (error) {
          Object.assign(v, before)
          throw error
        }
        return one(c, 'appStoreVersions', v.id, 'AppStoreVersionResponse')
      },
    },
    {
      method: 'DELETE',
      path: '/v1/appStoreVersions/{id}',
      write: true,
      handle: (c) => {
        const v = parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id)
        if (v.state !== 'PREPARE_FOR_SUBMISSION')
          throw stateInvalid(`appStoreVersions with id '${v.id}' is ${v.state} and cannot be deleted.`)
        c.ctx.store.appStoreVersions.delete(v.id)
        return noContent
      },
    },
    {
      method: 'GET',
      path: '/v1/appStoreVersions/{id}/build',
      handle: (c) =>
        one(
          c,
          'builds',
          parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id).buildId,
          'BuildWithoutIncludesResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/appStoreVersions/{id}/relationships/build',
      handle: (c) => {
        const v = parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id)
        return {
          status: 200,
          body: { data: v.buildId ? { type: 'builds', id: v.buildId } : null, links: { self: href(c.url) } },
          schema: 'AppStoreVersionBuildLinkageResponse',
        }
      },
    },
    {
      method: 'PATCH',
      path: '/v1/appStoreVersions/{id}/relationships/build',
      write: true,
      handle: (c) => {
        const v = parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id)
        c.ctx.store.attachBuild(v, data(c, ref('builds').nullable())?.id ?? null)
        return noContent
      },
    },
    // phased release
    {
      method: 'GET',
      path: '/v1/appStoreVersions/{id}/appStoreVersionPhasedRelease',
      handle: (c) =>
        one(
          c,
          'appStoreVersionPhasedReleases',
          [...c.ctx.store.phasedReleases.values()].find(
            (p) => p.versionId === parent(c.ctx.store.appStoreVersions, 'appStoreVersions', c.params.id).id,
          )?.id ?? null,
          'AppStoreVersionPhasedReleaseWithoutIncludesResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/appStoreVersionPhasedReleases',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.phasedCreate)
        const versionId = d.relationships.appStoreVersion.data.id
        const v = c.ctx.store.appStoreVersions.get(versionId)
        if (!v)
          throw relationshipInvalid(
            `appStoreVersions with id '${versionId}' cannot be found`,
            '/data/relationships/appStoreVersion',
          )
        const existing = [...c.ctx.store.phasedReleases.values()].find((p) => p.versionId === v.id)
        if (existing) {
          throw conflict(
            'ENTITY_ERROR.RELATIONSHIP.INVALID',
            'The provided entity includes a relationship with an invalid value',
            `appStoreVersions with id '${v.id}' already has an appStoreVersionPhasedRelease with id '${existing.id}'.`,
            '/data/relationships/appStoreVersion',
          )
        }
        const p = {
          id: randomUUID(),
          versionId: v.id,
          phasedReleaseState: d.attributes?.phasedReleaseState ?? ('INACTIVE' as const),
        }
        c.ctx.store.phasedReleases.set(p.id, p)
        return one(c, 'appStoreVersionPhasedReleases', p.id, 'AppStoreVersionPhasedReleaseResponse', 201)
      },
    },
    {
      method: 'PATCH',
      path: '/v1/appStoreVersionPhasedReleases/{id}',
      write: true,
      handle: (c) => {
        const p = parent(c.ctx.store.phasedReleases, 'appStoreVersionPhasedReleases', c.params.id)
        const state = data(c, Bodies.phasedUpdate, p.id).attributes?.phasedReleaseState
        if (state) p.phasedReleaseState = state
        return one(c, 'appStoreVersionPhasedReleases', p.id, 'AppStoreVersionPhasedReleaseResponse')
      },
    },
    {
      method: 'DELETE',
      path: '/v1/appStoreVersionPhasedReleases/{id}',
      write: true,
      handle: (c) => {
        const p = parent(c.ctx.store.phasedReleases, 'appStoreVersionPhasedReleases', c.params.id)
        c.ctx.store.phasedReleases.delete(p.id)
        return noContent
      },
    },
    // review submissions
    {
      method: 'GET',
      path: '/v1/reviewSubmissions',
      query: {
        paged: true,
        filters: ['app', 'platform', 'state'],
        required: ['app'],
        include: ['items', 'appStoreVersionForReview'],
      },
      handle: (c) =>
        list(c, 'reviewSubmissions', keys(c.ctx.store.reviewSubmissions), 'ReviewSubmissionsResponse'),
    },
    {
      method: 'GET',
      path: '/v1/reviewSubmissions/{id}',
      query: { include: ['items', 'appStoreVersionForReview'] },
      handle: (c) => one(c, 'reviewSubmissions', c.params.id ?? '', 'ReviewSubmissionResponse'),
    },
    {
      method: 'GET',
      path: '/v1/reviewSubmissions/{id}/items',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'reviewSubmissionItems',
          c.ctx.store
            .itemsOf(parent(c.ctx.store.reviewSubmissions, 'reviewSubmissions', c.params.id).id)
            .map((i) => i.id),
          'ReviewSubmissionItemsResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/reviewSubmissions',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.submissionCreate)
        const s = c.ctx.store
        const appId = d.relationships.app.data.id
        if (!s.apps.has(appId))
          throw relationshipInvalid(`app with id '${appId}' cannot be found`, '/data/relationships/app')
        const platform = d.attributes?.platform ?? 'IOS'
        const open = [...s.reviewSubmissions.values()].find(
          (r) => r.appId === appId && r.platform === platform && OPEN_SUBMISSION.includes(r.state),
        )
        if (open)
          throw conflict(
            'ENTITY_ERROR',
            'The provided entity includes a relationship with an invalid value',
            `There is another reviewSubmissions with id ${open.id} still in progress.`,
            '/data/relationships/app',
          )
        const sub = {
          id: randomUUID(),
          appId,
          platform,
          state: 'READY_FOR_REVIEW' as const,
          submittedAt: null,
          changedAt: null,
        }
        s.reviewSubmissions.set(sub.id, sub)
        return one(c, 'reviewSubmissions', sub.id, 'ReviewSubmissionResponse', 201)
      },
    },
    {
      method: 'PATCH',
      path: '/v1/reviewSubmissions/{id}',
      write: true,
      handle: (c) => {
        const s = c.ctx.store
        const sub = parent(s.reviewSubmissions, 'reviewSubmissions', c.params.id)
        const a = data(c, Bodies.submissionUpdate, sub.id).attributes ?? {}
        const versions = s.itemsOf(sub.id).map((i) => s.appStoreVersions.get(i.versionId))
        if (a.canceled) {
          if (
            !['READY_FOR_REVIEW', 'WAITING_FOR_REVIEW', 'IN_REVIEW', 'UNRESOLVED_ISSUES'].includes(sub.state)
          )
            throw stateInvalid(
              `reviewSubmissions with id '${sub.id}' is ${sub.state} and cannot be canceled.`,
            )
          sub.state = 'CANCELING'
          sub.changedAt = s.now()
        } else if (a.submitted) {
          if (sub.state !== 'READY_FOR_REVIEW')
            throw stateInvalid(
              `reviewSubmissions with id '${sub.id}' is ${sub.state} and cannot be submitted.`,
            )
          if (versions.length === 0)
            throw stateInvalid(
              'This resource cannot be reviewed, please check associated errors to see why. The submission has no items.',
            )
          sub.state = 'WAITING_FOR_REVIEW'
          sub.submittedAt = s.now()
          sub.changedAt = s.now()
          for (const v of versions) if (v) v.state = 'WAITING_FOR_REVIEW'
        }
        return one(c, 'reviewSubmissions', sub.id, 'ReviewSubmissionResponse')
      },
    },
    {
      method: 'POST',
      path: '/v1/reviewSubmissionItems',
      write: true,
      handle: (c) => {
        const s = c.ctx.store
        const d = data(c, Bodies.itemCreate)
        const subId = d.relationships.reviewSubmission.data.id
        const sub = s.reviewSubmissions.get(subId)
        if (!sub)
          throw relationshipInvalid(
            `reviewSubmissions with id '${subId}' cannot be found`,
            '/data/relationships/reviewSubmission',
          )
        const versionId = d.relationships.appStoreVersion.data.id
        const v = s.appStoreVersions.get(versionId)
        if (!v || v.appId !== sub.appId || v.platform !== sub.platform)
          throw relationshipInvalid(
            `appStoreVersions with id '${versionId}' cannot be found for this submission's app and platform`,
            '/data/relationships/appStoreVersion',
          )
        if (sub.state !== 'READY_FOR_REVIEW')
          throw stateInvalid(`reviewSubmissions with id '${sub.id}' is ${sub.state} and takes no more items.`)
        const other = [...s.reviewSubmissionItems.values()].find(
          (i) =>
            i.versionId === v.id &&
            i.state !== 'REMOVED' &&
            OPEN_SUBMISSION.includes(s.reviewSubmissions.get(i.submissionId)?.state ?? 'COMPLETE'),
        )
        if (other)
          throw conflict(
            'ENTITY_ERROR.RELATIONSHIP.INVALID',
            'The provided entity includes a relationship with an invalid value',
            `appStoreVersions with id ${v.id} was already added to another reviewSubmission with id ${other.submissionId}`,
            '/data/relationships/appStoreVersion',
          )
        if (!v.buildId)
          throw stateInvalid(
            'This resource cannot be reviewed, please check associated errors to see why. The version has no build.',
          )
        s.assertVersionEditable(v)
        const item = {
          id: randomUUID(),
          submissionId: sub.id,
          versionId: v.id,
          state: 'READY_FOR_REVIEW' as const,
        }
        s.reviewSubmissionItems.set(item.id, item)
        v.state = 'READY_FOR_REVIEW'
        return one(c, 'reviewSubmissionItems', item.id, 'ReviewSubmissionItemResponse', 201)
      },
    },
    // Build Upload API
    {
      method: 'GET',
      path: '/v1/apps/{id}/buildUploads',
      query: {
        paged: true,
        filters: ['cfBundleShortVersionString', 'cfBundleVersion', 'platform', 'state'],
        include: ['build', 'assetFile'],
        sort: ['uploadedDate', '-uploadedDate', 'cfBundleVersion', '-cfBundleVersion'],
      },
      handle: (c) =>
        list(
          c,
          'buildUploads',
          [...c.ctx.uploads.uploads.values()]
            .filter((u) => u.appId === parent(c.ctx.store.apps, 'apps', c.params.id).id)
            .map((u) => u.id),
          'BuildUploadsResponse',
        ),
    },
    {
      method: 'GET',
      path: '/v1/buildUploads/{id}',
      query: { include: ['build', 'assetFile'] },
      handle: (c) => one(c, 'buildUploads', c.params.id ?? '', 'BuildUploadResponse'),
    },
    {
      method: 'GET',
      path: '/v1/buildUploads/{id}/buildUploadFiles',
      query: { paged: true },
      handle: (c) =>
        list(
          c,
          'buildUploadFiles',
          c.ctx.uploads
            .filesOf(parent(c.ctx.uploads.uploads, 'buildUploads', c.params.id).id)
            .map((f) => f.id),
          'BuildUploadFilesResponse',
        ),
    },
    {
      method: 'POST',
      path: '/v1/buildUploads',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.uploadCreate)
        const u = c.ctx.uploads.createUpload(
          d.relationships.app.data.id,
          d.attributes.platform,
          d.attributes.cfBundleShortVersionString,
          d.attributes.cfBundleVersion,
        )
        return one(c, 'buildUploads', u.id, 'BuildUploadResponse', 201)
      },
    },
    {
      method: 'DELETE',
      path: '/v1/buildUploads/{id}',
      write: true,
      handle: (c) => {
        const u = parent(c.ctx.uploads.uploads, 'buildUploads', c.params.id)
        if (u.state !== 'AWAITING_UPLOAD')
          throw stateInvalid(`buildUploads with id '${u.id}' is ${u.state} and cannot be deleted.`)
        c.ctx.uploads.uploads.delete(u.id)
        return noContent
      },
    },
    {
      method: 'POST',
      path: '/v1/buildUploadFiles',
      write: true,
      handle: (c) => {
        const d = data(c, Bodies.fileCreate)
        const f = c.ctx.uploads.createFile(d.relationships.buildUpload.data.id, d.attributes)
        return one(c, 'buildUploadFiles', f.id, 'BuildUploadFileResponse', 201)
      },
    },
    {
      method: 'GET',
      path: '/v1/buildUploadFiles/{id}',
      handle: (c) => {
        c.ctx.uploads.renewExpired(parent(c.ctx.uploads.files, 'buildUploadFiles', c.params.id))
        return one(c, 'buildUploadFiles', c.params.id ?? '', 'BuildUploadFileResponse')
      },
    },
    {
      method: 'PATCH',
      path: '/v1/buildUploadFiles/{id}',
      write: true,
      handle: (c) => {
        const f = parent(c.ctx.uploads.files, 'buildUploadFiles', c.params.id)
        const a = data(c, Bodies.fileUpdate, f.id).attributes ?? {}
        c.ctx.uploads.commit(f, a.uploaded, a.sourceFileChecksums)
        return one(c, 'buildUploadFiles', f.id, 'BuildUploadFileResponse')
      },
    },
  ]
}

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

function linkBuilds(c: Call, groupIds: readonly string[], buildIds: readonly string[], add: boolean): Result {
  const s = c.ctx.store
  const groups = groupIds.map((id) => s.betaGroups.get(id))
  for (const [i, g] of groups.entries()) if (!g) throw notFound('betaGroups', groupIds[i] ?? '')
  for (const id of buildIds) {
    const b = s.builds.get(id)
    if (!b || groups.some((g) => g?.appId !== b.appId))
      throw relationshipInvalid(`builds with id '${id}' cannot be found for this app`, '/data')
    if (add && (b.processingState !== 'VALID' || b.expired))
      throw stateInvalid(
        `Build '${b.version}' is not in a valid state to be added to a group (processingState ${b.processingState}${b.expired ? ', expired' : ''}).`,
      )
  }
  for (const g of groups) {
    if (!g) continue
    g.buildIds = add
      ? [...new Set([...g.buildIds, ...buildIds])]
      : g.buildIds.filter((b) => !buildIds.includes(b))
  }
  return noContent
}

export function parseRouteQuery(route: Route, url: URL, defs: ReadonlyMap<string, ResourceDef>): Query {
  return parseQuery(url, route.query ?? {}, defs)
}
