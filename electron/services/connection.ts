import type { ConnectionInfo, KeychainStatus, KeyMetadata } from '../../shared/ipc'
import { parsePrivateKey } from '../asc/private-key'
import { createTokenSource, type TokenSource } from '../asc/token'
import { ENV_ISSUER_ID, ENV_KEY_IDENTIFIER, ENV_PRIVATE_KEY, resolveCredentials } from '../keys/credentials'
import type { KeyService } from '../keys/key-service'
import type { AltoolCredentials } from '../upload/altool-uploader'
import type { ConnectionService } from './types'

/** What startSandbox (electron/sandbox) hands back: a local App Store Connect and a key it trusts. */
export interface SandboxHandle {
  readonly url: string
  readonly keyId: string
  readonly issuerId: string
  readonly privateKeyPem: string
  readonly privateKeyPath: string
  close(): Promise<void>
}

/** The connection in use right now: where requests go and how they are signed. */
export interface ActiveConnection {
  readonly info: ConnectionInfo
  readonly apiUrl: string
  readonly tokens: TokenSource
  /** The key itself for altool, read only when altool runs; absent for the sandbox (altool cannot reach it). */
  readonly signingKey?: AltoolCredentials
}

export interface ConnectionManager extends ConnectionService {
  active(): Promise<ActiveConnection>
  /** Stops the in-process sandbox if one was started. */
  close(): Promise<void>
}

export interface ConnectionOptions {
  readonly env: NodeJS.ProcessEnv
  /** App Store Connect for env and stored keys (ASCENT_API_URL or Apple's). */
  readonly apiUrl: string
  /** `ascent web --sandbox`: use the in-process sandbox whatever else is configured. */
  readonly forceSandbox: boolean
  readonly keys: Pick<KeyService, 'list' | 'tokenSourceFor' | 'keychainStatus' | 'privateKeyPemFor'>
  readonly startSandbox: () => Promise<SandboxHandle>
  /** Told once, when the sandbox starts because nothing else was configured (the CLI says so on stderr). */
  readonly onSandboxStarted?: (sandbox: SandboxHandle, reason: 'forced' | 'no-credentials') => void
}

function hasEnvCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[ENV_KEY_IDENTIFIER] || env[ENV_PRIVATE_KEY] || env[ENV_ISSUER_ID])
}

/**
 * The window has no --key flag: with several stored keys it uses the one that last worked (most recently
 * verified without an error), else the newest. ConnectionInfo names it, so the choice is visible.
 */
export function preferredKey(keys: readonly KeyMetadata[]): KeyMetadata | null {
  const working = keys
    .filter((k) => k.lastError === null && k.lastVerifiedAt !== null)
    .sort((a, b) => (b.lastVerifiedAt ?? '').localeCompare(a.lastVerifiedAt ?? ''))
  return working[0] ?? [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null
}

/**
 * Chooses the App Store Connect to talk to, in the fixed credentials order (docs/architecture.md): APP_STORE_CONNECT_* variables, else a
 * stored key, else — so a first start is never a dead end — the sandbox, started in this process with a
 * key it generated and trusts. Re-evaluated on every call, so adding a key leaves sandbox mode at once.
 */
export function createConnectionManager(options: ConnectionOptions): ConnectionManager {
  let sandbox: Promise<SandboxHandle> | null = null
  let cached: { readonly selection: string; readonly connection: Promise<ActiveConnection> } | null = null

  function sandboxConnection(
    keychain: KeychainStatus,
    reason: 'forced' | 'no-credentials',
  ): Promise<ActiveConnection> {
    if (sandbox === null) {
      const starting = options.startSandbox()
      sandbox = starting
      starting.then(
        (handle) => options.onSandboxStarted?.(handle, reason),
        () => {
          // A failed start is not remembered: the next call tries again.
          if (sandbox === starting) sandbox = null
        },
      )
    }
    return sandbox.then((handle) => ({
      apiUrl: handle.url,
      info: { mode: 'sandbox', apiUrl: handle.url, keyId: handle.keyId, keyName: 'Sandbox key', keychain },
      tokens: createTokenSource({
        keyId: handle.keyId,
        issuerId: handle.issuerId,
        privateKey: parsePrivateKey(handle.privateKeyPem, 'the sandbox key'),
      }),
    }))
  }

  interface Selection {
    readonly selection: string
    readonly keychain: KeychainStatus
    readonly open: () => Promise<ActiveConnection>
  }

  async function select(): Promise<Selection> {
    const keychain = await options.keys.keychainStatus()
    if (options.forceSandbox)
      return { selection: 'sandbox', keychain, open: () => sandboxConnection(keychain, 'forced') }
    if (hasEnvCredentials(options.env)) {
      return {
        selection: 'env',
        keychain,
        async open() {
          const credentials = await resolveCredentials({ env: options.env, keyService: options.keys })
          return {
            apiUrl: options.apiUrl,
            tokens: credentials.tokens,
            signingKey: {
              keyId: credentials.keyId,
              issuerId: credentials.issuerId,
              privateKeyPem: credentials.privateKeyPem,
            },
            info: { mode: 'env', apiUrl: options.apiUrl, keyId: credentials.keyId, keyName: null, keychain },
          }
        },
      }
    }
    const key = preferredKey(await options.keys.list())
    if (key === null)
      return { selection: 'sandbox', keychain, open: () => sandboxConnection(keychain, 'no-credentials') }
    return {
      selection: `key:${key.keyId}`,
      keychain,
      async open() {
        const tokens = await options.keys.tokenSourceFor(key.keyId)
        return {
          apiUrl: options.apiUrl,
          tokens,
          signingKey: {
            keyId: key.keyId,
            issuerId: key.issuerId,
            privateKeyPem: () => options.keys.privateKeyPemFor(key.keyId),
          },
          info: { mode: 'key', apiUrl: options.apiUrl, keyId: key.keyId, keyName: key.name, keychain },
        }
      },
    }
  }

  async function active(): Promise<ActiveConnection> {
    const { selection, keychain, open } = await select()
    if (cached === null || cached.selection !== selection) {
      const entry = { selection, connection: open() }
      cached = entry
      entry.connection.catch(() => {
        if (cached === entry) cached = null
      })
    }
    const connection = await cached.connection
    // The keychain may come and go (locked, unlocked) while the key stays the same.
    return { ...connection, info: { ...connection.info, keychain } }
  }

  return {
    active,
    async info() {
      return (await active()).info
    },
    async close() {
      const running = sandbox
      sandbox = null
      cached = null
      if (running) await (await running).close()
    },
  }
}
