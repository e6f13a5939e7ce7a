import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { AscentError, toErrorShape } from '../../shared/errors'
import type { CallReply, CallName, EventName, FileRef } from '../../shared/ipc'
import { createCallHandlers, dispatchCall } from '../services/call-handlers'
import type { AscentServices, CallHandlers } from '../services/types'
import bridgeClientScript from 'virtual:ascent-bridge-client'
import { BRIDGE_PATHS } from './bridge-paths'
import {
  contentSecurityPolicy,
  contentTypeFor,
  injectScript,
  readRendererFile,
  SECURITY_HEADERS,
} from './static-files'
import { createUploadPathScrubber } from './upload-path-scrubber'

export interface WebBridgeOptions {
  readonly services: AscentServices
  /** The built renderer (out/renderer): index.html and its assets. */
  readonly rendererDir: string
  /** Loopback only: 127.0.0.1 (default), localhost or ::1. Anything else is refused. */
  readonly host?: string
  /** 0 or absent: a free port. */
  readonly port?: number
  /** Tests pass their own; otherwise 32 random bytes. */
  readonly token?: string
  readonly handlers?: CallHandlers
  /** The largest build /api/files accepts; bigger ones get 413. Default 8 GiB (builds with assets are big). */
  readonly maxUploadBytes?: number
  /** Where the bridge makes its upload folder; default os.tmpdir(). */
  readonly tempDir?: string
}

export interface WebBridge {
  /** Open this: it carries the token (`?token=`), which the first load turns into a cookie. */
  readonly url: string
  readonly origin: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

const TOKEN_HEADER = 'x-ascent-token'
/** Call arguments are settings and names; a PEM is a few hundred bytes. Builds go through /api/files instead. */
const MAX_CALL_BODY_BYTES = 4 * 1024 * 1024
const DEFAULT_MAX_UPLOAD_BYTES = 8 * 1024 ** 3
const LOOPBACK_HOSTS: Readonly<Record<string, string>> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '::1': '::1',
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

/** A name that is safe as one path segment and keeps the extension inspection relies on (.ipa/.pkg). */
export function safeUploadName(name: string | null): string {
  const cleaned = basename((name ?? '').replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/:*?"<>|]/g, '_')
    .trim()
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload' : cleaned.slice(0, 200)
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new AscentError('BAD_INPUT', `the request is larger than ${limit} bytes.`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

class UploadTooLarge extends AscentError {
  constructor(name: string, limit: number) {
    super(
      'BAD_INPUT',
      `${name} is larger than the bridge accepts (${limit} bytes); start \`ascent web\` with a larger limit or use the app.`,
    )
  }
}

function closed(sink: WriteStream): Promise<void> {
  return sink.closed ? Promise.resolve() : new Promise((resolve) => sink.once('close', () => resolve()))
}

/**
 * Streams the request body into `path`. Not stream.pipeline: that destroys the request on error, which
 * drops the socket before the 413 can be sent. Rejects only after the file is closed, so the caller's rm
 * cannot race a late open.
 */
function receiveBody(req: IncomingMessage, path: string, name: string, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = createWriteStream(path, { flags: 'wx', mode: 0o600 })
    let size = 0
    let settled = false
    const fail = (error: unknown): void => {
      if (settled) return
      settled = true
      req.unpipe(sink)
      // Keep reading (and discarding) so the 413 reaches a client that is still sending.
      req.resume()
      sink.destroy()
      void closed(sink).then(() => reject(error instanceof Error ? error : new Error(String(error))))
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) fail(new UploadTooLarge(name, limit))
    })
    req.on('error', fail)
    req.on('close', () => {
      if (!req.complete) fail(new Error('the upload was aborted'))
    })
    sink.on('error', fail)
    sink.on('finish', () => {
      if (settled) return
      settled = true
      void closed(sink).then(() => resolve())
    })
    req.pipe(sink)
  })
}

