import * as z from 'zod'
import { AscentError } from '../../shared/errors'
import { AscApiError, clockSkewMs, httpErrorMessage, parseAppleErrors, type AppleError } from './api-error'
import { buildQuery, collectionDocument, type IncludedItem, type Query } from './json-api'
import { AnswerTooLargeError, readAnswerText } from './read-answer'
import { printableExcerpt } from '../../shared/bounded-text'
import { describeIssue } from '../../shared/describe-issue'
import {
  backoffDelay,
  canceledError,
  DEFAULT_RETRY,
  parseRetryAfter,
  sleepWithSignal,
  type RetryPolicy,
} from './retry'
import type { TokenSource } from './token'
import { apiFetch, type ApiAnswer, type ApiFetch } from '../net/api-fetch'
import { describeNetworkFailure, networkFailureCode } from './network-failure'

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE'
type MutationMethod = Exclude<HttpMethod, 'GET'>

/** One line of the call log: never a token, never a query string (it can carry names and ids). */
export interface AuditEntry {
  readonly method: HttpMethod
  readonly path: string
  /** HTTP status, or null when no answer arrived. */
  readonly status: number | null
  readonly ms: number
  /** 1 for the first try of a call. */
  readonly attempt: number
  /** `timeout`, `ECONNRESET`, … when no answer arrived. */
  readonly failure?: string
  /** `user-hour-rem` from Apple's `X-Rate-Limit` header, when present. */
  readonly rateLimitRemaining?: number
}

interface RequestOptions {
  readonly query?: Query
  readonly body?: unknown
  readonly signal?: AbortSignal
}

/** What a mutation's `alreadyApplied` check found. */
export type AppliedCheck<T> = { readonly applied: false } | { readonly applied: true; readonly value: T }
export const notApplied: AppliedCheck<never> = { applied: false }
export function applied<T>(value: T): AppliedCheck<T> {
  return { applied: true, value }
}

interface MutateOptions<T> {
  readonly method: MutationMethod
  readonly path: string
  readonly query?: Query
  readonly body?: unknown
  /** Validates the answer; `z.undefined()` for 204 No Content. */
  readonly schema: z.ZodType<T>
  readonly signal?: AbortSignal
  /**
   * Asked after a 5xx, a dropped connection or a timeout, when it is unknown whether Apple applied the change:
   * return `applied(value)` when the effect already exists (the call then succeeds with that value
   * and is not repeated), `notApplied` to send it again. Without this check a mutation is never resent.
   */
  readonly alreadyApplied: (signal: AbortSignal | undefined) => Promise<AppliedCheck<T>>
}

interface Page<R> {
  readonly data: readonly R[]
  readonly included: readonly IncludedItem[]
  /** Apple's `meta.paging.total` of the first page, when given. */
  readonly total: number | null
}

export interface AscClient {
  readonly baseUrl: URL
  /** One call; GET is retried on 429/5xx/resets/timeouts, other methods only on 429 and 401 (never applied). */
  request<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions & { readonly schema: z.ZodType<T> },
  ): Promise<T>
  request(method: HttpMethod, path: string, options?: RequestOptions): Promise<unknown>
  /** GET a collection and follow `links.next` (same origin only) until the last page; `limit=200` unless given. */
  getAll<S extends z.ZodType>(
    path: string,
    options: {
      readonly query?: Query
      readonly item: S
      readonly signal?: AbortSignal
      readonly maxPages?: number
    },
  ): Promise<Page<z.infer<S>>>
  /** A POST/PATCH/DELETE that is resent after an ambiguous failure only when `alreadyApplied` says it did not happen. */
  mutate<T>(options: MutateOptions<T>): Promise<T>
}

