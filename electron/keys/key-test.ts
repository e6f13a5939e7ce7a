import { printableExcerpt } from '../../shared/bounded-text'
import { AscentError } from '../../shared/errors'
import { describeNetworkFailure, networkFailureCode } from '../asc/network-failure'
import { readAnswerText } from '../asc/read-answer'
import type { TokenSource } from '../asc/token'

/** The key test reads at most this much of an answer: Apple's error bodies are a few hundred bytes. */
const MAX_PROBE_ANSWER_BYTES = 1024 * 1024

export const DEFAULT_API_URL = 'https://api.appstoreconnect.apple.com'

/** Local clocks this far from App Store Connect's make tokens look issued in the future or already expired. */
const SKEW_LIMIT_MS = 60_000

export interface KeyProbe {
  readonly keyId: string
  readonly issuerId: string | null
  readonly apiUrl: string
  readonly tokens: TokenSource
  readonly fetch: typeof fetch
  readonly now: () => number
  readonly timeoutMs?: number
}

/**
 * Signs a token and reads one app: the cheapest call every role may make. Plain fetch rather than the
 * client on purpose: the diagnosis needs the raw status, Apple's error body and the Date header, with no
 * retry that would hide the first answer. Resolves when the key works; otherwise throws an AscentError
 * whose message is what the user should do.
 */
export async function probeKey(probe: KeyProbe): Promise<void> {
  const url = new URL('/v1/apps?limit=1', probe.apiUrl).toString()
  const jwt = await probe.tokens.token()
  const sentAt = probe.now()
  let response: Response
  // One deadline for the status and the body alike.
  const signal = AbortSignal.timeout(probe.timeoutMs ?? 30_000)
  try {
    response = await probe.fetch(url, {
      headers: { Authorization: `Bearer ${jwt}`, Accept: 'application/json' },
      signal,
      // The token must not follow a redirect to wherever it points.
      redirect: 'manual',
    })
  } catch (error) {
    throw new AscentError('NETWORK', `App Store Connect at ${probe.apiUrl} ${networkReason(error)}`, {
      cause: error,
    })
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined)
    const location = response.headers.get('location')
    throw new AscentError(
      'ASC_ERROR',
      `${probe.apiUrl} redirected the key test to ${location === null ? 'no address' : `"${printableExcerpt(location, 120)}"`} (HTTP ${response.status}); Ascent does not follow redirects; check the API URL`,
    )
  }
  // An answer too big or too slow has no Apple error to read; its status still says enough.
  const body = await readAnswerText(response, MAX_PROBE_ANSWER_BYTES, signal).catch(() => '')
  if (response.ok) return
  const apple = firstAppleError(body)
  const appleText = apple ? ` (${apple.code}: ${apple.title})` : ''
  if (response.status === 401) {
    probe.tokens.invalidate()
    const skewMs = clockSkewMs(response.headers.get('date'), sentAt)
    if (skewMs !== null && Math.abs(skewMs) >= SKEW_LIMIT_MS) {
      const minutes = Math.round(Math.abs(skewMs) / 60_000)
      const direction = skewMs > 0 ? 'behind' : 'ahead of'
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect refused the token for key ${probe.keyId}${appleText}: this computer's clock is about ` +
          `${minutes === 0 ? 'a minute' : `${minutes} min`} ${direction} App Store Connect's; turn on automatic time and test again`,
      )
    }
    const issuer =
      probe.issuerId === null
        ? 'it is not an individual key (team keys need their issuer ID)'
        : `the issuer ID ${probe.issuerId} is not the one shown above the key in Users and Access → Integrations`
    throw new AscentError(
      'ASC_ERROR',
      `App Store Connect refused key ${probe.keyId}${appleText}: the key was revoked, or ${issuer}; ` +
        'check the key in App Store Connect and add it again',
    )
  }
  if (response.status === 403) {
    throw new AscentError(
      'FORBIDDEN',
      `key ${probe.keyId} is valid but its role may not do this${appleText}: publishing needs the App Manager or Admin role; ` +
        'change the key’s access in Users and Access → Integrations, or use another key',
    )
  }
  throw new AscentError(
    'ASC_ERROR',
    `App Store Connect answered ${response.status}${appleText}${apple?.detail ? `: ${apple.detail}` : ''}; try again later`,
  )
}

/** Positive when App Store Connect's clock is ahead of ours. */
function clockSkewMs(dateHeader: string | null, localMs: number): number | null {
  if (!dateHeader) return null
  const serverMs = Date.parse(dateHeader)
  return Number.isNaN(serverMs) ? null : serverMs - localMs
}

interface AppleError {
  readonly code: string
  readonly title: string
  readonly detail: string | null
}

function firstAppleError(body: string): AppleError | null {
  try {
    const json = JSON.parse(body) as {
      errors?: ReadonlyArray<{ code?: unknown; title?: unknown; detail?: unknown }>
    }
    const first = json.errors?.[0]
    if (!first || typeof first.code !== 'string') return null
    return {
      code: first.code,
      title: typeof first.title === 'string' ? first.title : '',
      detail: typeof first.detail === 'string' ? first.detail : null,
    }
  } catch {
    return null
  }
}

/** What happened, in words, and the fix: the raw code (ECONNREFUSED, UND_ERR_SOCKET, …) means nothing to a person. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return 'did not answer in time. Check the network and any proxy (HTTPS_PROXY), then test again.'
  const { what, fix } = describeNetworkFailure(networkFailureCode(error))
  return `${what}. ${fix.replace(/try again\.$/, 'test again.')}`
}
