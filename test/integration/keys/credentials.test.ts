import { promises as fs } from 'node:fs'
import path from 'node:path'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { resolveCredentials } from '../../../electron/keys/credentials'
import { createKeyService, type KeyService } from '../../../electron/keys/key-service'
import { createKeytarStore } from '../../../electron/keys/keytar-store'
import { makeAscKey } from './key-fixtures'
import { requireKeychain, tempDir } from './keys-support'

const ISSUER = 'aa11bb22-cc33-47e3-e053-5b8c7c11a4d1'
const stored: { service: KeyService; keyId: string }[] = []

beforeAll(requireKeychain)
afterEach(async () => {
  for (const { service, keyId } of stored.splice(0)) await service.remove(keyId).catch(() => undefined)
})

async function serviceWithKeys(
  names: readonly string[],
): Promise<{ service: KeyService; ids: string[]; pems: string[] }> {
  const service = createKeyService({
    store: createKeytarStore(),
    configDir: path.join(await tempDir('cred'), 'config'),
  })
  const ids: string[] = []
  const pems: string[] = []
  for (const name of names) {
    const key = makeAscKey()
    pems.push(key.pem)
    await service.add({ source: 'pem', pem: key.pem, name, keyId: key.keyId, issuerId: ISSUER })
    stored.push({ service, keyId: key.keyId })
    ids.push(key.keyId)
  }
  return { service, ids, pems }
}

async function failure(promise: Promise<unknown>): Promise<AscentError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AscentError)
  return error as AscentError
}

describe('resolveCredentials with stored keys', () => {
  it('uses the integration name, then --key, then the only stored key', async () => {
    const { service, ids, pems } = await serviceWithKeys(['CI key', 'Release key'])
    const [ci = '', release = ''] = ids

    const byName = await resolveCredentials({
      env: {},
      keyService: service,
      integrationName: 'Release key',
      keyId: ci,
    })
    expect(byName).toMatchObject({ kind: 'stored', keyId: release, issuerId: ISSUER })
    expect(byName.label).toContain('Release key')
    expect(decodeProtectedHeader(await byName.tokens.token()).kid).toBe(release)
    // The PEM for altool comes from the keychain item of that key, and only when asked for.
    expect((await byName.privateKeyPem()).trim()).toBe(pems[1]?.trim())
    expect(JSON.stringify(byName)).not.toMatch(/PRIVATE KEY/)

    const byFlag = await resolveCredentials({ env: {}, keyService: service, keyId: ci })
    expect(byFlag.keyId).toBe(ci)
    expect(decodeJwt(await byFlag.tokens.token()).iss).toBe(ISSUER)

    const ambiguous = await failure(resolveCredentials({ env: {}, keyService: service }))
    expect(ambiguous.code).toBe('NO_CREDENTIALS')
    expect(ambiguous.message).toMatch(/--key/)
    expect(
      (await failure(resolveCredentials({ env: {}, keyService: service, integrationName: 'Nope' }))).code,
    ).toBe('NO_CREDENTIALS')
    expect(
      (await failure(resolveCredentials({ env: {}, keyService: service, keyId: 'NOTSTORED1' }))).code,
    ).toBe('NOT_FOUND')

    await service.remove(release)
    const only = await resolveCredentials({ env: {}, keyService: service })
    expect(only.keyId).toBe(ci)
    expect(only.label).toMatch(/only stored key/)
  })

  it('lets the APP_STORE_CONNECT_* variables win over stored keys, --key and the integration', async () => {
    const { service } = await serviceWithKeys(['Stored'])
    const ci = makeAscKey()
    const dir = await tempDir('cred-env')
    const file = path.join(dir, 'AuthKey.p8')
    await fs.writeFile(file, ci.pem)
    const env = {
      APP_STORE_CONNECT_ISSUER_ID: ISSUER,
      APP_STORE_CONNECT_KEY_IDENTIFIER: ci.keyId,
      APP_STORE_CONNECT_PRIVATE_KEY: `@file:${file}`,
    }
    const credentials = await resolveCredentials({
      env,
      keyService: service,
      keyId: 'OTHER',
      integrationName: 'Stored',
    })
    expect(credentials).toMatchObject({ kind: 'env', keyId: ci.keyId, issuerId: ISSUER })
    expect(decodeProtectedHeader(await credentials.tokens.token()).kid).toBe(ci.keyId)
    expect((await credentials.privateKeyPem()).trim()).toBe(ci.pem.trim())
  })
})