export interface AscClientOptions {
  readonly baseUrl: string | URL
  readonly tokens: TokenSource
  /** Default: `apiFetch` (node:http(s) through the proxy variables); Node's `fetch` fits too. */
  readonly fetch?: ApiFetch
  readonly now?: () => number
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly random?: () => number
  readonly retry?: Partial<RetryPolicy>
  /** Per attempt, until the whole answer body has arrived. */
  readonly timeoutMs?: number
  /** Largest answer body read, counted after gzip/deflate/br decoding. */
  readonly maxAnswerBytes?: number
  readonly onAudit?: (entry: AuditEntry) => void
  readonly userAgent?: string
}

export const APPLE_API_URL = 'https://api.appstoreconnect.apple.com'
const PAGE_LIMIT = 200
/** Apple's largest pages (200 resources with their included ones) are a few MB; far beyond that is not an answer. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`
}

function attemptsText(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`
}

/** "App Store Connect at api.… closed the connection before answering (GET /v1/apps, 5 attempts). Check …" */
function networkFailureMessage(method: string, url: URL, failure: string, attempts: number): string {
  const { what, fix } = describeNetworkFailure(failure)
  return `App Store Connect at ${url.host} ${what} (${method} ${url.pathname}, ${attemptsText(attempts)}). ${fix}`
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`
}

type Outcome =
  | {
      readonly kind: 'answer'
      readonly status: number
      readonly text: string
      readonly headers: ApiAnswer['headers']
    }
  | { readonly kind: 'network' | 'timeout'; readonly failure: string; readonly error: unknown }
  /** The status arrived, then the body was too big or too slow: sending the request again cannot help. */
  | { readonly kind: 'too-large'; readonly status: number; readonly error: unknown }
  | { readonly kind: 'slow'; readonly status: number; readonly error: unknown }
  /** A 3xx: not followed, the token must not travel to wherever it points. */
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string | null }

interface Call {
  readonly method: HttpMethod
  readonly url: URL
  readonly body: unknown
  readonly signal: AbortSignal | undefined
}

function rateLimitRemaining(headers: ApiAnswer['headers']): number | undefined {
  const match = /user-hour-rem:(\d+)/.exec(headers.get('x-rate-limit') ?? '')
  return match ? Number(match[1]) : undefined
}

/** Only an absolute http(s) URL can be App Store Connect: anything else is bad input, not a network failure. */
function baseUrlOf(value: string | URL): URL {
  let url: URL | null
  try {
    url = new URL(String(value))
  } catch {
    url = null
  }
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new AscentError(
      'BAD_INPUT',
      `"${printableExcerpt(String(value))}" is not an http:// or https:// URL; App Store Connect's is ${APPLE_API_URL}`,
    )
  }
  return url
}

