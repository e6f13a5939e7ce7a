import type { KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import { AscentError } from '../../shared/errors'

/** Signs App Store Connect API tokens; one token is shared by every request until shortly before it expires. */
export interface TokenSource {
  token(signal?: AbortSignal): Promise<string>
  /** Forget the cached token (after a 401) so the next call signs a fresh one. */
  invalidate(): void
  readonly keyId: string
  /** Said instead of the usual guesses when App Store Connect refuses this key's tokens (401). */
  readonly unauthorizedHint?: string
}

export interface TokenSourceOptions {
  readonly keyId: string
  /** The team's issuer ID; null for an individual key, which signs `sub: user` instead of `iss`. */
  readonly issuerId: string | null
  readonly privateKey: KeyObject
  /** Milliseconds since the epoch. */
  readonly now?: () => number
  /** exp − iat in seconds; Apple refuses more than 1200 (20 minutes). */
  readonly lifetimeSeconds?: number
  /** What a 401 most likely means for this key as it was given (e.g. an issuer id that was never set). */
  readonly unauthorizedHint?: string
}

const AUDIENCE = 'appstoreconnect-v1'
const MAX_LIFETIME_SECONDS = 1200
/** Backdate iat "in case our time is slightly ahead of Apple's servers" (fastlane token.rb does the same). */
const BACKDATE_SECONDS = 60
/** Stop using a token this long before it expires so it cannot expire in flight. */
const REFRESH_MARGIN_SECONDS = 60

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const now = options.now ?? Date.now
  const lifetime = options.lifetimeSeconds ?? MAX_LIFETIME_SECONDS
  if (
    !Number.isInteger(lifetime) ||
    lifetime > MAX_LIFETIME_SECONDS ||
    lifetime <= REFRESH_MARGIN_SECONDS * 2
  ) {
    throw new AscentError(
      'BAD_INPUT',
      `token lifetime ${lifetime} s is not allowed: App Store Connect accepts at most ${MAX_LIFETIME_SECONDS} s, and less than ${REFRESH_MARGIN_SECONDS * 2 + 1} s leaves no time to use it.`,
    )
  }
  if (options.privateKey.type !== 'private') {
    throw new AscentError('BAD_KEY', `the key for ${options.keyId} is not a private key.`)
  }
  let cached: { readonly jwt: Promise<string>; readonly exp: number } | null = null

  async function sign(iat: number, exp: number): Promise<string> {
    const claims = options.issuerId === null ? { sub: 'user' } : {}
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.keyId, typ: 'JWT' })
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
    if (options.issuerId !== null) jwt.setIssuer(options.issuerId)
    return jwt.sign(options.privateKey)
  }

  return {
    keyId: options.keyId,
    ...(options.unauthorizedHint ? { unauthorizedHint: options.unauthorizedHint } : {}),
    token(signal) {
      if (signal?.aborted)
        return Promise.reject(new AscentError('CANCELED', 'canceled before signing a token'))
      const nowSeconds = Math.floor(now() / 1000)
      if (cached === null || nowSeconds >= cached.exp - REFRESH_MARGIN_SECONDS) {
        const iat = nowSeconds - BACKDATE_SECONDS
        const entry = { jwt: sign(iat, iat + lifetime), exp: iat + lifetime }
        cached = entry
        // A failed signature must not be cached: the next call tries again.
        entry.jwt.catch(() => {
          if (cached === entry) cached = null
        })
      }
      return cached.jwt
    },
    invalidate() {
      cached = null
    },
  }
}
