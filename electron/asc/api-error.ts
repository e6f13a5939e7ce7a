import * as z from 'zod'
import { AscentError, type ErrorCode } from '../../shared/errors'

/** One entry of Apple's `errors[]` (ErrorResponse in Apple's OpenAPI spec); `status` is a string there. */
const AppleErrorSchema = z.object({
  id: z.string().optional(),
  status: z.string().optional(),
  code: z.string().default('UNKNOWN'),
  title: z.string().default(''),
  detail: z.string().default(''),
  source: z
    .union([z.object({ pointer: z.string() }), z.object({ parameter: z.string() })])
    .optional()
    .catch(undefined),
  meta: z.record(z.string(), z.unknown()).optional().catch(undefined),
})
export type AppleError = z.infer<typeof AppleErrorSchema>

/** `meta.associatedErrors`: the resource path, then the errors of that resource (Apple's blocked-review answer). */
const AssociatedErrorsSchema = z.record(z.string(), z.array(z.unknown()))

/** One of the errors Apple lists under an error's `meta.associatedErrors`, with the resource it is about. */
interface AssociatedError {
  /** e.g. `/v1/appStoreVersionLocalizations/ID`, or `/v1/appScreenshots/` */
  readonly resource: string
  readonly error: AppleError
}

/** Every associated error of every entry, in Apple's order (entries it cannot read are left out). */
function associatedErrorsOf(errors: readonly AppleError[]): AssociatedError[] {
  const out: AssociatedError[] = []
  for (const e of errors) {
    const parsed = AssociatedErrorsSchema.safeParse(e.meta?.associatedErrors)
    if (!parsed.success) continue
    for (const [resource, list] of Object.entries(parsed.data)) {
      for (const item of list) {
        const error = AppleErrorSchema.safeParse(item)
        if (error.success) out.push({ resource, error: error.data })
      }
    }
  }
  return out
}

/** The attribute, relationship or parameter an error points at (`/data/attributes/description` → description). */
function pointedField(error: AppleError): string | null {
  if (!error.source) return null
  const at = 'pointer' in error.source ? error.source.pointer : error.source.parameter
  return at.split('/').filter(Boolean).pop() ?? null
}

const MAX_ITEM_CHARS = 160

/** One associated error, short: "description (en-US) is required", "contactEmail (appStoreReviewDetails) is required". */
function associatedLine({ resource, error }: AssociatedError): string {
  const field = pointedField(error)
  const locale = typeof error.meta?.locale === 'string' ? error.meta.locale : null
  const type = /^\/v\d+\/(\w+)/.exec(resource)?.[1] ?? null
  const where = locale ?? (field ? type : null)
  const label = `${field ?? (error.title.replace(/\.$/, '') || error.code)}${where ? ` (${where})` : ''}`
  if (field && /\.REQUIRED$/.test(error.code)) return `${label} is required`
  const text = error.detail || error.title
  const line = text && text !== label ? `${label}: ${text}` : label
  return line.length > MAX_ITEM_CHARS ? `${line.slice(0, MAX_ITEM_CHARS - 1)}…` : line
}

/** How many associated errors a message lists before "and N more". */
const SHOWN_ASSOCIATED = 10

/** The associated errors in one sentence ('' when there are none): at most ten, then how many more. */
function associatedSummary(errors: readonly AppleError[]): string {
  const all = associatedErrorsOf(errors)
  if (all.length === 0) return ''
  const shown = all.slice(0, SHOWN_ASSOCIATED).map(associatedLine)
  const more = all.length - shown.length
  return `${all.length === 1 ? '1 associated error' : `${all.length} associated errors`}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`
}

const ErrorBodySchema = z.object({ errors: z.array(AppleErrorSchema) })

/** Reads Apple's error body; anything else (an HTML proxy page, empty body) becomes one synthetic entry. */
export function parseAppleErrors(status: number, text: string): readonly AppleError[] {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text))
    if (parsed.success && parsed.data.errors.length > 0) return parsed.data.errors
  } catch {
    // not JSON: fall through
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200)
  return [{ status: String(status), code: 'UNKNOWN', title: `HTTP ${status}`, detail: snippet }]
}

export type AscFailureKind = 'http' | 'network' | 'timeout' | 'shape' | 'too-large' | 'slow' | 'redirect'

export interface AscApiErrorInit {
  readonly code: ErrorCode
  readonly message: string
  readonly kind: AscFailureKind
  readonly method: string
  readonly path: string
  readonly status: number | null
  readonly errors?: readonly AppleError[]
  readonly attempts?: number
  readonly retryAfterMs?: number | null
  readonly cause?: unknown
}

/**
 * The one error of the App Store Connect client: the request that failed, Apple's status and every
 * `errors[]` entry (Apple sometimes puts the meaningful one second), and a message a person can act on.
 */
export class AscApiError extends AscentError {
  readonly kind: AscFailureKind
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  /** HTTP status; null when no answer arrived (network failure, timeout). */
  readonly status: number | null
  readonly errors: readonly AppleError[]
  readonly attempts: number
  /** What Apple's `Retry-After` asked for on a final 429, if any. */
  readonly retryAfterMs: number | null

  constructor(init: AscApiErrorInit) {
    const errors = init.errors ?? []
    const lines = [
      ...errors.map((e) => `${e.code}: ${e.title}${e.detail ? ' — ' + e.detail : ''}`),
      // Every associated error, one a line: the message lists the first ten.
      ...associatedErrorsOf(errors).map((a) => `  ${a.error.code} ${a.resource}: ${associatedLine(a)}`),
    ]
    super(init.code, init.message, { detail: lines.join('\n') || undefined, cause: init.cause })
    this.name = 'AscApiError'
    this.kind = init.kind
    this.method = init.method
    this.path = init.path
    this.status = init.status
    this.errors = errors
    this.attempts = init.attempts ?? 1
    this.retryAfterMs = init.retryAfterMs ?? null
  }

