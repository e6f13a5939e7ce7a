import http, { type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { createNodeAgents, type NodeAgents } from './proxy'

/**
 * The part of `fetch` the App Store Connect client uses: one request with a string body, the status, headers and a
 * body read chunk by chunk. Node's `fetch` fits this shape (tests and the window pass it); `apiFetch` below is
 * the CLI's default.
 */
interface ApiRequestInit {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  readonly signal: AbortSignal
  /** Never followed: the token must not travel to wherever a 3xx points. */
  readonly redirect: 'manual'
}

interface ApiAnswerReader {
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: Uint8Array }>
  cancel(reason?: unknown): Promise<void>
}

export interface ApiAnswer {
  readonly status: number
  readonly ok: boolean
  readonly headers: { get(name: string): string | null }
  /** Decoded (gzip, deflate, br) as `fetch` decodes it. */
  readonly body: { getReader(): ApiAnswerReader; cancel(reason?: unknown): Promise<void> } | null
}

export type ApiFetch = (url: URL, init: ApiRequestInit) => Promise<ApiAnswer>

// Loose flushing, as fetch inflates: an answer cut short yields what arrived instead of a zlib error.
const LOOSE = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }

function decoded(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase()
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip(LOOSE)
  else if (encoding === 'deflate') decoder = zlib.createInflate(LOOSE)
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress()
  if (decoder === null) return response
  const out = decoder
  response.on('error', (error) => out.destroy(error))
  return response.pipe(out)
}

function answerOf(response: IncomingMessage): ApiAnswer {
  const status = response.statusCode ?? 0
  const stream = decoded(response)
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const cancel = async (): Promise<void> => {
    stream.destroy()
    response.destroy()
  }
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()]
        if (value === undefined) return null
        return Array.isArray(value) ? value.join(', ') : value
      },
    },
    body: {
      getReader: () => ({
        read: async () => {
          const next = await chunks.next()
          return next.done ? { done: true } : { done: false, value: next.value }
        },
        cancel,
      }),
      cancel,
    },
  }
}

let agents: NodeAgents | null = null

/**
 * The client's requests over node:http(s) with keep-alive, through HTTP(S)_PROXY like every other request. Node's
 * fetch does the same work at several times the CPU: its first call loads and starts undici (about 0.1 s on
 * 2 cores), and each request goes through web streams; a CLI run makes a handful of calls.
 */
export const apiFetch: ApiFetch = (url, init) =>
  new Promise((resolve, reject) => {
    agents ??= createNodeAgents({ maxSockets: Infinity })
    const request = (url.protocol === 'https:' ? httpsRequest : http.request)(url, {
      method: init.method,
      headers: { 'Accept-Encoding': 'gzip, deflate, br', ...init.headers },
      agent: agents.agentFor(url),
      signal: init.signal,
    })
    request.once('response', (response) => resolve(answerOf(response)))
    request.on('error', reject)
    request.end(init.body)
  })
