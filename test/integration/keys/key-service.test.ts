import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose'
import { createPublicKey } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import type { FileRef } from '../../../shared/ipc'
import { createKeyService, type KeyService } from '../../../electron/keys/key-service'
import { createKeytarStore, KEYCHAIN_SERVICE } from '../../../electron/keys/keytar-store'
import { metadataPath } from '../../../electron/keys/metadata-file'
import { badKeyFiles, makeAscKey, pemBody } from './key-fixtures'
import { allFiles, requireKeychain, tempDir } from './keys-support'

const exec = promisify(execFile)
const ISSUER = '57246542-96fe-1a63-e053-0824d011072a'

/** What the Secret Service holds, read with libsecret's own tool by the documented attributes. */
async function keyringLookup(keyId: string): Promise<string | null> {
  try {
    const { stdout } = await exec('secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', keyId])
    return stdout
  } catch {
    return null // secret-tool exits 1 when nothing matches
  }
}

function fileRef(file: string): FileRef {
  return { id: file, name: path.basename(file), path: file, sizeBytes: 0 }
}

async function caught(promise: Promise<unknown>): Promise<AscentError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AscentError)
  return error as AscentError
}

const created: { service: KeyService; keyId: string }[] = []

async function setup(): Promise<{ dir: string; configDir: string; home: string; service: KeyService }> {
  const dir = await tempDir('svc')
  const configDir = path.join(dir, 'config')
  const home = path.join(dir, 'home')
  await fs.mkdir(home)
  const service = createKeyService({
    store: createKeytarStore(),
    configDir,
    home,
    cwd: dir,
    apiUrl: 'http://127.0.0.1:1',
  })
  return { dir, configDir, home, service }
}

function track(service: KeyService, keyId: string): string {
  created.push({ service, keyId })
  return keyId
}

beforeAll(requireKeychain)

afterEach(async () => {
  // The keyring outlives the test: take out what each test stored.
  for (const { service, keyId } of created.splice(0)) await service.remove(keyId).catch(() => undefined)
})

