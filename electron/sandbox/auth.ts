import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import * as z from 'zod'
import { forbidden, notAuthorized } from './errors'

type KeyRole = 'ADMIN' | 'APP_MANAGER' | 'DEVELOPER' | 'FINANCE' | 'SALES' | 'MARKETING' | 'CUSTOMER_SUPPORT'

export type TrustedKeyInput = {
  readonly keyId: string
  /** null for an individual key (token carries `sub: "user"` and no `iss`). */
  readonly issuerId: string | null
  readonly publicKeyPem?: string
  readonly publicKey?: KeyObject
  readonly roles?: readonly KeyRole[]
  readonly revoked?: boolean
}

export type TrustedKey = {
  readonly keyId: string
  readonly issuerId: string | null
  readonly publicKey: KeyObject
  readonly roles: readonly KeyRole[]
  readonly revoked: boolean
}

/** Apple: "Tokens that expire more than 20 minutes into the future are not valid." */
const MAX_LIFETIME_S = 20 * 60
/** Small tolerance for clocks that disagree by a few seconds; larger skews are refused like Apple does. */
const LEEWAY_S = 10

const Header = z.object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() })
const Payload = z.object({
  iss: z.string().optional(),
  sub: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  iat: z.number().optional(),
  exp: z.number().optional(),
  scope: z.array(z.string()).optional(),
})

export function toTrustedKey(input: TrustedKeyInput): TrustedKey {
  const publicKey = input.publicKey ?? (input.publicKeyPem ? createPublicKey(input.publicKeyPem) : undefined)
  if (!publicKey) throw new Error(`trustKey ${input.keyId}: give publicKeyPem or publicKey`)
  // A private KeyObject works too: derive its public half.
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey
  return {
    keyId: input.keyId,
    issuerId: input.issuerId,
    publicKey: key,
    roles: input.roles ?? ['ADMIN'],
    revoked: input.revoked ?? false,
  }
}

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
}

/** Verifies a bearer token the way App Store Connect does; returns the key it was signed with or throws 401. */
export function verifyToken(
  authorization: string | undefined,
  keys: ReadonlyMap<string, TrustedKey>,
  nowMs: number,
): TrustedKey {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '')
  if (!match) throw notAuthorized()
  const [, headerPart = '', payloadPart = '', signaturePart = ''] = match
  let header: z.infer<typeof Header>
  let payload: z.infer<typeof Payload>
  try {
    header = Header.parse(decodePart(headerPart))
    payload = Payload.parse(decodePart(payloadPart))
  } catch {
    throw notAuthorized()
  }
  if (header.alg !== 'ES256' || !header.kid) throw notAuthorized()
  const key = keys.get(header.kid)
  if (!key || key.revoked) throw notAuthorized()
  // JOSE ES256 signatures are raw r||s (64 bytes); a DER signature is refused, as Apple refuses it.
  const signature = Buffer.from(signaturePart, 'base64url')
  if (signature.length !== 64) throw notAuthorized()
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  )
  if (!signed) throw notAuthorized()
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!audiences.includes('appstoreconnect-v1')) throw notAuthorized()
  if (key.issuerId === null) {
    if (payload.sub !== 'user' || payload.iss !== undefined) throw notAuthorized()
  } else if (payload.iss !== key.issuerId) {
    throw notAuthorized()
  }
  const now = nowMs / 1000
  if (payload.exp === undefined || payload.exp <= now) throw notAuthorized()
  if (payload.exp - now > MAX_LIFETIME_S + LEEWAY_S) throw notAuthorized()
  if (payload.iat !== undefined) {
    if (payload.exp - payload.iat > MAX_LIFETIME_S) throw notAuthorized()
    if (payload.iat > now + LEEWAY_S) throw notAuthorized()
  }
  return key
}

/** Writes need the App Manager role (or Admin); Developer keys may only upload builds. */
export function requireWriteRole(key: TrustedKey, route: string): void {
  if (key.roles.includes('ADMIN') || key.roles.includes('APP_MANAGER')) return
  if (key.roles.includes('DEVELOPER') && /buildUpload/.test(route)) return
  throw forbidden()
}