/**
 * The loopback web bridge: the built renderer plus the AscentApi over HTTP and a WebSocket, with the same
 * handlers as Electron's IPC. Every request needs the session token (query, cookie or header); a request
 * from another origin, or addressed to another host name (DNS rebinding), is refused.
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const requestedHost = options.host ?? '127.0.0.1'
  const bindHost = LOOPBACK_HOSTS[requestedHost]
  if (bindHost === undefined) {
    throw new AscentError(
      'BAD_INPUT',
      `${requestedHost} is not a loopback address: the web bridge listens on 127.0.0.1 only.`,
    )
  }
  const token = options.token ?? randomBytes(32).toString('base64url')
  const handlers = options.handlers ?? createCallHandlers(options.services)
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
  const uploadDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'ascent-bridge-'))
  const uploads = createUploadPathScrubber([uploadDir, await realpath(uploadDir)])
  const sockets = new Set<WebSocket>()
  let cookieName = 'ascent_token'
  let allowedHosts: readonly string[] = []
  let allowedOrigins: readonly string[] = []

  const csp = (): string => contentSecurityPolicy({ connectSrc: allowedHosts.map((h) => `ws://${h}`) })

  function send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-security-policy': csp(),
      'content-type': contentType,
      ...extra,
    })
    res.end(body)
  }
  /** Every reply leaves through here: service messages that name an upload's temp path get its dropped name instead. */
  function sendReply(res: ServerResponse, reply: CallReply<unknown>): void {
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(uploads.scrub(reply)))
  }

  type Verdict =
    | { readonly ok: true; readonly setCookie: boolean }
    | { readonly ok: false; readonly status: number; readonly reason: string }

  /** Host, Origin and token, in that order; shared by HTTP requests and the WebSocket upgrade. */
  function authorize(req: IncomingMessage): Verdict {
    const host = req.headers.host ?? ''
    if (!allowedHosts.includes(host)) return { ok: false, status: 403, reason: 'unknown host' }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins.includes(origin))
      return { ok: false, status: 403, reason: 'foreign origin' }
    const query = new URL(req.url ?? '/', 'http://bridge').searchParams.get('token')
    const header = req.headers[TOKEN_HEADER]
    const presented =
      query ?? (typeof header === 'string' ? header : null) ?? cookieValue(req.headers.cookie, cookieName)
    if (presented === null) return { ok: false, status: 401, reason: 'token required' }
    if (!sameSecret(presented, token)) return { ok: false, status: 403, reason: 'wrong token' }
    return { ok: true, setCookie: query !== null }
  }

  async function serveStatic(res: ServerResponse, pathname: string, setCookie: boolean): Promise<void> {
    const cookie: Record<string, string> = setCookie
      ? { 'set-cookie': `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` }
      : {}
    if (pathname === BRIDGE_PATHS.script) {
      send(res, 200, contentTypeFor('bridge.js'), bridgeClientScript, cookie)
      return
    }
    const answer = await readRendererFile(options.rendererDir, pathname, {
      inject: (html) => injectScript(html, BRIDGE_PATHS.script),
    })
    send(res, answer.status, answer.contentType, answer.body, answer.status === 200 ? cookie : {})
  }

  async function receiveFile(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = safeUploadName(url.searchParams.get('name'))
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > maxUploadBytes) {
      // Refused before a byte is written; `connection: close` lets Node drain and drop the rest.
      send(
        res,
        413,
        'application/json; charset=utf-8',
        JSON.stringify({ ok: false, error: toErrorShape(new UploadTooLarge(name, maxUploadBytes)) }),
        { connection: 'close' },
      )
      return
    }
    const dir = join(uploadDir, randomUUID())
    await mkdir(dir, { mode: 0o700 })
    const path = join(dir, name)
    let ref: FileRef
    try {
      await receiveBody(req, path, name, maxUploadBytes)
      // The page shows the name it dropped; the temp path stays on this side.
      ref = await options.services.files.register(path, { name, shownPath: name })
    } catch (error) {
      // A refused, aborted or unreadable upload leaves nothing behind.
      await rm(dir, { recursive: true, force: true })
      if (error instanceof UploadTooLarge) {
        const body = JSON.stringify({ ok: false, error: toErrorShape(error) })
        if (!res.headersSent && !res.destroyed) {
          send(res, 413, 'application/json; charset=utf-8', body, { connection: 'close' })
        }
        return
      }
      if (error instanceof AscentError) throw error
      throw new AscentError('BAD_INPUT', `${name} did not arrive completely; drop it again.`, {
        cause: error,
      })
    }
    uploads.add({ path, dir, name })
    sendReply(res, { ok: true, value: ref })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = authorize(req)
    if (!verdict.ok) {
      send(res, verdict.status, 'text/plain; charset=utf-8', `refused: ${verdict.reason}`)
      req.resume()
      return
    }
    const url = new URL(req.url ?? '/', 'http://bridge')
    const method = req.method ?? 'GET'
    if (url.pathname.startsWith(BRIDGE_PATHS.call)) {
      if (method !== 'POST')
        return send(res, 405, 'text/plain; charset=utf-8', 'POST only', { allow: 'POST' })
      // JSON only: a cross-site <form> cannot send this content type without a CORS preflight we never answer.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, 'text/plain; charset=utf-8', 'application/json only')
      }
      let args: unknown
      try {
        args = JSON.parse(await readBody(req, MAX_CALL_BODY_BYTES)) as unknown
      } catch (error) {
        return sendReply(res, {
          ok: false,
          error: toErrorShape(
            error instanceof AscentError ? error : new AscentError('BAD_INPUT', 'the call body is not JSON.'),
          ),
        })
      }
      const name = decodeURIComponent(url.pathname.slice(BRIDGE_PATHS.call.length))
      return sendReply(res, await dispatchCall(handlers, name as CallName, args, {}))
    }
    if (url.pathname === BRIDGE_PATHS.files) {
      if (method !== 'PUT' && method !== 'POST')
        return send(res, 405, 'text/plain; charset=utf-8', 'PUT only', { allow: 'PUT' })
      try {
        return await receiveFile(req, res, url)
      } catch (error) {
        return sendReply(res, { ok: false, error: toErrorShape(error) })
      }
    }
    if (method !== 'GET' && method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'GET only', { allow: 'GET' })
    return serveStatic(res, url.pathname, verdict.setCookie)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, 'text/plain; charset=utf-8', uploads.scrub(toErrorShape(error).message))
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = authorize(req)
    const path = new URL(req.url ?? '/', 'http://bridge').pathname
    if (!verdict.ok || path !== BRIDGE_PATHS.events) {
      const status = verdict.ok ? 404 : verdict.status
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      // The page only listens; anything it sends is ignored.
      ws.on('message', () => undefined)
    })
  })

  function broadcast(name: EventName, event: unknown): void {
    const text = JSON.stringify({ name, event: uploads.scrub(event) })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text)
  }
  const unsubscribers = [
    options.services.events.subscribe('publish', (event) => broadcast('publish', event)),
    options.services.events.subscribe('app', (event) => broadcast('app', event)),
  ]

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const urlHost = bindHost === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`
  allowedHosts = bindHost === '::1' ? [urlHost, `localhost:${port}`] : [urlHost, `localhost:${port}`]
  allowedOrigins = allowedHosts.map((h) => `http://${h}`)
  // Cookies ignore ports: a per-port name keeps two bridges on one machine from overwriting each other's token.
  cookieName = `ascent_token_${port}`
  const origin = `http://${urlHost}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(uploadDir, { recursive: true, force: true })
    },
  }
}