  /** Apple: "Examine the error code using prefix matching rather than exact string comparison." */
  hasCode(prefix: string): boolean {
    return this.errors.some((e) => e.code === prefix || e.code.startsWith(prefix + '.'))
  }

  /** What Apple lists under `meta.associatedErrors` (what blocks a review submission), in its order. */
  associatedErrors(): AssociatedError[] {
    return associatedErrorsOf(this.errors)
  }

  /** The first entry whose code matches `prefix`, e.g. to read its `source.pointer` or `detail`. */
  findError(prefix: string): AppleError | undefined {
    return this.errors.find((e) => e.code === prefix || e.code.startsWith(prefix + '.'))
  }
}

export function isAscApiError(error: unknown, status?: number): error is AscApiError {
  return error instanceof AscApiError && (status === undefined || error.status === status)
}

/** How far this computer's clock is from App Store Connect's, from the response `Date` header. */
export function clockSkewMs(dateHeader: string | null, nowMs: number): number | null {
  if (!dateHeader) return null
  const server = Date.parse(dateHeader)
  return Number.isNaN(server) ? null : nowMs - server
}

/** Apple's own clients tolerate about a minute (tokens are backdated 60 s); beyond that a token is refused. */
const SKEW_TOLERANCE_MS = 60_000

function describeSkew(skewMs: number): string {
  const minutes = Math.round(Math.abs(skewMs) / 60_000)
  const amount =
    minutes >= 1
      ? `${minutes} minute${minutes === 1 ? '' : 's'}`
      : `${Math.round(Math.abs(skewMs) / 1000)} seconds`
  return `the clock of this computer is off by ${amount} (${skewMs > 0 ? 'ahead of' : 'behind'} App Store Connect), so its tokens look ${skewMs > 0 ? 'not yet valid' : 'expired'}. Set the date and time automatically and try again.`
}

/** Apple's words for the errors: each entry's detail (else title or code), then the associated errors. */
function appleText(errors: readonly AppleError[]): string {
  const text = errors
    .map((e) => e.detail || e.title || e.code)
    .filter((t) => t.length > 0)
    .join(' ')
  const associated = associatedSummary(errors)
  return associated ? `${text}${/[.!?]$/.test(text) ? '' : '.'} ${associated}` : text
}

/** The message for an HTTP error answer: a 409 shows Apple's detail verbatim, since it names what to fix in App Store Connect. */
export function httpErrorMessage(input: {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly errors: readonly AppleError[]
  readonly skewMs: number | null
  readonly retryAfterMs: number | null
  /** What the token source knows a 401 most likely means (an individual key used for lack of an issuer id). */
  readonly unauthorizedHint?: string | null
}): { code: ErrorCode; message: string } {
  const { method, path, status, errors } = input
  const where = `${method} ${path}`
  const first = errors[0]
  const codes = errors.map((e) => e.code)
  if (status === 401) {
    if (input.skewMs !== null && Math.abs(input.skewMs) > SKEW_TOLERANCE_MS) {
      return {
        code: 'ASC_ERROR',
        message: `App Store Connect refused the API key: ${describeSkew(input.skewMs)}`,
      }
    }
    if (input.unauthorizedHint) {
      return {
        code: 'ASC_ERROR',
        message: `App Store Connect refused the API key (401 NOT_AUTHORIZED): ${input.unauthorizedHint}`,
      }
    }
    return {
      code: 'ASC_ERROR',
      message:
        'App Store Connect refused the API key (401 NOT_AUTHORIZED): the key may be revoked, or the issuer ID or key ID does not match it. ' +
        'Check both in App Store Connect → Users and Access → Integrations, or add the key again.',
    }
  }
  if (status === 403) {
    if (codes.some((c) => c.startsWith('FORBIDDEN.REQUIRED_AGREEMENTS'))) {
      return {
        code: 'FORBIDDEN',
        message: `App Store Connect refused ${where}: an agreement must be accepted first. The Account Holder can accept it in App Store Connect → Business. (${appleText(errors)})`,
      }
    }
    return {
      code: 'FORBIDDEN',
      message: `App Store Connect refused ${where}: the key has no App Manager role. Give it the App Manager (or Admin) role in Users and Access → Integrations. (${appleText(errors)})`,
    }
  }
  if (status === 409) {
    // Apple's detail verbatim: it is the only text that says which rule was broken.
    return { code: 'ASC_ERROR', message: `App Store Connect refused ${where}: ${appleText(errors)}` }
  }
  if (status === 429) {
    const wait =
      input.retryAfterMs !== null ? ` Apple asks to wait ${Math.ceil(input.retryAfterMs / 1000)} s.` : ''
    return {
      code: 'ASC_ERROR',
      message: `App Store Connect's hourly request limit for this key was reached (RATE_LIMIT_EXCEEDED on ${where}).${wait} Try again later.`,
    }
  }
  if (status >= 500) {
    return {
      code: 'ASC_ERROR',
      message: `App Store Connect is having trouble: ${where} answered ${status}. Try again in a few minutes. (${appleText(errors)})`,
    }
  }
  const head = first ? `${first.code}: ${first.title}` : `HTTP ${status}`
  const rest = first?.detail ? ` — ${first.detail}` : ''
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: ${codes.slice(1).join(', ')})` : ''
  const associated = associatedSummary(errors)
  return {
    code: 'ASC_ERROR',
    message: `App Store Connect refused ${where} (${status}) ${head}${rest}${more}${associated ? `. ${associated}` : ''}`,
  }
}
