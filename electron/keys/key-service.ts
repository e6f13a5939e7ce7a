import os from 'node:os'
import path from 'node:path'
import { AscentError, toErrorShape } from '../../shared/errors'
import type { AddKeyInput, DiscoveredKey, FileRef, KeychainStatus, KeyMetadata } from '../../shared/ipc'
import { normalizePem, parsePrivateKey } from '../asc/private-key'
import { createTokenSource, type TokenSource } from '../asc/token'
import type { KeyStore } from './key-store'
import {
  discoverKeyFiles,
  keyFolders,
  keyIdFromFileName,
  readFastlaneKeyJson,
  readKeyFile,
} from './key-files'
import { DEFAULT_API_URL, probeKey } from './key-test'
import { readKeyMetadata, writeKeyMetadata } from './metadata-file'
import { networkFetch } from '../net/proxy'

export interface KeyServiceOptions {
  readonly store: KeyStore
  readonly configDir: string
  readonly fetch?: typeof fetch
  /** App Store Connect base URL for `test`; default ASCENT_API_URL, else Apple's. */
  readonly apiUrl?: string
  /** Milliseconds since the epoch. */
  readonly now?: () => number
  /** Where discovery looks for ~/private_keys etc. */
  readonly home?: string
  /** Where discovery looks for ./private_keys. */
  readonly cwd?: string
  /** Turns a FileRef the window sent into a path main accepted earlier; default: its path. */
  readonly resolveFile?: (file: FileRef) => string
}

type WithFilePath<T> = T extends { readonly file: FileRef }
  ? Omit<T, 'file'> & { readonly filePath: string }
  : never

/**
 * What `add` accepts: the IPC input (a FileRef, resolved through `resolveFile`) or the same with the file
 * already resolved to a path (the CLI, and the shell's call handlers after their file registry).
 */
export type AddKeyRequest = AddKeyInput | WithFilePath<AddKeyInput>

interface KeyTestResult {
  readonly metadata: KeyMetadata
  /** null when App Store Connect accepted the key. */
  readonly error: AscentError | null
}

export interface KeyService {
  list(): Promise<KeyMetadata[]>
  /** Adding a key id that is already stored replaces its key and details (keeping createdAt) and clears its last test. */
  add(input: AddKeyRequest): Promise<KeyMetadata>
  discover(): Promise<DiscoveredKey[]>
  /** Signs a token and reads one app; the outcome is stored in the metadata and returned. */
  test(keyId: string): Promise<KeyMetadata>
  /** `test`, plus the typed error for callers that map it to an exit code. */
  check(keyId: string): Promise<KeyTestResult>
  remove(keyId: string): Promise<void>
  keychainStatus(): Promise<KeychainStatus>
  /** The only way to use a key: signing happens here, in the main process; the PEM never leaves it. */
  tokenSourceFor(keyId: string): Promise<TokenSource>
  /**
   * The stored PEM, for altool (which reads the key from a file it is given). Main process only: never
   * serialise, log or send the result; the IPC layer does not expose this method.
   */
  privateKeyPemFor(keyId: string): Promise<string>
}

const KEY_ID = /^[A-Za-z0-9]{1,64}$/
const ISSUER_ID = /^[A-Za-z0-9-]{1,64}$/

