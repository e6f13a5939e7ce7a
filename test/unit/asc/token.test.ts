import { generateKeyPairSync } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTokenSource } from '../../../electron/asc/token'
import { AscentError } from '../../../shared/errors'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ISSUER = '57246542-96fe-1a63-e053-0824d011072a'
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)

describe('createTokenSource', () => {
  it('signs a team-key token with the header and claims Apple requires', async () => {
    const source = createTokenSource({ keyId: '2X9R4HXF34', issuerId: ISSUER, privateKey, now: () => T0 })
    const jwt = await source.token()
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: '2X9R4HXF34', typ: 'JWT' })
    const claims = decodeJwt(jwt)
    expect(claims).toEqual({
      iss: ISSUER,
      aud: 'appstoreconnect-v1',
      iat: T0 / 1000 - 60,
      exp: T0 / 1000 - 60 + 1200,
    })
    expect(claims.sub).toBeUndefined()
    // The signature verifies with the public key (raw r||s, as JOSE requires, not DER).
    const verified = await jwtVerify(jwt, publicKey, {
      audience: 'appstoreconnect-v1',
      currentDate: new Date(T0),
    })
    expect(verified.payload.iss).toBe(ISSUER)
    expect(source.keyId).toBe('2X9R4HXF34')
  })

  it('signs an individual-key token with sub: user and no iss', async () => {
    const source = createTokenSource({
      keyId: 'INDIVIDUAL',
      issuerId: null,
      privateKey,
      now: () => T0,
      lifetimeSeconds: 600,
    })
    const claims = decodeJwt(await source.token())
    expect(claims).toEqual({
      sub: 'user',
      aud: 'appstoreconnect-v1',
      iat: T0 / 1000 - 60,
      exp: T0 / 1000 + 540,
    })
  })

  it('reuses one token until 60 s before it expires, then signs a new one', async () => {
    let now = T0
    const source = createTokenSource({ keyId: 'K', issuerId: ISSUER, privateKey, now: () => now })
    const first = await source.token()
    const exp = decodeJwt(first).exp ?? 0
    now = (exp - 61) * 1000
    expect(await source.token()).toBe(first)
    now = (exp - 60) * 1000
    const second = await source.token()
    expect(second).not.toBe(first)
    expect(decodeJwt(second).iat).toBe(exp - 120)
  })

  it('signs once for concurrent callers and again after invalidate()', async () => {
    const source = createTokenSource({ keyId: 'K', issuerId: ISSUER, privateKey, now: () => T0 })
    const [a, b] = await Promise.all([source.token(), source.token()])
    expect(a).toBe(b)
    source.invalidate()
    const c = await source.token()
    // Same claims but ECDSA signatures are randomized, so the token differs.
    expect(c).not.toBe(a)
    expect(decodeJwt(c)).toEqual(decodeJwt(a))
  })

  it('refuses a lifetime over 20 minutes', () => {
    expect(() =>
      createTokenSource({ keyId: 'K', issuerId: ISSUER, privateKey, lifetimeSeconds: 1201 }),
    ).toThrow(/at most 1200 s/)
  })

  it('refuses a public key and an aborted signal', async () => {
    expect(() => createTokenSource({ keyId: 'K', issuerId: ISSUER, privateKey: publicKey })).toThrow(
      AscentError,
    )
    const source = createTokenSource({ keyId: 'K', issuerId: ISSUER, privateKey })
    await expect(source.token(AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELED' })
  })
})
