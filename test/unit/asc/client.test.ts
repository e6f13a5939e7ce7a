import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { AscApiError } from '../../../electron/asc/api-error'
import { applied, notApplied } from '../../../electron/asc/client'
import { AscentError } from '../../../shared/errors'
import { makeHarness } from './harness'
import { appleErrors, useScriptServers } from './script-server'

const Anything = z.unknown()
const App = z.object({ data: z.object({ id: z.string() }) })

const serve = useScriptServers()

describe('createAscClient: requests', () => {
  it('sends a bearer token, JSON headers and Apple-style query, and logs the call without secrets', async () => {
    const server = await serve(() => ({
      status: 200,
      body: { data: { id: 'app-1' } },
      headers: { 'x-rate-limit': 'user-hour-lim:3600;user-hour-rem:3599;' },
    }))
    const h = makeHarness(server.url)
    const out = await h.client.request('GET', '/v1/apps/app-1', {
      query: {
        'fields[apps]': ['bundleId', 'name'],
        'filter[bundleId]': 'com.example.a b',
        skipped: undefined,
      },
      schema: App,
    })
    expect(out.data.id).toBe('app-1')
    const [req] = server.requests
    expect(req?.url).toBe('/v1/apps/app-1?fields[apps]=bundleId,name&filter[bundleId]=com.example.a%20b')
    const auth = String(req?.headers.authorization)
    expect(auth).toMatch(/^Bearer ey/)
    expect(decodeJwt(auth.slice('Bearer '.length)).aud).toBe('appstoreconnect-v1')
    expect(req?.headers.accept).toBe('application/json')
    expect(h.audit).toEqual([
      { method: 'GET', path: '/v1/apps/app-1', status: 200, ms: 0, attempt: 1, rateLimitRemaining: 3599 },
    ])
    expect(JSON.stringify(h.audit)).not.toContain('Bearer')
  })

  it('sends a JSON body with Content-Type and returns undefined for 204', async () => {
    const server = await serve(() => ({ status: 204 }))
    const h = makeHarness(server.url)
    const out = await h.client.mutate({
      method: 'POST',
      path: '/v1/builds/b1/relationships/betaGroups',
      body: { data: [{ type: 'betaGroups', id: 'g1' }] },
      schema: z.undefined(),
      alreadyApplied: async () => notApplied,
    })
    expect(out).toBeUndefined()
    expect(server.requests[0]?.headers['content-type']).toBe('application/json')
    expect(server.requests[0]?.body).toEqual({ data: [{ type: 'betaGroups', id: 'g1' }] })
  })

  it('refuses an answer of the wrong shape with a clear error', async () => {
    const server = await serve(() => ({ status: 200, body: { data: [] } }))
    const h = makeHarness(server.url)
    const error = await h.client.request('GET', '/v1/apps/x', { schema: App }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AscApiError)
    expect((error as AscApiError).kind).toBe('shape')
    expect((error as AscApiError).message).toMatch(/GET \/v1\/apps\/x.*unexpected shape \(\/data/)
  })
})

describe('createAscClient: retries', () => {
  it('honours Retry-After in seconds on 429', async () => {
    const server = await serve((_r, i) =>
      i === 0
        ? { ...appleErrors(429, { code: 'RATE_LIMIT_EXCEEDED' }), headers: { 'retry-after': '7' } }
        : { status: 200, body: { data: { id: 'a' } } },
    )
    const h = makeHarness(server.url)
    await h.client.request('GET', '/v1/apps/a', { schema: App })
    expect(h.sleeps).toEqual([7000])
    expect(h.audit.map((e) => [e.status, e.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ])
  })

  it('honours Retry-After as an HTTP date, measured with the injected clock', async () => {
    let h: ReturnType<typeof makeHarness> | null = null
    const server = await serve((_r, i) =>
      i === 0
        ? {
            ...appleErrors(429, { code: 'RATE_LIMIT_EXCEEDED' }),
            headers: {
              'retry-after': new Date(Math.ceil((h?.clock.now ?? 0) / 1000) * 1000 + 30_000).toUTCString(),
            },
          }
        : { status: 200, body: { data: { id: 'a' } } },
    )
    h = makeHarness(server.url)
    await h.client.request('GET', '/v1/apps/a', { schema: App })
    expect(h.sleeps).toHaveLength(1)
    expect(h.sleeps[0]).toBeGreaterThan(29_000)
    expect(h.sleeps[0]).toBeLessThanOrEqual(31_000)
  })

  it('retries a POST after 429 without a check: Apple did not act on it', async () => {
    const server = await serve((_r, i) =>
      i === 0
        ? { ...appleErrors(429, { code: 'RATE_LIMIT_EXCEEDED' }), headers: { 'retry-after': '1' } }
        : { status: 201, body: { data: { id: 'n' } } },
    )
    const h = makeHarness(server.url)
    let checks = 0
    const out = await h.client.mutate({
      method: 'POST',
      path: '/v1/x',
      body: {},
      schema: App,
      alreadyApplied: async () => (checks++, notApplied),
    })
    expect(out.data.id).toBe('n')
    expect(checks).toBe(0)
  })

  it('gives up on 429 when Retry-After is beyond the time budget, and says so', async () => {
    const server = await serve(() => ({
      ...appleErrors(429, { code: 'RATE_LIMIT_EXCEEDED' }),
      headers: { 'retry-after': '3600' },
    }))
    const h = makeHarness(server.url, { retry: { maxTotalMs: 60_000 } })
    const error = (await h.client.request('GET', '/v1/apps').catch((e: unknown) => e)) as AscApiError
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(3_600_000)
    expect(error.message).toMatch(/hourly request limit.*wait 3600 s/)
    expect(h.sleeps).toEqual([])
  })

  it('backs off exponentially with jitter on 5xx and stops after maxAttempts', async () => {
    const server = await serve(() => appleErrors(503, { code: 'UNAVAILABLE', title: 'Service Unavailable' }))
    const h = makeHarness(server.url, { retry: { maxAttempts: 4 } })
    const error = (await h.client.request('GET', '/v1/apps').catch((e: unknown) => e)) as AscApiError
    expect(error).toBeInstanceOf(AscApiError)
    expect(error.status).toBe(503)
    expect(error.attempts).toBe(4)
    // random() = 0.5: half the step fixed plus a quarter → 0.75 × 500, 1000, 2000.
    expect(h.sleeps).toEqual([375, 750, 1500])
    expect(server.requests).toHaveLength(4)
    expect(error.message).toMatch(/answered 503/)
  })

  it('stops retrying when the total time budget would be exceeded', async () => {
    const server = await serve(() => ({ status: 500, body: 'oops' }))
    const h = makeHarness(server.url, { retry: { maxAttempts: 50, maxTotalMs: 2000 } })
    await expect(h.client.request('GET', '/v1/apps')).rejects.toMatchObject({ status: 500 })
    expect(h.sleeps).toEqual([375, 750])
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2000)
  })

  it('retries a GET after a connection reset', async () => {
    const server = await serve((_r, i) =>
      i < 2 ? { reset: true } : { status: 200, body: { data: { id: 'a' } } },
    )
    const h = makeHarness(server.url)
    await h.client.request('GET', '/v1/apps/a', { schema: App })
    expect(server.requests).toHaveLength(3)
    expect(h.audit.slice(0, 2).every((e) => e.status === null && typeof e.failure === 'string')).toBe(true)
  })

  it('fails with NETWORK after resets exhaust the attempts', async () => {
    const server = await serve(() => ({ reset: true }))
    const h = makeHarness(server.url, { retry: { maxAttempts: 2 } })
    const error = (await h.client.request('GET', '/v1/apps').catch((e: unknown) => e)) as AscApiError
    expect(error.code).toBe('NETWORK')
    expect(error.status).toBeNull()
    expect(error.message).toMatch(
      /^App Store Connect at 127\.0\.0\.1:\d+ closed the connection before answering \(GET \/v1\/apps, 2 attempts\)\. Check the network/,
    )
  })

  it('times out a call that never answers and retries it', async () => {
    const server = await serve((_r, i) =>
      i === 0 ? { hang: true } : { status: 200, body: { data: { id: 'a' } } },
    )
    const h = makeHarness(server.url, { timeoutMs: 150 })
    await h.client.request('GET', '/v1/apps/a', { schema: App })
    expect(h.audit[0]).toMatchObject({ status: null, failure: 'timeout', attempt: 1 })
    expect(h.audit[1]).toMatchObject({ status: 200, attempt: 2 })
  })

  it('does not resend a POST whose effect exists after the connection was reset', async () => {
    const created: string[] = []
    const server = await serve((req) => {
      if (req.method === 'POST') {
        created.push('sub-1') // the effect is applied, then the answer is lost
        return { reset: true }
      }
      return { status: 200, body: { data: created.map((id) => ({ type: 'reviewSubmissions', id })) } }
    })
    const h = makeHarness(server.url)
    const out = await h.client.mutate({
      method: 'POST',
      path: '/v1/reviewSubmissions',
      body: { data: { type: 'reviewSubmissions' } },
      schema: App,
      alreadyApplied: async (signal) => {
        const list = await h.client.request('GET', '/v1/reviewSubmissions', {
          signal,
          schema: z.object({ data: z.array(z.object({ id: z.string() })) }),
        })
        const found = list.data[0]
        return found ? applied({ data: { id: found.id } }) : notApplied
      },
    })
    expect(out.data.id).toBe('sub-1')
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(created).toEqual(['sub-1'])
  })

  it('resends a POST after a reset when the check finds no effect', async () => {
    const server = await serve((req, i) =>
      req.method === 'POST'
        ? i === 0
          ? { reset: true }
          : { status: 201, body: { data: { id: 'v1' } } }
        : { status: 200, body: { data: [] } },
    )
    const h = makeHarness(server.url)
    let checks = 0
    const out = await h.client.mutate({
      method: 'POST',
      path: '/v1/appStoreVersions',
      body: {},
      schema: App,
      alreadyApplied: async () => (checks++, notApplied),
    })
    expect(out.data.id).toBe('v1')
    expect(checks).toBe(1)
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
  })

  it('asks the check once more when retries run out, and reports success if the last try landed', async () => {
    let applied_ = false
    const server = await serve((req) => {
      if (req.method === 'POST') {
        applied_ = true
        return appleErrors(500, { code: 'INTERNAL_ERROR' })
      }
      return { status: 200, body: {} }
    })
    const h = makeHarness(server.url, { retry: { maxAttempts: 1 } })
    const out = await h.client.mutate({
      method: 'POST',
      path: '/v1/reviewSubmissions',
      body: {},
      schema: App,
      alreadyApplied: async () => (applied_ ? applied({ data: { id: 'late' } }) : notApplied),
    })
    expect(out.data.id).toBe('late')
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('never resends a mutation made with request() after a 500', async () => {
    const server = await serve(() => appleErrors(500, { code: 'INTERNAL_ERROR' }))
    const h = makeHarness(server.url)
    await expect(h.client.request('PATCH', '/v1/builds/b', { body: {} })).rejects.toMatchObject({
      status: 500,
      attempts: 1,
    })
    expect(server.requests).toHaveLength(1)
  })

  it('cancels a wait between retries when the signal aborts', async () => {
    const server = await serve(() => appleErrors(503, { code: 'UNAVAILABLE' }))
    const controller = new AbortController()
    const h = makeHarness(server.url, {
      sleep: async (_ms, signal) => {
        controller.abort()
        if (signal?.aborted) throw new AscentError('CANCELED', 'waiting to retry was canceled')
      },
    })
    await expect(h.client.request('GET', '/v1/apps', { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELED',
    })
    expect(server.requests).toHaveLength(1)
  })

  it('refuses to start when the signal is already aborted', async () => {
    const server = await serve(() => ({ status: 200, body: {} }))
    const h = makeHarness(server.url)
    await expect(h.client.request('GET', '/v1/apps', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELED',
    })
    expect(server.requests).toHaveLength(0)
  })
})

describe('createAscClient: errors', () => {
  const notAuthorized = appleErrors(401, {
    code: 'NOT_AUTHORIZED',
    title: 'Authentication credentials are missing or invalid.',
    detail: 'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
  })

  it('re-signs the token once after a 401 and succeeds', async () => {
    const server = await serve((_r, i) =>
      i === 0 ? notAuthorized : { status: 200, body: { data: { id: 'a' } } },
    )
    const h = makeHarness(server.url)
    await h.client.request('GET', '/v1/apps/a', { schema: App })
    expect(h.tokens.invalidated).toBe(1)
    expect(h.tokens.signed).toBe(2)
    expect(server.requests[0]?.headers.authorization).not.toBe(server.requests[1]?.headers.authorization)
  })

  it('explains a second 401 as a revoked key or wrong issuer', async () => {
    const server = await serve(() => notAuthorized)
    const h = makeHarness(server.url)
    const error = (await h.client.request('GET', '/v1/apps').catch((e: unknown) => e)) as AscApiError
    expect(server.requests).toHaveLength(2)
    expect(error.status).toBe(401)
    expect(error.message).toMatch(/revoked.*issuer ID/)
    expect(error.hasCode('NOT_AUTHORIZED')).toBe(true)
  })

  it('explains a 401 from clock skew with the measured offset', async () => {
    let h: ReturnType<typeof makeHarness> | null = null
    const server = await serve(() => ({
      ...notAuthorized,
      headers: { date: new Date((h?.clock.now ?? 0) - 7 * 60_000).toUTCString() },
    }))
    h = makeHarness(server.url)
    const error = (await h.client.request('GET', '/v1/apps').catch((e: unknown) => e)) as AscApiError
    expect(error.message).toMatch(
      /the clock of this computer is off by 7 minutes \(ahead of App Store Connect\)/,
    )
  })

  it('maps 403 to FORBIDDEN with the App Manager role named', async () => {
    const server = await serve(() =>
      appleErrors(403, {
        code: 'FORBIDDEN_ERROR',
        title: 'This request is forbidden for security reasons',
        detail: 'The API key in use does not allow this request',
      }),
    )
    const h = makeHarness(server.url)
    const error = (await h.client
      .request('POST', '/v1/appStoreVersions', { body: {} })
      .catch((e: unknown) => e)) as AscApiError
    expect(error.code).toBe('FORBIDDEN')
    expect(error.message).toMatch(/POST \/v1\/appStoreVersions: the key has no App Manager role/)
    expect(error.message).toContain('The API key in use does not allow this request')
  })

  it('keeps every errors[] entry of a 409, shows Apple’s detail verbatim and matches codes by prefix', async () => {
    const server = await serve(() =>
      appleErrors(
        409,
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          title: 'An attribute value is invalid.',
          detail: 'The provided entity includes an attribute with an invalid value',
        },
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
          title: 'The provided entity includes an attribute with a value that has already been used',
          detail: 'The version number has been previously used.',
          source: { pointer: '/data/attributes/versionString' },
        },
      ),
    )
    const h = makeHarness(server.url)
    const error = (await h.client
      .request('POST', '/v1/appStoreVersions', { body: {} })
      .catch((e: unknown) => e)) as AscApiError
    expect(error.status).toBe(409)
    expect(error.method).toBe('POST')
    expect(error.path).toBe('/v1/appStoreVersions')
    expect(error.errors).toHaveLength(2)
    expect(error.message).toContain('The version number has been previously used.')
    expect(error.message).toContain('The provided entity includes an attribute with an invalid value')
    expect(error.hasCode('ENTITY_ERROR')).toBe(true)
    expect(error.hasCode('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')).toBe(true)
    expect(error.hasCode('ENTITY_ERROR.ATTR')).toBe(false)
    expect(error.findError('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')?.source).toEqual({
      pointer: '/data/attributes/versionString',
    })
    expect(error.toShape().detail).toContain('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')
  })

  it('describes other 4xx with code, title and detail and does not retry them', async () => {
    const server = await serve(() =>
      appleErrors(422, {
        code: 'ENTITY_UNPROCESSABLE',
        title: 'The request entity is not processable',
        detail: 'The build is not in state for internal testing.',
      }),
    )
    const h = makeHarness(server.url)
    const error = (await h.client.request('GET', '/v1/x').catch((e: unknown) => e)) as AscApiError
    expect(error.message).toBe(
      'App Store Connect refused GET /v1/x (422) ENTITY_UNPROCESSABLE: The request entity is not processable — The build is not in state for internal testing.',
    )
    expect(server.requests).toHaveLength(1)
  })

  it('turns a non-JSON error body into one readable entry', async () => {
    const server = await serve(() => ({ status: 404, body: '<html>Not Found</html>' }))
    const h = makeHarness(server.url)
    const error = (await h.client
      .request('GET', '/v1/x', { schema: Anything })
      .catch((e: unknown) => e)) as AscApiError
    expect(error.errors[0]?.code).toBe('UNKNOWN')
    expect(error.message).toMatch(/\(404\) UNKNOWN: HTTP 404/)
  })
})

describe('createAscClient: paging', () => {
  const Item = z.object({ type: z.literal('betaGroups'), id: z.string() })

  it('follows links.next across pages, asks for limit=200 and merges included resources once', async () => {
    const server = await serve((req) => {
      const cursor = Number(req.query.get('cursor') ?? '0')
      const next =
        cursor < 2 ? `${server.url}/v1/apps/a/betaGroups?limit=200&cursor=${cursor + 1}` : undefined
      return {
        status: 200,
        body: {
          data: [{ type: 'betaGroups', id: `g${cursor}` }],
          included: [{ type: 'apps', id: 'a' }],
          links: { self: req.url, ...(next ? { next } : {}) },
          meta: { paging: { total: 3, limit: 200 } },
        },
      }
    })
    const h = makeHarness(server.url)
    const page = await h.client.getAll('/v1/apps/a/betaGroups', { item: Item })
    expect(page.data.map((g) => g.id)).toEqual(['g0', 'g1', 'g2'])
    expect(page.included).toEqual([{ type: 'apps', id: 'a' }])
    expect(page.total).toBe(3)
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/apps/a/betaGroups?limit=200',
      '/v1/apps/a/betaGroups?limit=200&cursor=1',
      '/v1/apps/a/betaGroups?limit=200&cursor=2',
    ])
  })

  it('refuses a next link to another origin and sends it nothing', async () => {
    const elsewhere = await serve(() => ({ status: 200, body: { data: [] } }))
    const server = await serve(() => ({
      status: 200,
      body: {
        data: [{ type: 'betaGroups', id: 'g0' }],
        links: { self: '/', next: `${elsewhere.url}/v1/apps/a/betaGroups?cursor=1` },
      },
    }))
    const h = makeHarness(server.url)
    const error = await h.client.getAll('/v1/apps/a/betaGroups', { item: Item }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AscentError)
    expect((error as AscentError).message).toMatch(
      /Refused to follow the next-page link .* only http:\/\/127\.0\.0\.1:\d+ receives the API token/,
    )
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('stops when Apple repeats a next link', async () => {
    const server = await serve(() => ({
      status: 200,
      body: { data: [], links: { self: '/', next: '/v1/apps/a/betaGroups?limit=200' } },
    }))
    const h = makeHarness(server.url)
    await expect(h.client.getAll('/v1/apps/a/betaGroups', { item: Item })).rejects.toThrow(
      /same next-page link twice/,
    )
  })
})