describe('key service against the real Secret Service', () => {
  it('adds from a .p8 file, lists, signs, and removes; the keyring holds the PEM under service/account', async () => {
    const { dir, configDir, service } = await setup()
    const key = makeAscKey()
    track(service, key.keyId)
    const file = path.join(dir, `AuthKey_${key.keyId}.p8`)
    await fs.writeFile(file, key.pem)

    const added = await service.add({
      source: 'file',
      file: fileRef(file),
      name: 'Main team key',
      issuerId: ISSUER,
    })
    expect(added).toMatchObject({
      keyId: key.keyId,
      issuerId: ISSUER,
      individual: false,
      lastVerifiedAt: null,
    })
    expect(await service.list()).toEqual([added])
    expect(await keyringLookup(key.keyId)).toBe(key.pem)

    const tokens = await service.tokenSourceFor(key.keyId)
    const jwt = await tokens.token()
    const publicKey = await importSPKI(
      createPublicKey(key.pem).export({ type: 'spki', format: 'pem' }).toString(),
      'ES256',
    )
    await jwtVerify(jwt, publicKey, { audience: 'appstoreconnect-v1', issuer: ISSUER })
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', kid: key.keyId })

    const stat = await fs.stat(metadataPath(configDir))
    expect(stat.mode & 0o777).toBe(0o600)
    for (const { file: f, bytes } of await allFiles(configDir)) {
      expect(bytes.toString('utf8'), f).not.toContain(key.body.slice(0, 40))
      expect(
        bytes.includes(createPublicKey(key.pem).export({ type: 'spki', format: 'der' }).subarray(-32)),
        f,
      ).toBe(false)
    }

    await service.remove(key.keyId)
    expect(await service.list()).toEqual([])
    expect(await keyringLookup(key.keyId)).toBeNull()
    expect((await caught(service.tokenSourceFor(key.keyId))).code).toBe('NOT_FOUND')
    expect((await caught(service.remove(key.keyId))).code).toBe('NOT_FOUND')
  })

  it('adds pasted PEM (CI-style \\n escapes and CRLF) as an individual key, stored as a clean PEM', async () => {
    const { service } = await setup()
    const key = makeAscKey()
    track(service, key.keyId)
    const pasted = key.pem.trim().replace(/\n/g, '\\n')
    const added = await service.add({
      source: 'pem',
      pem: pasted,
      name: 'Mine',
      keyId: key.keyId,
      individual: true,
    })
    expect(added).toMatchObject({ issuerId: null, individual: true })
    expect(await keyringLookup(key.keyId)).toBe(key.pem)
    const jwt = await (await service.tokenSourceFor(key.keyId)).token()
    expect(decodeJwt(jwt)).toMatchObject({ sub: 'user', aud: 'appstoreconnect-v1' })
    expect(decodeJwt(jwt).iss).toBeUndefined()

    const crlf = makeAscKey()
    track(service, crlf.keyId)
    await service.add({
      source: 'pem',
      pem: crlf.pem.replace(/\n/g, '\r\n'),
      name: 'CRLF',
      keyId: crlf.keyId,
      issuerId: ISSUER,
    })
    expect(await keyringLookup(crlf.keyId)).toBe(crlf.pem)
  })

  it('adds from fastlane API key JSON: inline key, base64 key, and key_filepath relative to the JSON', async () => {
    const { dir, service } = await setup()
    const inline = makeAscKey()
    const base64 = makeAscKey()
    const byPath = makeAscKey()
    for (const k of [inline, base64, byPath]) track(service, k.keyId)
    const write = async (name: string, json: unknown): Promise<string> => {
      const file = path.join(dir, name)
      await fs.writeFile(file, JSON.stringify(json))
      return file
    }
    const a = await write('a.json', {
      key_id: inline.keyId,
      issuer_id: ISSUER,
      key: inline.pem,
      in_house: false,
      duration: 1200,
    })
    const b = await write('b.json', {
      key_id: base64.keyId,
      issuer_id: ISSUER,
      key: Buffer.from(base64.pem).toString('base64'),
      is_key_content_base64: true,
    })
    await fs.mkdir(path.join(dir, 'keys'))
    await fs.writeFile(path.join(dir, 'keys', 'k.p8'), byPath.pem)
    const c = await write('c.json', { key_id: byPath.keyId, key_filepath: 'keys/k.p8' })

    expect(await service.add({ source: 'fastlane', file: fileRef(a), name: 'A' })).toMatchObject({
      keyId: inline.keyId,
      issuerId: ISSUER,
    })
    expect(await service.add({ source: 'fastlane', file: fileRef(b), name: 'B' })).toMatchObject({
      keyId: base64.keyId,
    })
    // No issuer_id: fastlane's individual key.
    expect(await service.add({ source: 'fastlane', file: fileRef(c), name: 'C' })).toMatchObject({
      keyId: byPath.keyId,
      individual: true,
    })
    expect(await keyringLookup(base64.keyId)).toBe(base64.pem)
    expect((await service.list()).map((k) => k.name)).toEqual(['A', 'B', 'C'])

    const inHouse = await write('d.json', {
      key_id: 'INHOUSE123',
      issuer_id: ISSUER,
      key: makeAscKey().pem,
      in_house: true,
    })
    expect((await caught(service.add({ source: 'fastlane', file: fileRef(inHouse), name: 'D' }))).code).toBe(
      'BAD_KEY',
    )
    const neither = await write('e.json', { key_id: 'NOKEY12345', issuer_id: ISSUER })
    expect(
      (await caught(service.add({ source: 'fastlane', file: fileRef(neither), name: 'E' }))).message,
    ).toMatch(/neither "key" nor "key_filepath"/)
    const broken = path.join(dir, 'f.json')
    await fs.writeFile(broken, `{"key": "${pemBody(inline.pem)}",`)
    const notJson = await caught(service.add({ source: 'fastlane', file: fileRef(broken), name: 'F' }))
    expect(notJson.code).toBe('BAD_INPUT')
    expect(notJson.message).not.toContain(pemBody(inline.pem).slice(0, 20))
  })

  it("discovers AuthKey_<KEYID>.p8 in altool's folders and imports one by its opaque id", async () => {
    const { dir, home, service } = await setup()
    const one = makeAscKey()
    const two = makeAscKey()
    track(service, one.keyId)
    await fs.mkdir(path.join(home, '.appstoreconnect', 'private_keys'), { recursive: true })
    await fs.mkdir(path.join(dir, 'private_keys'))
    await fs.writeFile(
      path.join(home, '.appstoreconnect', 'private_keys', `AuthKey_${one.keyId}.p8`),
      one.pem,
    )
    await fs.writeFile(path.join(dir, 'private_keys', `AuthKey_${two.keyId}.p8`), two.pem)
    await fs.writeFile(path.join(dir, 'private_keys', 'notes.txt'), 'not a key')

    const found = await service.discover()
    expect(found.map((k) => [k.keyId, k.folder])).toEqual([
      [two.keyId, path.join(dir, 'private_keys')],
      [one.keyId, path.join(home, '.appstoreconnect', 'private_keys')],
    ])
    const pick = found.find((k) => k.keyId === one.keyId)
    expect(pick).toBeDefined()
    const added = await service.add({
      source: 'discovered',
      discoveredId: pick?.id ?? '',
      name: 'Found',
      issuerId: ISSUER,
    })
    expect(added.keyId).toBe(one.keyId)
    expect(await keyringLookup(one.keyId)).toBe(one.pem)
    // An id the window made up names no file.
    expect(
      (
        await caught(
          service.add({ source: 'discovered', discoveredId: '/etc/passwd', name: 'X', issuerId: ISSUER }),
        )
      ).code,
    ).toBe('NOT_FOUND')
  })

  it('adding a stored key id again replaces its key and details, keeps createdAt, clears the last test; names stay unique', async () => {
    const { service } = await setup()
    const first = makeAscKey()
    const second = makeAscKey()
    track(service, first.keyId)
    const before = await service.add({
      source: 'pem',
      pem: first.pem,
      name: 'Old name',
      keyId: first.keyId,
      issuerId: ISSUER,
    })
    const after = await service.add({
      source: 'pem',
      pem: second.pem,
      name: 'New name',
      keyId: first.keyId,
      individual: true,
    })
    expect(after).toMatchObject({
      name: 'New name',
      individual: true,
      issuerId: null,
      createdAt: before.createdAt,
    })
    expect(await service.list()).toEqual([after])
    expect(await keyringLookup(first.keyId)).toBe(second.pem)

    const other = makeAscKey()
    const clash = await caught(
      service.add({ source: 'pem', pem: other.pem, name: 'New name', keyId: other.keyId, issuerId: ISSUER }),
    )
    expect(clash.code).toBe('BAD_INPUT')
    expect(clash.message).toMatch(/already stored/)
    expect(await keyringLookup(other.keyId)).toBeNull()
  })

  it('refuses every bad key file form with BAD_KEY, stores nothing, and never quotes the file', async () => {
    const { dir, configDir, service } = await setup()
    for (const bad of badKeyFiles()) {
      const keyId = makeAscKey().keyId
      const file = path.join(dir, `AuthKey_${keyId}.p8`)
      await fs.writeFile(file, bad.bytes)
      const error = await caught(
        service.add({ source: 'file', file: fileRef(file), name: bad.name, issuerId: ISSUER }),
      )
      expect(error.code, bad.name).toBe('BAD_KEY')
      expect(error.message, bad.name).toMatch(bad.says)
      const body = pemBody(bad.bytes.toString('utf8'))
      if (body.length > 20) expect(error.message).not.toContain(body.slice(0, 20))
      expect(await keyringLookup(keyId), bad.name).toBeNull()
    }
    const missing = await caught(
      service.add({
        source: 'file',
        file: fileRef(path.join(dir, 'nope.p8')),
        name: 'n',
        keyId: 'NOPE',
        issuerId: ISSUER,
      }),
    )
    expect(missing.code).toBe('BAD_KEY')
    const folder = await caught(
      service.add({ source: 'file', file: fileRef(dir), name: 'd', keyId: 'DIR', issuerId: ISSUER }),
    )
    expect(folder.code).toBe('BAD_KEY')
    const big = path.join(dir, 'big.p8')
    await fs.writeFile(big, Buffer.alloc(200_000, 0x41))
    expect(
      (
        await caught(
          service.add({ source: 'file', file: fileRef(big), name: 'b', keyId: 'BIG', issuerId: ISSUER }),
        )
      ).message,
    ).toMatch(/too big/)
    expect(await service.list()).toEqual([])
    await expect(fs.stat(configDir)).rejects.toThrow()
  })

  it('refuses inconsistent identities before touching the keychain', async () => {
    const { dir, service } = await setup()
    const key = makeAscKey()
    const file = path.join(dir, `AuthKey_${key.keyId}.p8`)
    await fs.writeFile(file, key.pem)
    const cases = [
      { source: 'file', file: fileRef(file), name: 'x', keyId: 'OTHERKEY12', issuerId: ISSUER },
      { source: 'file', file: fileRef(file), name: 'x' },
      { source: 'file', file: fileRef(file), name: 'x', issuerId: ISSUER, individual: true },
      { source: 'pem', pem: key.pem, name: 'x', issuerId: ISSUER },
      { source: 'pem', pem: key.pem, name: 'x', keyId: 'has space', issuerId: ISSUER },
    ] as const
    for (const input of cases) expect((await caught(service.add(input))).code).toBe('BAD_INPUT')
    expect(await keyringLookup(key.keyId)).toBeNull()
  })

  it('says when the keychain lost the secret of a listed key', async () => {
    const { service } = await setup()
    const key = makeAscKey()
    track(service, key.keyId)
    await service.add({ source: 'pem', pem: key.pem, name: 'Gone', keyId: key.keyId, issuerId: ISSUER })
    await exec('secret-tool', ['clear', 'service', KEYCHAIN_SERVICE, 'account', key.keyId])
    const error = await caught(service.tokenSourceFor(key.keyId))
    expect(error.code).toBe('BAD_KEY')
    expect(error.message).toMatch(/add the key again/)
    // A test records it, so the window shows it next to the key.
    const tested = await service.check(key.keyId)
    expect(tested.error?.code).toBe('BAD_KEY')
    expect(tested.metadata.lastError).toMatch(/no private key/)
  })
})
