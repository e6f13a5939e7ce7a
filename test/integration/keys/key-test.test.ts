import { promises as fs } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createKeyService, type KeyService } from '../../../electron/keys/key-service'
import { createKeytarStore } from '../../../electron/keys/keytar-store'
import { startAppleStub, type StubKey } from './apple-stub'
import { makeAscKey } from './key-fixtures'
import { allFiles, requireKeychain, tempDir } from './keys-support'

const ISSUER = '69a6de7e-1111-47e3-e053-5b8c7c11a4d1'
const cleanups: (() => Promise<unknown>)[] = []

beforeAll(requireKeychain)
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function serviceWith(options: {
  apiUrl: string
  now?: () => number
}): Promise<{ service: KeyService; configDir: string }> {
  const configDir = path.join(await tempDir('test'), 'config')
  return { service: createKeyService({ store: createKeytarStore(), configDir, ...options }), configDir }
}

async function stored(
  service: KeyService,
  role: StubKey['role'],
  extra: Partial<StubKey> = {},
): Promise<StubKey> {
  const key = makeAscKey()
  await service.add({ source: 'pem', pem: key.pem, name: key.keyId, keyId: key.keyId, issuerId: ISSUER })
  cleanups.push(() => service.remove(key.keyId))
  return { keyId: key.keyId, issuerId: ISSUER, pem: key.pem, role, ...extra }
}

/** Nothing a key test leaves behind may carry the key or a token. */
async function expectNoSecrets(
  texts: readonly string[],
  configDir: string,
  keys: readonly StubKey[],
): Promise<void> {
  const files = (await allFiles(configDir)).map((f) => f.bytes.toString('utf8'))
  for (const text of [...texts, ...files]) {
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}/)
    expect(text).not.toMatch(/BEGIN PRIVATE KEY/)
    for (const key of keys) {
      const line = key.pem.split('\n')[1] ?? 'missing'
      expect(text).not.toContain(line)
    }
  }
}

describe('keys test against a real HTTP server', () => {
  it('records success, and diagnoses a revoked key, a wrong issuer and a role that is too low', async () => {
    const fixedNow = Date.now()
    const { service: probe } = await serviceWith({ apiUrl: 'http://127.0.0.1:1' })
    const ok = await stored(probe, 'ADMIN')
    const revoked = await stored(probe, 'ADMIN', { revoked: true })
    const wrongIssuer = await stored(probe, 'ADMIN', { issuerId: '00000000-2222-47e3-e053-5b8c7c11a4d1' })
    const finance = await stored(probe, 'FINANCE')
    const stub = await startAppleStub([ok, revoked, wrongIssuer, finance])
    cleanups.push(() => stub.close())
    // Keys live in the keychain, not in one service: a second service (another config dir) sees the same secrets.
    const { service, configDir } = await serviceWith({ apiUrl: stub.url, now: () => fixedNow })
    for (const key of [ok, revoked, wrongIssuer, finance])
      await service.add({ source: 'pem', pem: key.pem, name: key.keyId, keyId: key.keyId, issuerId: ISSUER })

    const good = await service.check(ok.keyId)
    expect(good.error).toBeNull()
    expect(good.metadata).toMatchObject({ lastVerifiedAt: new Date(fixedNow).toISOString(), lastError: null })
    expect(stub.requests).toContain('GET /v1/apps?limit=1')

    const gone = await service.check(revoked.keyId)
    expect(gone.error?.code).toBe('ASC_ERROR')
    expect(gone.metadata.lastError).toMatch(/revoked/)
    expect(gone.metadata.lastError).toMatch(/NOT_AUTHORIZED/)
    expect(gone.metadata.lastVerifiedAt).toBeNull()

    const issuer = await service.check(wrongIssuer.keyId)
    expect(issuer.metadata.lastError).toContain(`issuer ID ${ISSUER}`)

    const role = await service.test(finance.keyId)
    expect(role.lastError).toMatch(/App Manager or Admin/)
    expect((await service.check(finance.keyId)).error?.code).toBe('FORBIDDEN')

    // A later success clears the error.
    expect((await service.test(ok.keyId)).lastError).toBeNull()
    const listed = await service.list()
    expect(listed.find((k) => k.keyId === revoked.keyId)?.lastError).toMatch(/revoked/)

    await expectNoSecrets(
      [gone, issuer, { metadata: role, error: null }].flatMap((r) => [
        r.metadata.lastError ?? '',
        r.error?.message ?? '',
        String(r.error?.detail),
      ]),
      configDir,
      [ok, revoked, wrongIssuer, finance],
    )
  })

  it("measures clock skew from the server's Date header", async () => {
    const { service: probe } = await serviceWith({ apiUrl: 'http://127.0.0.1:1' })
    const key = await stored(probe, 'ADMIN')
    const stub = await startAppleStub([key])
    cleanups.push(() => stub.close())
    // This computer's clock runs 10 minutes ahead: its tokens look issued in the future.
    const ahead = await serviceWith({ apiUrl: stub.url, now: () => Date.now() + 10 * 60_000 })
    await ahead.service.add({ source: 'pem', pem: key.pem, name: 'k', keyId: key.keyId, issuerId: ISSUER })
    const result = await ahead.service.check(key.keyId)
    expect(result.error?.code).toBe('ASC_ERROR')
    expect(result.metadata.lastError).toMatch(/clock is about 10 min ahead of App Store Connect/)
    // And 30 minutes behind: its tokens have expired by the server's clock.
    const behind = await serviceWith({ apiUrl: stub.url, now: () => Date.now() - 30 * 60_000 })
    await behind.service.add({ source: 'pem', pem: key.pem, name: 'k', keyId: key.keyId, issuerId: ISSUER })
    expect((await behind.service.test(key.keyId)).lastError).toMatch(/clock is about 30 min behind/)
  })

  it('reports an unreachable server as NETWORK and stores it', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const { service, configDir } = await serviceWith({ apiUrl: `http://127.0.0.1:${port}` })
    const key = await stored(service, 'ADMIN')
    const result = await service.check(key.keyId)
    expect(result.error?.code).toBe('NETWORK')
    expect(result.metadata.lastError).toMatch(
      new RegExp(`App Store Connect at http://127.0.0.1:${port} refused the connection .*test again\\.$`),
    )
    const onDisk = JSON.parse(await fs.readFile(path.join(configDir, 'keys.json'), 'utf8')) as {
      keys: { lastError: string }[]
    }
    expect(onDisk.keys[0]?.lastError).toBe(result.metadata.lastError)
  })
})
