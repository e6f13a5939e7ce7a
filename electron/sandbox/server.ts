import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireWriteRole, toTrustedKey, verifyToken, type TrustedKey, type TrustedKeyInput } from './auth'
import { ApiError, entityInvalid, methodNotAllowed, pathError, rateLimited, serverError } from './errors'
import { Faults, type FaultKind, type FaultOptions } from './faults'
import { resourceDefs, type Context } from './resources'
import { readBody } from './read-body'
import { parseRouteQuery, routes, type Route } from './routes'
import {
  ControlError,
  handleControl,
  PartFailureRuleSchema,
  ReviewDecisionSchema,
  type AddedApp,
  type PartFailureRule,
  type ReviewDecisionInput,
} from './routes/control'
import { RequestWindow } from './request-window'
import {
  AddedAppSchema,
  defaultSeed,
  parseSeed,
  SandboxSeedApp,
  type AddedAppInput,
  type SandboxSeed,
} from './seed'
import { ScreenshotUploads } from './screenshot-uploads'
import { snapshot, type SandboxState } from './state'
import { SandboxStore } from './store'
import { UploadStore } from './upload'

/** Apple's hourly request limit per key, announced in every answer's X-Rate-Limit header. */
const HOURLY_LIMIT = 3600

export type SandboxOptions = {
  readonly port?: number
  readonly host?: string
  readonly seed?: SandboxSeed
  readonly faults?: FaultOptions
  readonly processingMs?: number
  /** App Store review: IN_REVIEW after half of it, approved after all of it; 0 (default) waits for a decision. */
  readonly reviewMs?: number
  /** Beta review, the same way (default: reviewMs). */
  readonly betaReviewMs?: number
  /** How long a canceled review submission stays CANCELING (default 1 s). */
  readonly cancelMs?: number
  readonly partSize?: number
  /**
   * Every API answer waits this long first, as App Store Connect's do over a real network (300 ms to over a
   * second); upload part PUTs and /__sandbox routes do not. Default 0.
   */
  readonly latencyMs?: number
  /** How the sandbox waits (tests pass one that records the waits instead of taking them). */
  readonly delay?: (ms: number) => Promise<void>
  /** The wall clock (tokens are checked against it); POST /__sandbox/clock moves App Store Connect's own clock ahead of it. */
  readonly now?: () => number
  /** Sees every /v1 answer with the Apple schema it follows (tests validate them). */
  readonly onResponse?: (r: SandboxResponse) => void
}
export type SandboxResponse = {
  readonly method: string
  readonly route: string
  readonly status: number
  readonly schema: string | null
  readonly body: unknown
}

export type RunningSandbox = {
  readonly url: string
  readonly keyId: string
  readonly issuerId: string
  readonly privateKeyPem: string
  readonly privateKeyPath: string
  trustKey(key: TrustedKeyInput): void
  state(): SandboxState
  setFaults(options: FaultOptions): void
  expireUploadOperations(): void
  /** Moves the sandbox's clock ahead (review timers, scheduled dates, phased-release days). */
  advanceClock(ms: number): void
  /** Decides the app's open App Store or beta review now. */
  decideReview(decision: ReviewDecisionInput): { readonly id: string; readonly state: string }
  /** The next `times` PUTs of part `partNumber` (of `fileId`, or of any file) are answered with `status`. */
  failPart(rule: PartFailureRule): void
  /** Adds an app record with beta groups (default: two internal, two external); throws when the bundle id is taken. */
  addApp(input: AddedAppInput): AddedApp
  close(): Promise<void>
}

type Compiled = { readonly route: Route; readonly regex: RegExp; readonly names: readonly string[] }

