import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../../electron/sandbox'
import { createKeyService, type KeyService } from '../../../electron/keys/key-service'
import { createKeytarStore } from '../../../electron/keys/keytar-store'
import { makeAscKey } from './key-fixtures'
import { requireKeychain, tempDir } from './keys-support'

const cleanups: (() => Promise<unknown>)[] = []
beforeAll(requireKeychain)
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function keyService(apiUrl: string, now?: () => number): Promise<KeyService> {
  const service = createKeyService({
    store: createKeytarStore(),
    configDir: path.join(await tempDir('sandbox'), 'config'),
    apiUrl,
    now,
  })
  return service
}

describe('keys test against the sandbox App Store Connect', () => {
  it("verifies the sandbox's own key and diagnoses revoked keys, wrong issuers and clock skew", async () => {
    const sandbox = await startSandbox()
    cleanups.push(() => sandbox.close())
    const service = await keyService(sandbox.url)
    const add = async (pem: string, keyId: string, issuerId: string): Promise<void> => {
      await service.add({ source: 'pem', pem, name: keyId, keyId, issuerId })
      cleanups.push(() => service.remove(keyId))
    }

    await add(sandbox.privateKeyPem, sandbox.keyId, sandbox.issuerId)
    const ok = await service.check(sandbox.keyId)
    expect(ok.error).toBeNull()
    expect(ok.metadata.lastVerifiedAt).not.toBeNull()

    const revoked = makeAscKey()
    sandbox.trustKey({
      keyId: revoked.keyId,
      issuerId: sandbox.issuerId,
      publicKeyPem: revoked.pem,
      revoked: true,
    })
    await add(revoked.pem, revoked.keyId, sandbox.issuerId)
    expect((await service.test(revoked.keyId)).lastError).toMatch(/revoked/)

    const otherTeam = makeAscKey()
    sandbox.trustKey({
      keyId: otherTeam.keyId,
      issuerId: '11111111-2222-4333-8444-555555555555',
      publicKeyPem: otherTeam.pem,
    })
    await add(otherTeam.pem, otherTeam.keyId, sandbox.issuerId)
    expect((await service.test(otherTeam.keyId)).lastError).toMatch(
      new RegExp(`issuer ID ${sandbox.issuerId}`),
    )

    // The same working key from a computer whose clock is 15 minutes ahead.
    const skewed = await keyService(sandbox.url, () => Date.now() + 15 * 60_000)
    await skewed.add({
      source: 'pem',
      pem: sandbox.privateKeyPem,
      name: 'skewed',
      keyId: sandbox.keyId,
      issuerId: sandbox.issuerId,
    })
    const skew = await skewed.check(sandbox.keyId)
    expect(skew.error?.code).toBe('ASC_ERROR')
    expect(skew.metadata.lastError).toMatch(/clock is about 15 min ahead/)

    // One read per test, nothing else: testing a key changes nothing in App Store Connect.
    expect(sandbox.state().requests.byRoute).toEqual({ 'GET /v1/apps': 4 })
  })
})