export function createKeyService(options: KeyServiceOptions): KeyService {
  const { store, configDir } = options
  const now = options.now ?? Date.now
  const fetchImpl = options.fetch ?? networkFetch
  const apiUrl = options.apiUrl ?? process.env.ASCENT_API_URL ?? DEFAULT_API_URL
  const resolveFile = options.resolveFile ?? ((file: FileRef) => file.path)
  const home = options.home ?? os.homedir()
  const cwd = options.cwd ?? process.cwd()
  const tokenSources = new Map<string, TokenSource>()
  // Metadata read-modify-write cycles are serialized so two calls in one process cannot lose an update.
  let queue: Promise<unknown> = Promise.resolve()
  function serialized<T>(body: () => Promise<T>): Promise<T> {
    const next = queue.then(body, body)
    queue = next.catch(() => undefined)
    return next
  }

  async function find(keyId: string): Promise<KeyMetadata> {
    const key = (await readKeyMetadata(configDir)).find((k) => k.keyId === keyId)
    if (!key)
      throw new AscentError(
        'NOT_FOUND',
        `key ${keyId} is not stored; \`ascent keys list\` shows the stored keys`,
      )
    return key
  }

  async function update(keyId: string, change: (key: KeyMetadata) => KeyMetadata): Promise<KeyMetadata> {
    return serialized(async () => {
      const keys = await readKeyMetadata(configDir)
      const index = keys.findIndex((k) => k.keyId === keyId)
      const current = keys[index]
      if (!current) throw new AscentError('NOT_FOUND', `key ${keyId} is not stored`)
      const next = change(current)
      await writeKeyMetadata(
        configDir,
        keys.map((k, i) => (i === index ? next : k)),
      )
      return next
    })
  }

  const pathOf = (input: { file: FileRef } | { filePath: string }): string =>
    'filePath' in input ? path.resolve(input.filePath) : resolveFile(input.file)

  async function material(
    input: AddKeyRequest,
  ): Promise<{ pem: string; source: string; keyId?: string; issuerId?: string | null }> {
    switch (input.source) {
      case 'pem':
        return { pem: input.pem, source: 'the pasted key' }
      case 'file': {
        const file = pathOf(input)
        return { pem: await readKeyFile(file), source: file, keyId: keyIdFromFileName(file) ?? undefined }
      }
      case 'fastlane': {
        const file = pathOf(input)
        const key = await readFastlaneKeyJson(file)
        return { pem: key.pem, source: file, keyId: key.keyId, issuerId: key.issuerId }
      }
      case 'discovered': {
        const found = (await discover()).find((k) => k.id === input.discoveredId)
        if (!found) throw new AscentError('NOT_FOUND', `the discovered key file is gone; look for keys again`)
        const file = path.join(found.folder, found.fileName)
        return { pem: await readKeyFile(file), source: file, keyId: found.keyId }
      }
    }
  }

  function identity(
    input: AddKeyRequest,
    fromSource: { keyId?: string; issuerId?: string | null },
  ): { keyId: string; issuerId: string | null } {
    const givenKeyId = input.source === 'fastlane' ? undefined : input.keyId?.trim() || undefined
    const keyId = givenKeyId ?? fromSource.keyId
    if (!keyId)
      throw new AscentError(
        'BAD_INPUT',
        'key id missing: give the 10-character key id shown in Users and Access → Integrations',
      )
    if (!KEY_ID.test(keyId))
      throw new AscentError('BAD_INPUT', `key id "${keyId}" is not valid: letters and digits only`)
    if (givenKeyId && fromSource.keyId && givenKeyId !== fromSource.keyId)
      throw new AscentError(
        'BAD_INPUT',
        `key id ${givenKeyId} does not match the file name (AuthKey_${fromSource.keyId}.p8); give the key id of this file`,
      )
    if (input.source === 'fastlane') return { keyId, issuerId: fromSource.issuerId ?? null }
    const issuerId = input.issuerId?.trim() || null
    if (input.individual && issuerId)
      throw new AscentError(
        'BAD_INPUT',
        'an individual key has no issuer id: give either an issuer id or "individual", not both',
      )
    if (!input.individual && !issuerId)
      throw new AscentError(
        'BAD_INPUT',
        'issuer id missing: give the issuer id shown above the team keys in Users and Access → Integrations, or mark the key as individual',
      )
    if (issuerId && !ISSUER_ID.test(issuerId))
      throw new AscentError('BAD_INPUT', `issuer id "${issuerId}" is not valid`)
    return { keyId, issuerId }
  }

  async function discover(): Promise<DiscoveredKey[]> {
    return discoverKeyFiles(keyFolders(home, cwd))
  }

  async function check(keyId: string): Promise<KeyTestResult> {
    const key = await find(keyId)
    let error: AscentError | null = null
    try {
      const tokens = await tokenSourceFor(keyId)
      await probeKey({ keyId, issuerId: key.issuerId, apiUrl, tokens, fetch: fetchImpl, now })
    } catch (caught) {
      // An unreachable keychain is the app's state, not this key's (the window shows a banner): not recorded.
      if (caught instanceof AscentError && caught.code === 'KEYCHAIN_UNAVAILABLE') throw caught
      error =
        caught instanceof AscentError ? caught : new AscentError('INTERNAL', toErrorShape(caught).message)
    }
    const at = new Date(now()).toISOString()
    const metadata = await update(keyId, (k) =>
      error
        ? { ...k, lastError: toErrorShape(error).message }
        : { ...k, lastVerifiedAt: at, lastError: null },
    )
    return { metadata, error }
  }

  async function privateKeyPemFor(keyId: string): Promise<string> {
    await find(keyId)
    const pem = await store.getSecret(keyId)
    if (pem === null)
      throw new AscentError(
        'BAD_KEY',
        `the keychain has no private key for ${keyId} (it was deleted, or the keychain is locked); unlock the keychain or add the key again`,
      )
    return pem
  }

  async function tokenSourceFor(keyId: string): Promise<TokenSource> {
    const key = await find(keyId)
    const cached = tokenSources.get(keyId)
    if (cached) return cached
    const pem = await privateKeyPemFor(keyId)
    const tokens = createTokenSource({
      keyId,
      issuerId: key.issuerId,
      privateKey: parsePrivateKey(pem, `the stored key ${keyId}`),
      now,
    })
    tokenSources.set(keyId, tokens)
    return tokens
  }

  return {
    async list() {
      return [...(await readKeyMetadata(configDir))]
    },

    async add(input) {
      const source = await material(input)
      const { keyId, issuerId } = identity(input, source)
      // Validate before anything is stored: a wrong file fails here, not as a 401 in the middle of a publish.
      parsePrivateKey(source.pem, source.source)
      const pem = normalizePem(source.pem)
      return serialized(async () => {
        const keys = await readKeyMetadata(configDir)
        const existing = keys.find((k) => k.keyId === keyId)
        const sameName = keys.find((k) => k.name === input.name && k.keyId !== keyId)
        if (sameName)
          throw new AscentError(
            'BAD_INPUT',
            `a key named "${input.name}" is already stored (${sameName.keyId}); choose another name or remove that key first`,
          )
        const metadata: KeyMetadata = {
          name: input.name,
          keyId,
          issuerId,
          individual: issuerId === null,
          createdAt: existing?.createdAt ?? new Date(now()).toISOString(),
          lastVerifiedAt: null,
          lastError: null,
        }
        await store.setSecret(keyId, pem)
        tokenSources.delete(keyId)
        try {
          await writeKeyMetadata(
            configDir,
            existing ? keys.map((k) => (k.keyId === keyId ? metadata : k)) : [...keys, metadata],
          )
        } catch (error) {
          // A new key whose metadata could not be written would be an invisible keychain item: take it out again.
          if (!existing) await store.deleteSecret(keyId).catch(() => undefined)
          throw error
        }
        return metadata
      })
    },

    discover,

    async test(keyId) {
      return (await check(keyId)).metadata
    },

    check,

    async remove(keyId) {
      await serialized(async () => {
        const keys = await readKeyMetadata(configDir)
        const deleted = await store.deleteSecret(keyId)
        tokenSources.delete(keyId)
        const rest = keys.filter((k) => k.keyId !== keyId)
        if (rest.length === keys.length && !deleted)
          throw new AscentError(
            'NOT_FOUND',
            `key ${keyId} is not stored; \`ascent keys list\` shows the stored keys`,
          )
        if (rest.length !== keys.length) await writeKeyMetadata(configDir, rest)
      })
    },

    keychainStatus: () => store.status(),

    tokenSourceFor,
    privateKeyPemFor,
  }
}