function compile(route: Route): Compiled {
  const names: string[] = []
  const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  return { route, regex: new RegExp(`^${pattern}$`), names }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const wallClock = options.now ?? Date.now
  let clockOffset = 0
  const now = (): number => wallClock() + clockOffset
  const latencyMs = options.latencyMs ?? 0
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0)
    throw new RangeError(`latencyMs must be a whole number of milliseconds, not ${latencyMs}`)
  const delay = options.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const dir = await mkdtemp(join(tmpdir(), 'ascent-sandbox-'))
  const seed = parseSeed(options.seed ?? defaultSeed)
  const store = new SandboxStore(
    seed,
    {
      processingMs: options.processingMs ?? 3000,
      reviewMs: options.reviewMs ?? 0,
      betaReviewMs: options.betaReviewMs ?? options.reviewMs ?? 0,
      cancelMs: options.cancelMs ?? 1000,
    },
    now,
  )
  let base = ''
  const uploads = new UploadStore(store, () => base, options.partSize ?? 16 * 1024 * 1024)
  const screenshots = new ScreenshotUploads(
    store,
    () => base,
    options.partSize ?? 16 * 1024 * 1024,
    (id, partNumber, req) => uploads.injectPartFailure(id, partNumber, req),
  )
  const ctx: Context = { store, uploads, screenshots }
  /** Moves every timed state machine to the sandbox's now. */
  const advance = (): void => {
    store.advance()
    uploads.advance()
    screenshots.advance()
  }
  const defs = resourceDefs(ctx)
  const compiled = routes().map(compile)
  const faults = new Faults(options.faults)
  const keys = new Map<string, TrustedKey>()
  const requests = { total: 0, byRoute: {} as Record<string, number> }
  const hourWindow = new RequestWindow(3_600_000)

  // The key this sandbox generates and trusts: a team key with the Admin role.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  const keyId = randomBytes(5).toString('hex').toUpperCase()
  const issuerId = randomUUID()
  keys.set(keyId, toTrustedKey({ keyId, issuerId, publicKey, roles: ['ADMIN'] }))
  const privateKeyPath = join(dir, `AuthKey_${keyId}.p8`)
  await writeFile(privateKeyPath, privateKeyPem, { mode: 0o600 })

  function send(
    res: ServerResponse,
    status: number,
    body: object | null,
    headers: Record<string, string> = {},
  ): void {
    const text = body === null ? '' : JSON.stringify(body)
    res.writeHead(status, {
      Date: new Date(wallClock()).toUTCString(),
      ...(body === null
        ? {}
        : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) }),
      ...headers,
    })
    res.end(text)
  }

  function currentState(): SandboxState {
    advance()
    return snapshot(ctx, requests, faults, latencyMs)
  }

  function advanceClock(ms: number): void {
    clockOffset += ms
    advance()
  }

  function decideReview(input: ReviewDecisionInput): { readonly id: string; readonly state: string } {
    store.advance()
    const out = store.decideReview(input.bundleId, input.kind, input.decision)
    if ('error' in out) throw new ControlError(out.error)
    return out
  }

  function addApp(input: AddedAppInput): AddedApp {
    const parsed = AddedAppSchema.parse(input)
    const app = store.addApp(SandboxSeedApp.parse(parsed))
    if (!app) throw new ControlError(`the sandbox already has an app with bundle id ${parsed.bundleId}`)
    return { id: app.id, bundleId: app.bundleId, name: app.name, betaGroups: parsed.betaGroups }
  }

  function count(route: string): void {
    requests.total++
    hourWindow.add(now())
    requests.byRoute[route] = (requests.byRoute[route] ?? 0) + 1
  }

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    fault: FaultKind | null,
  ): Promise<void> {
    const method = req.method ?? 'GET'
    const path = url.pathname
    const upload = /^\/upload\/([\w-]+)\/(\d+)$/.exec(path)
    if (upload && method === 'PUT') {
      count('PUT /upload/{id}/{part}')
      await uploads.receivePart(upload[1] ?? '', Number(upload[2]), url.searchParams.get('signature'), req)
      if (fault === 'reset-after') return void req.socket.destroy()
      return send(res, 200, null)
    }
    const screenshotPart = /^\/upload-screenshot\/([\w-]+)\/(\d+)$/.exec(path)
    if (screenshotPart && method === 'PUT') {
      count('PUT /upload-screenshot/{id}/{part}')
      await screenshots.receivePart(
        screenshotPart[1] ?? '',
        Number(screenshotPart[2]),
        url.searchParams.get('signature'),
        req,
      )
      if (fault === 'reset-after') return void req.socket.destroy()
      return send(res, 200, null)
    }
    const matches = compiled.map((c) => ({ c, m: c.regex.exec(path) })).filter((x) => x.m !== null)
    const hit = matches.find((x) => x.c.route.method === method)
    if (!hit?.m) {
      count('unknown')
      throw matches.length > 0 ? methodNotAllowed(method, path) : pathError(path)
    }
    const { route } = hit.c
    const routeName = `${route.method} ${route.path}`
    count(routeName)
    const key = verifyToken(req.headers.authorization, keys, wallClock())
    if (route.write) requireWriteRole(key, route.path)
    const query = parseRouteQuery(route, url, defs)
    const raw = await readBody(req)
    let body: unknown
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch (error) {
        throw entityInvalid(`The request body is not valid JSON: ${(error as Error).message}`)
      }
    }
    const params = Object.fromEntries(
      hit.c.names.map((n, i) => [n, decodeURIComponent(hit.m?.[i + 1] ?? '')]),
    )
    advance()
    const result = await route.handle({ params, url, query, body, ctx, defs, base })
    options.onResponse?.({
      method,
      route: routeName,
      status: result.status,
      schema: result.schema ?? null,
      body: result.body ?? null,
    })
    // The effect is applied; losing the answer now is what makes blind POST retries dangerous.
    if (fault === 'reset-after') return void req.socket.destroy()
    send(res, result.status, result.body ?? null, {
      'X-Rate-Limit': `user-hour-lim:${HOURLY_LIMIT};user-hour-rem:${Math.max(0, HOURLY_LIMIT - hourWindow.count(now()))};`,
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    if (url.pathname.startsWith('/__sandbox/'))
      return handleControl(req, res, url.pathname, {
        state: currentState,
        faults,
        uploads,
        send,
        advanceClock,
        decideReview,
        addApp,
      })
    if (req.method === 'GET' && url.pathname.startsWith('/screenshots/')) {
      // The image host: screenshots are public images, fetched without a token.
      advance()
      const image = screenshots.imageOf(url.pathname)
      if (!image) return send(res, 404, { errors: pathError(url.pathname).errors })
      res.writeHead(200, { 'Content-Type': image.contentType, 'Content-Length': String(image.body.length) })
      return void res.end(image.body)
    }
    const isPart = req.method === 'PUT' && /^\/upload(-screenshot)?\//.test(url.pathname)
    if (latencyMs > 0 && !isPart) await delay(latencyMs)
    const fault = faults.pick(req.method ?? 'GET', url.pathname)
    if (fault === 'reset') return void req.socket.destroy()
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, faults.slowMs()))
    try {
      if (fault === 'rate-limit') throw rateLimited(1)
      if (fault === 'server-error') throw serverError(500)
      if (fault === 'unavailable') throw serverError(503)
      await api(req, res, url, fault)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      const body = { errors: error.errors }
      options.onResponse?.({
        method: req.method ?? 'GET',
        route: url.pathname,
        status: error.status,
        schema: 'ErrorResponse',
        body,
      })
      // Drain what the client still sends so it sees the answer rather than a reset.
      req.resume()
      send(res, error.status, body, { ...error.headers })
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      // A sandbox bug still answers in Apple's shape; the cause goes to stderr for whoever runs it.
      process.stderr.write(`sandbox: ${(error as Error).stack ?? String(error)}\n`)
      send(res, 500, { errors: serverError(500).errors })
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  base = `http://${host}:${address.port}`

  return {
    url: base,
    keyId,
    issuerId,
    privateKeyPem,
    privateKeyPath,
    trustKey: (k) => keys.set(k.keyId, toTrustedKey(k)),
    state: currentState,
    setFaults: (f) => faults.set(f),
    expireUploadOperations: () => uploads.expireOperations(),
    advanceClock,
    decideReview: (input) => decideReview(ReviewDecisionSchema.parse(input)),
    failPart: (rule) => uploads.failPart(PartFailureRuleSchema.parse(rule)),
    addApp,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
