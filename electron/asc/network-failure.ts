/**
 * A request that got no answer fails with a code from Node or undici (`ECONNRESET`, `UND_ERR_SOCKET`,
 * `EAI_AGAIN`, …). Those codes stay in the call log; a person is told in words what happened and what to do.
 */

/** The code of a failure with no answer; fetch hides it in the cause chain ("fetch failed" → cause.code). */
export function networkFailureCode(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code
    if (typeof code === 'string') return code
    current = current.cause
  }
  return error instanceof Error ? error.message : String(error)
}

export interface NetworkFailureWords {
  /** What the server (or the way to it) did, to follow its name: "closed the connection before answering". */
  readonly what: string
  /** The fix, a sentence. */
  readonly fix: string
}

const TRY_AGAIN = 'Check the network and any proxy (HTTPS_PROXY), then try again.'

const CLOSED: NetworkFailureWords = { what: 'closed the connection before answering', fix: TRY_AGAIN }
const REFUSED: NetworkFailureWords = {
  what: 'refused the connection (nothing answers at that address, or the proxy is down)',
  fix: 'Check the API URL, the network and any proxy (HTTPS_PROXY), then try again.',
}
const CONNECT_TIMEOUT: NetworkFailureWords = {
  what: 'could not be connected to in time',
  fix: TRY_AGAIN,
}
const STOPPED: NetworkFailureWords = { what: 'stopped answering partway', fix: TRY_AGAIN }
const NOT_FOUND: NetworkFailureWords = {
  what: 'could not be found: its host name does not resolve (DNS)',
  fix: 'Check the API URL and the network’s DNS, then try again.',
}
const DNS_DOWN: NetworkFailureWords = {
  what: 'could not be looked up: the DNS server did not answer',
  fix: 'Check the network connection and its DNS, then try again.',
}
const UNREACHABLE: NetworkFailureWords = {
  what: 'cannot be reached from this network',
  fix: 'Check the network connection and any proxy (HTTPS_PROXY), then try again.',
}
const UNTRUSTED: NetworkFailureWords = {
  what: 'presented a certificate this computer does not trust',
  fix: 'If a proxy inspects HTTPS, set NODE_EXTRA_CA_CERTS to its CA certificate file; then try again.',
}
const TLS_FAILED: NetworkFailureWords = {
  what: 'could not agree on a secure (TLS) connection',
  fix: 'Check that the API URL is https:// App Store Connect and any proxy (HTTPS_PROXY) allows it, then try again.',
}
const UNKNOWN: NetworkFailureWords = {
  what: 'could not be reached: the connection failed before an answer came',
  fix: TRY_AGAIN,
}

const BY_CODE: Readonly<Record<string, NetworkFailureWords>> = {
  ECONNRESET: CLOSED,
  EPIPE: CLOSED,
  ECONNABORTED: CLOSED,
  UND_ERR_SOCKET: CLOSED,
  UND_ERR_CLOSED: CLOSED,
  ERR_STREAM_PREMATURE_CLOSE: CLOSED,
  ECONNREFUSED: REFUSED,
  ETIMEDOUT: CONNECT_TIMEOUT,
  ESOCKETTIMEDOUT: CONNECT_TIMEOUT,
  UND_ERR_CONNECT_TIMEOUT: CONNECT_TIMEOUT,
  UND_ERR_HEADERS_TIMEOUT: STOPPED,
  UND_ERR_BODY_TIMEOUT: STOPPED,
  ENOTFOUND: NOT_FOUND,
  EAI_NONAME: NOT_FOUND,
  EAI_NODATA: NOT_FOUND,
  EAI_AGAIN: DNS_DOWN,
  EAI_FAIL: DNS_DOWN,
  EHOSTUNREACH: UNREACHABLE,
  EHOSTDOWN: UNREACHABLE,
  ENETUNREACH: UNREACHABLE,
  ENETDOWN: UNREACHABLE,
  EADDRNOTAVAIL: UNREACHABLE,
  EPROTO: TLS_FAILED,
}

/** What a failure code means, in words; a code Ascent does not know still gets a sentence, never the bare code. */
export function describeNetworkFailure(code: string): NetworkFailureWords {
  const known = BY_CODE[code]
  if (known) return known
  if (/CERT|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED/i.test(code)) return UNTRUSTED
  if (/^ERR_SSL|^ERR_TLS/.test(code)) return TLS_FAILED
  // Errors without a code carry their message instead: Node's http says these for a dropped connection.
  if (/socket hang up|other side closed|aborted/i.test(code)) return CLOSED
  return UNKNOWN
}
