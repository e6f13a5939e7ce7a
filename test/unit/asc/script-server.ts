import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

/**
 * A stand-in for Apple's server that plays scripted answers over real HTTP, so the client's retry,
 * paging and error handling meet real sockets (resets included) without the sandbox.
 */

interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
}

type ScriptedReply =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** Destroy the socket after reading the request: the client sees ECONNRESET / "fetch failed". */
  | { readonly reset: true }
  /** Never answer (the client's timeout fires). */
  | { readonly hang: true }

export type Handler = (request: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>

export interface ScriptServer {
  readonly url: string
  readonly requests: RecordedRequest[]
  close(): Promise<void>
}

async function startScriptServer(handler: Handler): Promise<ScriptServer> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const url = new URL(req.url ?? '/', 'http://localhost')
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        }
        requests.push(recorded)
        const reply = await handler(recorded, requests.length - 1)
        if ('reset' in reply) {
          req.socket.destroy()
          return
        }
        if ('hang' in reply) return
        const headers: Record<string, string> = { ...reply.headers }
        if (reply.body !== undefined) headers['content-type'] = 'application/json'
        res.writeHead(reply.status, headers)
        res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body))
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Apple's error body. */
export function appleErrors(
  status: number,
  ...errors: readonly { code: string; title?: string; detail?: string; source?: { pointer: string } }[]
): { status: number; body: unknown } {
  return {
    status,
    body: {
      errors: errors.map((e) => ({
        status: String(status),
        code: e.code,
        title: e.title ?? e.code,
        detail: e.detail ?? '',
        ...(e.source ? { source: e.source } : {}),
      })),
    },
  }
}

/** For a test file: `serve` starts a script server that is closed after each test. */
export function useScriptServers(): (handler: Handler) => Promise<ScriptServer> {
  let servers: ScriptServer[] = []
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()))
    servers = []
  })
  return async (handler) => {
    const server = await startScriptServer(handler)
    servers.push(server)
    return server
  }
}