export function createAscClient(options: AscClientOptions): AscClient {
  const base = baseUrlOf(options.baseUrl)
  const basePath = base.pathname.replace(/\/+$/, '')
  const fetchImpl: ApiFetch = options.fetch ?? apiFetch
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? sleepWithSignal
  const random = options.random ?? Math.random
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry }
  const timeoutMs = options.timeoutMs ?? 60_000
  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES
  const audit = options.onAudit ?? (() => undefined)
  const userAgent = options.userAgent ?? 'Ascent'

  function urlFor(path: string, query: Query | undefined): URL {
    const url = new URL(base.origin + basePath + (path.startsWith('/') ? path : '/' + path))
    const search = buildQuery(query)
    if (search) url.search = search
    return url
  }

  async function once(call: Call, attempt: number): Promise<Outcome> {
    if (call.signal?.aborted) throw canceledError(`${call.method} ${call.url.pathname}`)
    const token = await options.tokens.token(call.signal)
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'User-Agent': userAgent,
    }
    if (call.body !== undefined) headers['Content-Type'] = 'application/json'
    const started = now()
    const record = (status: number | null, extra: Partial<AuditEntry> = {}): void =>
      audit({ method: call.method, path: call.url.pathname, status, ms: now() - started, attempt, ...extra })
    let response: ApiAnswer
    try {
      response = await fetchImpl(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
        redirect: 'manual',
      })
    } catch (error) {
      if (call.signal?.aborted) throw canceledError(`${call.method} ${call.url.pathname}`)
      const kind = timeout.aborted ? 'timeout' : 'network'
      const failure = kind === 'timeout' ? 'timeout' : networkFailureCode(error)
      audit({
        method: call.method,
        path: call.url.pathname,
        status: null,
        ms: now() - started,
        attempt,
        failure,
      })
      return { kind, failure, error }
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined)
      record(response.status, { failure: 'redirect' })
      return { kind: 'redirect', status: response.status, location: response.headers.get('location') }
    }
    try {
      const text = await readAnswerText(response, maxAnswerBytes, signal)
      const remaining = rateLimitRemaining(response.headers)
      record(response.status, remaining === undefined ? {} : { rateLimitRemaining: remaining })
      return { kind: 'answer', status: response.status, text, headers: response.headers }
    } catch (error) {
      if (call.signal?.aborted) throw canceledError(`${call.method} ${call.url.pathname}`)
      const kind = error instanceof AnswerTooLargeError ? 'too-large' : timeout.aborted ? 'slow' : null
      if (kind === null) {
        // The connection dropped in the middle of the body: like a reset, a retry may help.
        const failure = networkFailureCode(error)
        record(null, { failure })
        return { kind: 'network', failure, error }
      }
      record(response.status, { failure: kind })
      return { kind, status: response.status, error }
    }
  }

  function failureError(
    call: Call,
    outcome: Outcome,
    attempts: number,
    retryAfterMs: number | null,
  ): AscApiError {
    const path = call.url.pathname
    if (outcome.kind === 'too-large' || outcome.kind === 'slow' || outcome.kind === 'redirect') {
      return unusableAnswerError(call, outcome, attempts)
    }
    if (outcome.kind !== 'answer') {
      const message =
        outcome.kind === 'timeout'
          ? `App Store Connect did not answer ${call.method} ${path} within ${duration(timeoutMs)} (${attemptsText(attempts)}). Check the network and any proxy (HTTPS_PROXY), then try again.`
          : networkFailureMessage(call.method, call.url, outcome.failure, attempts)
      return new AscApiError({
        code: 'NETWORK',
        message,
        kind: outcome.kind,
        method: call.method,
        path,
        status: null,
        attempts,
        cause: outcome.error,
      })
    }
    const errors: readonly AppleError[] = parseAppleErrors(outcome.status, outcome.text)
    const { code, message } = httpErrorMessage({
      method: call.method,
      path,
      status: outcome.status,
      errors,
      skewMs: clockSkewMs(outcome.headers.get('date'), now()),
      retryAfterMs,
      unauthorizedHint: options.tokens.unauthorizedHint ?? null,
    })
    return new AscApiError({
      code,
      message,
      kind: 'http',
      method: call.method,
      path,
      status: outcome.status,
      errors,
      attempts,
      retryAfterMs,
    })
  }

  /** An answer that came but cannot be used: each says what happened, and none is sent again. */
  function unusableAnswerError(
    call: Call,
    outcome: Extract<Outcome, { kind: 'too-large' | 'slow' | 'redirect' }>,
    attempts: number,
  ): AscApiError {
    const where = `${call.method} ${call.url.pathname}`
    let message: string
    if (outcome.kind === 'too-large') {
      message = `App Store Connect sent an answer larger than ${mebibytes(maxAnswerBytes)} to ${where} (HTTP ${outcome.status}); Ascent stopped reading it. Check that the API URL (--api-url or ASCENT_API_URL) is App Store Connect's.`
    } else if (outcome.kind === 'slow') {
      message = `App Store Connect did not finish answering ${where} within ${duration(timeoutMs)} (HTTP ${outcome.status} arrived, the rest too slowly). Check the connection and try again.`
    } else {
      const to = outcome.location === null ? 'no address' : `"${printableExcerpt(outcome.location, 120)}"`
      message = `App Store Connect at ${call.url.host} redirected ${where} to ${to} (HTTP ${outcome.status}); Ascent does not follow redirects, so the API token goes nowhere else. Check the API URL (--api-url or ASCENT_API_URL).`
    }
    return new AscApiError({
      code: 'ASC_ERROR',
      message,
      kind: outcome.kind,
      method: call.method,
      path: call.url.pathname,
      status: outcome.status,
      attempts,
      ...(outcome.kind === 'redirect' ? {} : { cause: outcome.error }),
    })
  }

  function parseBody<T>(call: Call, status: number, text: string, schema: z.ZodType<T>): T {
    let json: unknown = undefined
    if (text.trim().length > 0) {
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw shapeError(call, `its answer is not JSON (it starts "${printableExcerpt(text)}")`, error)
      }
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      if (json === undefined)
        throw shapeError(
          call,
          `the answer was empty (HTTP ${status}) where a JSON document was expected`,
          parsed.error,
        )
      const issue = parsed.error.issues[0]
      const where = issue ? ` (${describeIssue(issue, '/')})` : ''
      throw shapeError(call, `its answer has an unexpected shape${where}`, parsed.error)
    }
    return parsed.data
  }

  function shapeError(call: Call, what: string, cause: unknown): AscApiError {
    return new AscApiError({
      code: 'ASC_ERROR',
      message: `App Store Connect answered ${call.method} ${call.url.pathname}, but ${what}.`,
      kind: 'shape',
      method: call.method,
      path: call.url.pathname,
      status: null,
      cause,
    })
  }

  /**
   * The retry loop. 401 → re-sign once; 429 → wait Retry-After (or back off); 5xx/reset/timeout → back off,
   * and for a mutation ask `check` first whether the effect exists. Bounded by attempts and total time.
   */
  async function send<T>(
    call: Call,
    schema: z.ZodType<T>,
    check: ((signal: AbortSignal | undefined) => Promise<AppliedCheck<T>>) | null,
    onAnswerBytes: (bytes: number) => void = () => undefined,
  ): Promise<T> {
    const started = now()
    let resigned = false
    for (let attempt = 1; ; attempt++) {
      const outcome = await once(call, attempt)
      if (outcome.kind === 'answer' && outcome.status < 400) {
        onAnswerBytes(outcome.text.length)
        return parseBody(call, outcome.status, outcome.text, schema)
      }
      if (outcome.kind === 'too-large' || outcome.kind === 'slow' || outcome.kind === 'redirect') {
        // A mutation whose answer came with a success status was applied even if its body is unusable.
        if (check !== null && outcome.status < 300) {
          const found = await check(call.signal)
          if (found.applied) return found.value
        }
        throw failureError(call, outcome, attempt, null)
      }

      if (outcome.kind === 'answer' && outcome.status === 401 && !resigned) {
        // A token can be refused once for reasons a fresh one fixes (expired in flight, Apple's false 401s).
        resigned = true
        options.tokens.invalidate()
        continue
      }
      const status = outcome.kind === 'answer' ? outcome.status : null
      const retryable = status === 429 || status === null || status >= 500
      const retryAfterMs =
        outcome.kind === 'answer' ? parseRetryAfter(outcome.headers.get('retry-after'), now()) : null
      if (!retryable) throw failureError(call, outcome, attempt, retryAfterMs)

      // 429 and 401 mean Apple did not act; anything else may have been applied before the answer was lost.
      const ambiguous = call.method !== 'GET' && status !== 429
      if (ambiguous && check === null) throw failureError(call, outcome, attempt, retryAfterMs)
      const delay = retryAfterMs ?? backoffDelay(attempt, policy, random)
      if (attempt >= policy.maxAttempts || now() - started + delay > policy.maxTotalMs) {
        // Out of retries, but the last try may still have landed: report success if it did.
        if (ambiguous && check !== null) {
          const found = await check(call.signal)
          if (found.applied) return found.value
        }
        throw failureError(call, outcome, attempt, retryAfterMs)
      }
      await sleep(delay, call.signal)
      if (call.signal?.aborted) throw canceledError(`${call.method} ${call.url.pathname}`)
      if (ambiguous && check !== null) {
        const found = await check(call.signal)
        if (found.applied) return found.value
      }
    }
  }

  function request<T>(
    method: HttpMethod,
    path: string,
    opts?: RequestOptions & { readonly schema?: z.ZodType<T> },
  ): Promise<T | unknown> {
    const call: Call = { method, url: urlFor(path, opts?.query), body: opts?.body, signal: opts?.signal }
    return send<T | unknown>(call, opts?.schema ?? z.unknown(), null)
  }

  async function getAll<S extends z.ZodType>(
    path: string,
    opts: {
      readonly query?: Query
      readonly item: S
      readonly signal?: AbortSignal
      readonly maxPages?: number
    },
  ): Promise<Page<z.infer<S>>> {
    const schema = collectionDocument(opts.item)
    const maxPages = opts.maxPages ?? 500
    const data: z.infer<S>[] = []
    const included = new Map<string, IncludedItem>()
    let total: number | null = null
    let url: URL | null = urlFor(path, { limit: PAGE_LIMIT, ...opts.query })
    const seen = new Set<string>()
    // Each page is capped; so is the sum, or 500 pages just under the cap would still fill memory.
    const maxTotalBytes = 4 * maxAnswerBytes
    let totalBytes = 0
    for (let page = 0; url !== null; page++) {
      if (page >= maxPages) {
        throw new AscentError(
          'ASC_ERROR',
          `App Store Connect kept paging ${path} past ${maxPages} pages; stopped.`,
        )
      }
      seen.add(url.href)
      const call: Call = { method: 'GET', url, body: undefined, signal: opts.signal }
      const doc = await send(call, schema, null, (bytes) => (totalBytes += bytes))
      if (totalBytes > maxTotalBytes) {
        throw new AscentError(
          'ASC_ERROR',
          `App Store Connect sent more than ${mebibytes(maxTotalBytes)} over ${page + 1} pages of ${path}; stopped. Check that the API URL (--api-url or ASCENT_API_URL) is App Store Connect's.`,
        )
      }
      // One by one: spreading a huge page into push() overflows the call stack.
      for (const item of doc.data as z.infer<S>[]) data.push(item)
      for (const item of doc.included) included.set(`${item.type}/${item.id}`, item)
      if (page === 0) total = doc.meta?.paging?.total ?? null
      url = doc.links?.next ? nextPage(doc.links.next, url, seen) : null
    }
    return { data, included: [...included.values()], total }
  }

  /** The bearer token must never leave for another host: Apple's `next` links are absolute URLs we do not control. */
  function nextPage(next: string, current: URL, seen: ReadonlySet<string>): URL {
    let url: URL
    try {
      url = new URL(next, current)
    } catch {
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect sent an unreadable next-page link for ${current.pathname}.`,
      )
    }
    if (url.origin !== base.origin) {
      throw new AscentError(
        'ASC_ERROR',
        `Refused to follow the next-page link of ${current.pathname} to ${url.origin}: only ${base.origin} receives the API token.`,
      )
    }
    if (seen.has(url.href)) {
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect sent the same next-page link twice for ${current.pathname}; stopped.`,
      )
    }
    return url
  }

  function mutate<T>(opts: MutateOptions<T>): Promise<T> {
    const call: Call = {
      method: opts.method,
      url: urlFor(opts.path, opts.query),
      body: opts.body,
      signal: opts.signal,
    }
    return send(call, opts.schema, opts.alreadyApplied)
  }

  return { baseUrl: base, request: request as AscClient['request'], getAll, mutate }
}
