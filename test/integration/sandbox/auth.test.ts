import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { expectMatchesSchema } from '../../support/openapi'
import { signToken, startTestSandbox, type TestSandbox } from '../../support/sandbox'

let sb: TestSandbox
const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const otherPem = otherKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
const now = (): number => Math.floor(Date.now() / 1000)

beforeAll(async () => {
  sb = await startTestSandbox()
})
afterAll(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

async function status(
  token: string,
  method = 'GET',
  path = '/v1/apps',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return sb.call(method, path, body, token)
}

describe('token verification', () => {
  test('a good team-key token is accepted and every answer carries a Date header', async () => {
    const res = await sb.call('GET', '/v1/apps')
    expect(res.status).toBe(200)
    expect(Math.abs(Date.parse(res.headers.get('date') ?? '') - Date.now())).toBeLessThan(5000)
    expect(res.headers.get('x-rate-limit')).toMatch(/^user-hour-lim:3600;user-hour-rem:\d+;$/)
  })

  test.each([
    ['signed with another key', () => sb.token({}, {}, otherPem)],
    ['expired', () => sb.token({ iat: now() - 1300, exp: now() - 10 })],
    ['lifetime over 20 minutes', () => sb.token({ iat: now() - 60, exp: now() + 1200 })],
    ['exp more than 20 minutes ahead without iat', () => sb.token({ iat: undefined, exp: now() + 1500 })],
    ['no exp', () => sb.token({ exp: undefined })],
    ['wrong aud', () => sb.token({ aud: 'apple-developer-enterprise-v1' })],
    ['unknown kid', () => sb.token({}, { kid: 'NOPE123456' })],
    ['unknown issuer', () => sb.token({ iss: '00000000-0000-0000-0000-000000000000' })],
    ['iat in the future (clock ahead)', () => sb.token({ iat: now() + 420, exp: now() + 900 })],
    ['alg HS256', () => sb.token({}, { alg: 'HS256' })],
    ['not a JWT', () => 'not-a-token'],
  ])('refuses a token %s with 401 NOT_AUTHORIZED', async (_name, make) => {
    const res = await status(make())
    expect(res.status).toBe(401)
    expectMatchesSchema('ErrorResponse', res.body)
    expect(res.body).toMatchObject({
      errors: [
        {
          status: '401',
          code: 'NOT_AUTHORIZED',
          title: 'Authentication credentials are missing or invalid.',
        },
      ],
    })
  })

  test('a DER-encoded signature is refused (ES256 is raw r||s)', async () => {
    const good = sb.token()
    const [h, p] = good.split('.')
    const { sign } = await import('node:crypto')
    const der = sign('sha256', Buffer.from(`${h}.${p}`), sb.privateKeyPem).toString('base64url')
    expect((await status(`${h}.${p}.${der}`)).status).toBe(401)
  })

  test('without Authorization header: 401', async () => {
    const res = await fetch(`${sb.url}/v1/apps`)
    expect(res.status).toBe(401)
  })

  test('a revoked key is refused', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    sb.trustKey({ keyId: 'REVOKED001', issuerId: sb.issuerId, publicKey: k.publicKey, revoked: true })
    const pem = k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    expect((await status(sb.token({}, { kid: 'REVOKED001' }, pem))).status).toBe(401)
  })

  test('individual keys: sub "user" and no iss', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    sb.trustKey({
      keyId: 'INDIVID001',
      issuerId: null,
      publicKeyPem: k.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    })
    const pem = k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    const iat = now() - 60
    const header = { alg: 'ES256', kid: 'INDIVID001', typ: 'JWT' }
    expect(
      (await status(signToken(pem, header, { sub: 'user', iat, exp: iat + 600, aud: 'appstoreconnect-v1' })))
        .status,
    ).toBe(200)
    expect(
      (await status(signToken(pem, header, { iat, exp: iat + 600, aud: 'appstoreconnect-v1' }))).status,
    ).toBe(401)
    expect(
      (
        await status(
          signToken(pem, header, {
            sub: 'user',
            iss: sb.issuerId,
            iat,
            exp: iat + 600,
            aud: 'appstoreconnect-v1',
          }),
        )
      ).status,
    ).toBe(401)
  })

  test('a Developer key reads but cannot write (403 FORBIDDEN_ERROR)', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    sb.trustKey({ keyId: 'DEVELOP001', issuerId: sb.issuerId, publicKey: k.publicKey, roles: ['DEVELOPER'] })
    const token = sb.token(
      {},
      { kid: 'DEVELOP001' },
      k.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    )
    const apps = await status(token)
    expect(apps.status).toBe(200)
    const appId = (apps.body as { data: { id: string }[] }).data[0]?.id ?? ''
    const res = await status(token, 'POST', '/v1/reviewSubmissions', {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: 'IOS' },
        relationships: { app: { data: { type: 'apps', id: appId } } },
      },
    })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ errors: [{ code: 'FORBIDDEN_ERROR' }] })
  })

  test('an injected clock decides expiry', async () => {
    let clock = Date.now()
    const timed = await startTestSandbox({ now: () => clock })
    try {
      const token = timed.token()
      expect((await timed.call('GET', '/v1/apps', undefined, token)).status).toBe(200)
      clock += 15 * 60_000
      expect((await timed.call('GET', '/v1/apps', undefined, token)).status).toBe(401)
    } finally {
      await timed.close()
    }
  })
})
