import { afterAll, beforeAll, expect, test } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, fails, ok, okList } from './helpers'

let sb: TestSandbox
let appId: string
beforeAll(async () => {
  // 7 builds in one train: enough to page with limit=3.
  const builds = Array.from({ length: 7 }, (_, i) => ({
    versionString: '1.0.0',
    buildNumber: String(i + 1),
    platform: 'IOS' as const,
    state: 'VALID' as const,
  }))
  sb = await startTestSandbox({
    seed: {
      apps: [
        {
          bundleId: 'com.example.paging',
          name: 'Paging',
          platforms: ['IOS'],
          builds,
          betaGroups: [{ name: 'G', isInternal: true }],
        },
      ],
    },
  })
  appId = await demoAppId(sb, 'com.example.paging')
})
afterAll(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

test('paging across pages with links.next and meta.paging', async () => {
  const seen: string[] = []
  let next: string | undefined = `/v1/builds?filter[app]=${appId}&sort=-uploadedDate&limit=3`
  let pages = 0
  while (next) {
    const page: {
      data: { id: string; attributes: Record<string, unknown> }[]
      links: { self: string; next?: string }
      meta: { paging: { total: number; limit: number } }
    } = await ok(sb, 'GET', next)
    expect(page.meta.paging).toMatchObject({ total: 7, limit: 3 })
    expect(page.links.self.startsWith(sb.url)).toBe(true)
    seen.push(...page.data.map((b) => String(b.attributes.version)))
    next = page.links.next
    if (next) expect(next.startsWith(`${sb.url}/v1/builds?`)).toBe(true)
    pages++
  }
  expect(pages).toBe(3)
  expect(seen).toEqual(['7', '6', '5', '4', '3', '2', '1'])
})

test('limit above 200, unknown parameters, bad include and bad cursor are 400 PARAMETER_ERROR', async () => {
  await fails(sb, 'GET', '/v1/builds?limit=201', undefined, 400, 'PARAMETER_ERROR.INVALID')
  await fails(sb, 'GET', '/v1/builds?filter[bogus]=1', undefined, 400, 'PARAMETER_ERROR.INVALID')
  await fails(sb, 'GET', '/v1/builds?include=nope', undefined, 400, 'PARAMETER_ERROR.INVALID')
  await fails(sb, 'GET', '/v1/builds?cursor=zzz', undefined, 400, 'PARAMETER_ERROR.INVALID')
  await fails(sb, 'GET', '/v1/builds?fields[builds]=notAField', undefined, 400, 'PARAMETER_ERROR.INVALID')
  expect((await okList(sb, '/v1/builds?limit=200')).data).toHaveLength(7)
})

test('include and sparse fieldsets', async () => {
  const res = await ok<{
    data: { attributes: Record<string, unknown>; relationships?: Record<string, unknown> }[]
    included: { type: string; attributes: Record<string, unknown> }[]
  }>(
    sb,
    'GET',
    `/v1/builds?filter[app]=${appId}&filter[version]=3&filter[preReleaseVersion.version]=1.0.0&filter[preReleaseVersion.platform]=IOS&filter[processingState]=PROCESSING,FAILED,INVALID,VALID&include=preReleaseVersion,buildBetaDetail&fields[builds]=version,processingState,preReleaseVersion,buildBetaDetail&fields[preReleaseVersions]=version`,
  )
  expect(res.data).toHaveLength(1)
  expect(Object.keys(res.data[0]?.attributes ?? {})).toEqual(['version', 'processingState'])
  expect(Object.keys(res.data[0]?.relationships ?? {}).sort()).toEqual([
    'buildBetaDetail',
    'preReleaseVersion',
  ])
  expect(res.included.map((i) => i.type).sort()).toEqual(['buildBetaDetails', 'preReleaseVersions'])
  expect(res.included.find((i) => i.type === 'preReleaseVersions')?.attributes).toEqual({ version: '1.0.0' })
})

test('unknown ids 404 NOT_FOUND, unknown paths 404 PATH_ERROR, wrong method 405', async () => {
  await fails(sb, 'GET', '/v1/builds/nope', undefined, 404, 'NOT_FOUND')
  await fails(sb, 'GET', '/v1/nothing', undefined, 404, 'PATH_ERROR')
  await fails(sb, 'DELETE', '/v1/builds', undefined, 405, 'METHOD_NOT_ALLOWED')
})

test('a related list under an unknown parent is 404 NOT_FOUND even when nothing of that type exists yet', async () => {
  // No build uploads or What to Test texts exist in this seed: the parent check must not depend on them.
  const upload = await fails(sb, 'GET', '/v1/apps/nope/buildUploads', undefined, 404, 'NOT_FOUND')
  expect(upload.detail).toBe("There is no resource of type 'apps' with id 'nope'")
  await fails(sb, 'GET', '/v1/builds/nope/betaBuildLocalizations', undefined, 404, 'NOT_FOUND')
})

test('bad bodies: not JSON 400, misspelled attribute 422, id mismatch 409', async () => {
  const res = await fetch(`${sb.url}/v1/reviewSubmissions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${sb.token()}`, 'Content-Type': 'application/json' },
    body: '{nope',
  })
  expect(res.status).toBe(400)
  await fails(
    sb,
    'POST',
    '/v1/reviewSubmissions',
    {
      data: {
        type: 'reviewSubmissions',
        attributes: { platfrom: 'IOS' },
        relationships: { app: { data: { type: 'apps', id: appId } } },
      },
    },
    422,
    'ENTITY_UNPROCESSABLE',
  )
  const build = (await okList(sb, `/v1/builds?filter[app]=${appId}&limit=1`)).data[0]?.id ?? ''
  await fails(
    sb,
    'PATCH',
    `/v1/builds/${build}`,
    { data: { type: 'builds', id: 'other', attributes: { expired: true } } },
    409,
    'ENTITY_ERROR',
  )
})

test('GET /__sandbox/state holds everything and counts requests by route, without a token', async () => {
  const res = await fetch(`${sb.url}/__sandbox/state`)
  expect(res.status).toBe(200)
  const state = (await res.json()) as ReturnType<TestSandbox['state']>
  expect(state.apps[0]).toMatchObject({ bundleId: 'com.example.paging', betaAppInfoComplete: true })
  expect(state.builds).toHaveLength(7)
  expect(state.requests.total).toBeGreaterThan(5)
  expect(state.requests.byRoute['GET /v1/builds']).toBeGreaterThanOrEqual(3)
  expect(Object.keys(state)).toEqual(
    expect.arrayContaining([
      'apps',
      'builds',
      'versions',
      'phasedReleases',
      'reviewSubmissions',
      'buildUploads',
      'requests',
    ]),
  )
})
