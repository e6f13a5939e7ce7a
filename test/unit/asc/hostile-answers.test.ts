import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { AscApiError } from '../../../electron/asc/api-error'
import { MAX_ANSWER_BYTES, notApplied } from '../../../electron/asc/client'
import { hugeJsonLength, useHostileServers } from '../../support/hostile-server'
import { makeHarness } from './harness'

/** A server that answers too much, too slowly, somewhere else or with nothing: one clear error, no retry. */

const serve = useHostileServers()
const Apps = z.object({ data: z.array(z.unknown()) })
const KIB = 1024

async function failure(promise: Promise<unknown>): Promise<AscApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AscApiError)
  return error as AscApiError
}

function expectClearMessage(error: AscApiError): void {
  expect(error.message.length).toBeLessThan(400)
  expect(error.message).not.toMatch(/undefined|fetch failed|\n/)
}

describe('createAscClient: answers larger than the cap', () => {
  it('stops a gzip answer that inflates to 512 MiB at the real cap, in one attempt, with little memory', async () => {
    const server = await serve({ kind: 'bomb', encoding: 'gzip', bytes: 512 * 1024 * KIB })
    const h = makeHarness(server.url)
    const error = await failure(h.client.request('GET', '/v1/apps', { schema: Apps }))
    expect(error.kind).toBe('too-large')
    expect(error.code).toBe('ASC_ERROR')
    expect(error.message).toBe(
      `App Store Connect sent an answer larger than ${MAX_ANSWER_BYTES / (1024 * KIB)} MiB to GET /v1/apps (HTTP 200); Ascent stopped reading it. Check that the API URL (--api-url or ASCENT_API_URL) is App Store Connect's.`,
    )
    expect(server.requests).toEqual(['/v1/apps'])
    expect(h.sleeps).toEqual([])
    // Peak resident memory of this test process (KiB on Linux): the bomb never inflated past the cap.
    expect(process.resourceUsage().maxRSS).toBeLessThan(400 * 1024)
  })

  it('refuses a declared Content-Length past the cap without reading the body', async () => {
    const server = await serve({ kind: 'huge-json', bytes: 200 * 1024 * KIB, declared: true })
    const h = makeHarness(server.url)
    const error = await failure(h.client.request('GET', '/v1/apps', { schema: Apps }))
    expect(error.kind).toBe('too-large')
    expectClearMessage(error)
  })

  it('holds for any size and encoding: at most the cap is read, an answer under it is parsed', async () => {
    const cap = 64 * KIB
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('plain', 'chunked', 'gzip', 'deflate', 'br'),
        fc.integer({ min: 1 * KIB, max: 4 * cap }),
        async (encoding, bytes) => {
          const server = await serve(
            encoding === 'plain' || encoding === 'chunked'
              ? { kind: 'huge-json', bytes, declared: encoding === 'plain' }
              : { kind: 'bomb', encoding, bytes },
          )
          const h = makeHarness(server.url, { maxAnswerBytes: cap })
          const outcome = await h.client.request('GET', '/v1/apps', { schema: Apps }).then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          )
          const sent = encoding === 'plain' || encoding === 'chunked' ? hugeJsonLength(bytes) : bytes
          if (outcome.ok) {
            // Only JSON under the cap parses (the compressed answers are spaces: no document).
            expect(['plain', 'chunked']).toContain(encoding)
            expect(sent).toBeLessThanOrEqual(cap)
          } else {
            const error = outcome.error as AscApiError
            expect(error.kind).toBe(sent > cap ? 'too-large' : 'shape')
            expectClearMessage(error)
          }
          expect(server.requests).toHaveLength(1)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('createAscClient: paging', () => {
  it('stops a collection whose pages stay under the cap but add up past four times it', async () => {
    const cap = 64 * KIB
    let page = 0
    let base = ''
    const server = await serve(() => ({
      kind: 'json',
      status: 200,
      body: {
        data: [{ type: 'apps', id: String(page), attributes: { name: 'x'.repeat(cap / 2) } }],
        links: { next: `${base}/v1/apps?cursor=${++page}` },
      },
    }))
    base = server.url
    const h = makeHarness(server.url, { maxAnswerBytes: cap })
    const error = await h.client
      .getAll('/v1/apps', { item: z.object({ type: z.string(), id: z.string() }) })
      .then(
        () => null,
        (e: unknown) => e as Error,
      )
    expect(error?.message).toBe(
      `App Store Connect sent more than 256 KiB over ${server.requests.length} pages of /v1/apps; stopped. Check that the API URL (--api-url or ASCENT_API_URL) is App Store Connect's.`,
    )
    expect(server.requests.length).toBeLessThan(12)
  })
})

describe('createAscClient: answers that never finish', () => {
  it('stops a body that drips after the headers at the deadline and does not send the request again', async () => {
    const server = await serve({ kind: 'drip', everyMs: 20 })
    const h = makeHarness(server.url, { timeoutMs: 300 })
    const error = await failure(h.client.request('GET', '/v1/apps', { schema: Apps }))
    expect(error.kind).toBe('slow')
    expect(error.message).toBe(
      'App Store Connect did not finish answering GET /v1/apps within 300 ms (HTTP 200 arrived, the rest too slowly). Check the connection and try again.',
    )
    expect(server.requests).toHaveLength(1)
  })
})

describe('createAscClient: redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'reports a %i with where it points, and sends nothing there',
    async (status) => {
      const elsewhere = await serve({ kind: 'json', status: 200, body: { data: [] } })
      const server = await serve({ kind: 'redirect', status, location: `${elsewhere.url}/v1/apps` })
      const h = makeHarness(server.url)
      const error = await failure(h.client.request('GET', '/v1/apps', { schema: Apps }))
      expect(error.kind).toBe('redirect')
      expect(error.message).toContain(
        `redirected GET /v1/apps to "${elsewhere.url}/v1/apps" (HTTP ${status})`,
      )
      expect(elsewhere.requests).toEqual([])
      expect(server.requests).toHaveLength(1)
    },
  )

  it('quotes only a short printable part of a hostile Location', async () => {
    const server = await serve({
      kind: 'redirect',
      status: 302,
      location: 'https://x.example/' + 'a'.repeat(5000),
    })
    const error = await failure(makeHarness(server.url).client.request('GET', '/v1/apps', { schema: Apps }))
    expectClearMessage(error)
  })
})

describe('createAscClient: no document where one was expected', () => {
  it.each([200, 201, 204])('says an HTTP %i came with no content, never "undefined"', async (status) => {
    const server = await serve({ kind: 'empty', status })
    const h = makeHarness(server.url)
    const error = await failure(h.client.request('GET', '/v1/apps', { schema: Apps }))
    expect(error.message).toBe(
      `App Store Connect answered GET /v1/apps, but the answer was empty (HTTP ${status}) where a JSON document was expected.`,
    )
  })

  it('names a missing field as missing', async () => {
    const server = await serve({ kind: 'json', status: 200, body: { links: {} } })
    const error = await failure(makeHarness(server.url).client.request('GET', '/v1/apps', { schema: Apps }))
    expect(error.message).toContain('(/data: is missing (expected a list))')
    expectClearMessage(error)
  })

  it('still accepts 204 for a mutation that expects no content', async () => {
    const server = await serve({ kind: 'empty', status: 204 })
    const h = makeHarness(server.url)
    await expect(
      h.client.mutate({
        method: 'DELETE',
        path: '/v1/betaGroups/g/relationships/builds',
        schema: z.undefined(),
        alreadyApplied: async () => notApplied,
      }),
    ).resolves.toBeUndefined()
  })
})
