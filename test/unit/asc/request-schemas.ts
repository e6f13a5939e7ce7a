import { expectMatchesSchema } from '../../support/openapi'

/** Which of Apple's request schemas each write the client makes must match (OpenAPI spec 4.x). */
const REQUEST_SCHEMAS: readonly {
  readonly method: string
  readonly path: RegExp
  readonly schema: string
}[] = [
  { method: 'PATCH', path: /^\/v1\/builds\/[^/]+$/, schema: 'BuildUpdateRequest' },
  {
    method: 'POST',
    path: /^\/v1\/builds\/[^/]+\/relationships\/betaGroups$/,
    schema: 'BuildBetaGroupsLinkagesRequest',
  },
  {
    method: 'DELETE',
    path: /^\/v1\/betaGroups\/[^/]+\/relationships\/builds$/,
    schema: 'BetaGroupBuildsLinkagesRequest',
  },
  { method: 'POST', path: /^\/v1\/betaBuildLocalizations$/, schema: 'BetaBuildLocalizationCreateRequest' },
  {
    method: 'PATCH',
    path: /^\/v1\/betaBuildLocalizations\/[^/]+$/,
    schema: 'BetaBuildLocalizationUpdateRequest',
  },
  {
    method: 'POST',
    path: /^\/v1\/betaAppReviewSubmissions$/,
    schema: 'BetaAppReviewSubmissionCreateRequest',
  },
  { method: 'POST', path: /^\/v1\/appStoreVersions$/, schema: 'AppStoreVersionCreateRequest' },
  { method: 'PATCH', path: /^\/v1\/appStoreVersions\/[^/]+$/, schema: 'AppStoreVersionUpdateRequest' },
  {
    method: 'PATCH',
    path: /^\/v1\/appStoreVersions\/[^/]+\/relationships\/build$/,
    schema: 'AppStoreVersionBuildLinkageRequest',
  },
  {
    method: 'PATCH',
    path: /^\/v1\/appStoreVersionLocalizations\/[^/]+$/,
    schema: 'AppStoreVersionLocalizationUpdateRequest',
  },
  {
    method: 'POST',
    path: /^\/v1\/appStoreVersionPhasedReleases$/,
    schema: 'AppStoreVersionPhasedReleaseCreateRequest',
  },
  {
    method: 'PATCH',
    path: /^\/v1\/appStoreVersionPhasedReleases\/[^/]+$/,
    schema: 'AppStoreVersionPhasedReleaseUpdateRequest',
  },
  { method: 'POST', path: /^\/v1\/reviewSubmissions$/, schema: 'ReviewSubmissionCreateRequest' },
  { method: 'PATCH', path: /^\/v1\/reviewSubmissions\/[^/]+$/, schema: 'ReviewSubmissionUpdateRequest' },
  { method: 'POST', path: /^\/v1\/reviewSubmissionItems$/, schema: 'ReviewSubmissionItemCreateRequest' },
  { method: 'POST', path: /^\/v1\/buildUploads$/, schema: 'BuildUploadCreateRequest' },
  { method: 'POST', path: /^\/v1\/buildUploadFiles$/, schema: 'BuildUploadFileCreateRequest' },
  { method: 'PATCH', path: /^\/v1\/buildUploadFiles\/[^/]+$/, schema: 'BuildUploadFileUpdateRequest' },
]

export interface SentRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: unknown
}

/** Throws unless the body matches Apple's schema for that write; returns the schema name. Bodiless writes return null. */
export function expectRequestMatchesApple(request: SentRequest): string | null {
  if (request.method === 'GET') return null
  const entry = REQUEST_SCHEMAS.find((e) => e.method === request.method && e.path.test(request.path))
  if (!entry) {
    if (request.body === undefined) return null
    throw new Error(`no Apple request schema known for ${request.method} ${request.path}`)
  }
  expectMatchesSchema(entry.schema, request.body)
  return entry.schema
}

/** A fetch that records what the client sends (method, path, query, parsed JSON body) and passes it on. */
export function recordingFetch(sent: SentRequest[], inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const text = typeof init?.body === 'string' ? init.body : undefined
    sent.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
    })
    return inner(input, init)
  }
}
