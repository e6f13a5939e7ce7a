import { mkdir } from 'node:fs/promises'
import { AscentError } from '../../shared/errors'
import { createAscClient, APPLE_API_URL, type AscClient } from '../asc/client'
import { inspectBuild } from '../ipa'
import { createKeyService, type KeyService } from '../keys/key-service'
import type { KeyStore } from '../keys/key-store'
import { createKeytarStore } from '../keys/keytar-store'
import { createAppStoreService } from './app-store'
import { createConfigService } from './config-service'
import { createConnectionManager, type ActiveConnection, type SandboxHandle } from './connection'
import { createEventHub, type EventHub } from './event-hub'
import { createFileRegistry, type FileRegistry } from './file-registry'
import type { AscentServices, PublisherService } from './types'

/** What a publisher factory gets (electron/publish plugs in here). */
export interface PublisherDeps {
  readonly dataDir: string
  readonly events: EventHub
  readonly files: FileRegistry
  readonly keys: KeyService
  /** The App Store Connect client of the connection in use (env key, stored key or sandbox). */
  readonly client: () => Promise<AscClient>
  readonly connection: () => Promise<ActiveConnection>
  readonly fetch: typeof fetch
}

export interface CreateServicesOptions {
  /** Run history, journals, bridge uploads. */
  readonly dataDir: string
  /** Key metadata (keys.json); the keys helper's configDir() by default in callers. */
  readonly configDir: string
  /** App Store Connect for env and stored keys; default ASCENT_API_URL, else Apple's. */
  readonly apiUrl?: string
  /** true: use the in-process sandbox whatever keys exist (`ascent web --sandbox`). */
  readonly sandbox?: boolean
  /** Starts the in-process sandbox; used when `sandbox` is set or no credentials exist. */
  readonly startSandbox?: () => Promise<SandboxHandle>
  readonly onSandboxStarted?: (sandbox: SandboxHandle, reason: 'forced' | 'no-credentials') => void
  readonly env?: NodeJS.ProcessEnv
  /** The OS keychain (keytar) by default; tests pass another KeyStore. */
  readonly keyStore?: KeyStore
  readonly fetch?: typeof fetch
  /** The pipeline; absent until electron/publish provides one, and then its calls answer "not available yet". */
  readonly createPublisher?: (deps: PublisherDeps) => PublisherService
}

function sandboxUnavailable(): Promise<SandboxHandle> {
  return Promise.reject(
    new AscentError(
      'INTERNAL',
      'the built-in sandbox is not available in this build; set up a key in Keys… instead.',
    ),
  )
}

/** The one composition of services, used by electron/main.ts and `ascent web` alike. */
export async function createServices(options: CreateServicesOptions): Promise<AscentServices> {
  const env = options.env ?? process.env
  const fetchImpl = options.fetch ?? fetch
  const apiUrl = options.apiUrl ?? env.ASCENT_API_URL ?? APPLE_API_URL
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })

  const files = createFileRegistry()
  const events = createEventHub()
  const keyService = createKeyService({
    store: options.keyStore ?? createKeytarStore(),
    configDir: options.configDir,
    fetch: fetchImpl,
    apiUrl,
    resolveFile: (file) => files.resolve(file),
  })
  const connection = createConnectionManager({
    env,
    apiUrl,
    forceSandbox: options.sandbox ?? false,
    keys: keyService,
    startSandbox: options.startSandbox ?? sandboxUnavailable,
    onSandboxStarted: options.onSandboxStarted,
  })

  let clientFor: { readonly connection: ActiveConnection; readonly client: AscClient } | null = null
  async function client(): Promise<AscClient> {
    const active = await connection.active()
    if (
      clientFor === null ||
      clientFor.connection.tokens !== active.tokens ||
      clientFor.connection.apiUrl !== active.apiUrl
    ) {
      clientFor = {
        connection: active,
        client: createAscClient({ baseUrl: active.apiUrl, tokens: active.tokens, fetch: fetchImpl }),
      }
    }
    return clientFor.client
  }

  const publisher =
    options.createPublisher?.({
      dataDir: options.dataDir,
      events,
      files,
      keys: keyService,
      client,
      connection: () => connection.active(),
      fetch: fetchImpl,
    }) ?? null

  return {
    files,
    events,
    builds: { inspect: (path) => inspectBuild(path) },
    connection,
    keys: keyService,
    appStore: createAppStoreService({ client }),
    publisher,
    config: createConfigService(),
    close: () => connection.close(),
  }
}
