import { mkdir } from 'node:fs/promises'
import { AscentError } from '../../shared/errors'
import { createAscClient, APPLE_API_URL, type AscClient } from '../asc/client'
import { inspectBuild } from '../ipa'
import { createKeyService } from '../keys/key-service'
import type { KeyStore } from '../keys/key-store'
import { createKeytarStore } from '../keys/keytar-store'
import { createAppLookupService } from './app-lookup'
import { createConfigService } from './config-service'
import { createConnectionManager, type ActiveConnection, type SandboxHandle } from './connection'
import { createEventHub, type EventHub } from './event-hub'
import { createFileRegistry } from './file-registry'
import { createStoreInfoService } from './store-info'
import { createPublisher } from '../publish/publisher'
import { createRunLog, readRunLog, runLogPath } from '../publish/run-log'
import { LOG_LIMIT } from '../../shared/run-progress'
import { defaultUploaderFactory } from '../publish/default-uploader'
import type { PublisherDeps, RunCredentials } from '../publish/types'
import { startSandbox, type SandboxOptions } from '../sandbox'
import type { AscentServices } from './types'
import { HourlyBudget, type PollPolicy } from '../status/poll-policy'
import { createReleaseWatcher, type ReleaseWatcher } from '../status/watcher'
import { networkFetch } from '../net/proxy'

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
  /** The sandbox started when none is forced or no key exists; tests seed it and shorten its processing. */
  readonly sandboxOptions?: SandboxOptions
  /** Pipeline tuning (tests shorten polls); the uploader defaults to the Build Upload API / altool choice. */
  /** Release watching: its hourly share and poll policy (tests shorten it); false turns it off. */
  readonly releases?: false | { readonly policy?: PollPolicy; readonly isOnline?: () => boolean }
  readonly publisher?: Partial<
    Pick<PublisherDeps, 'pollIntervals' | 'sleep' | 'now' | 'client' | 'cancelTimeoutMs' | 'uploaderFactory'>
  >
}

/** One client per active connection: made again only when the key or the App Store Connect URL changes. */
function clientPerConnection(
  connection: { active(): Promise<ActiveConnection> },
  make: (active: ActiveConnection) => AscClient,
): () => Promise<AscClient> {
  let clientFor: { readonly connection: ActiveConnection; readonly client: AscClient } | null = null
  return async () => {
    const active = await connection.active()
    if (
      clientFor === null ||
      clientFor.connection.tokens !== active.tokens ||
      clientFor.connection.apiUrl !== active.apiUrl
    ) {
      clientFor = { connection: active, client: make(active) }
    }
    return clientFor.client
  }
}

/** The one composition of services, used by electron/main.ts and `ascent web` alike. */
export async function createServices(options: CreateServicesOptions): Promise<AscentServices> {
  const env = options.env ?? process.env
  const fetchImpl = options.fetch ?? networkFetch
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
    startSandbox: options.startSandbox ?? (() => startSandbox(options.sandboxOptions)),
    onSandboxStarted: options.onSandboxStarted,
  })

  const client = clientPerConnection(connection, (active) =>
    createAscClient({ baseUrl: active.apiUrl, tokens: active.tokens, fetch: fetchImpl }),
  )

  const runLog = createRunLog(options.dataDir)
  const publisher = createPublisher({
    dataDir: options.dataDir,
    runLog,
    // The window publishes with the connection it shows; a workflow naming a stored key (auth: integration)
    // uses that key instead, as the CLI does — except when env variables or the sandbox are in force.
    async credentials(settings): Promise<RunCredentials> {
      const active = await connection.active()
      if (active.info.mode === 'key' && settings.auth === 'integration' && settings.integrationName) {
        const named = (await keyService.list()).find((k) => k.name === settings.integrationName)
        if (!named) {
          throw new AscentError(
            'NO_CREDENTIALS',
            `no stored key is named "${settings.integrationName}" (integrations.app_store_connect); add it in Keys… or clear auth: integration.`,
          )
        }
        if (named.keyId !== active.info.keyId) {
          return {
            apiUrl: active.apiUrl,
            tokens: await keyService.tokenSourceFor(named.keyId),
            signingKey: {
              keyId: named.keyId,
              issuerId: named.issuerId,
              privateKeyPem: () => keyService.privateKeyPemFor(named.keyId),
            },
          }
        }
      }
      return {
        apiUrl: active.apiUrl,
        tokens: active.tokens,
        ...(active.signingKey ? { signingKey: active.signingKey } : {}),
      }
    },
    uploaderFactory: options.publisher?.uploaderFactory ?? defaultUploaderFactory(),
    inspect: (path) => inspectBuild(path),
    fetch: fetchImpl,
    ...options.publisher,
  })
  publisher.onEvent((event) => events.emit('publish', event))

  const releases =
    options.releases === false
      ? null
      : await createWatching(options, events, publisher, connection, fetchImpl)

  return {
    files,
    events,
    builds: { inspect: (path) => inspectBuild(path) },
    connection,
    keys: keyService,
    apps: createAppLookupService({ client }),
    storeInfo: createStoreInfoService({ client, onProgress: (progress) => events.emit('app', progress) }),
    publisher,
    runLogs: {
      async live() {
        const latest = runLog.live().at(-1)
        if (!latest) return null
        const run = await publisher.getRun(latest.progress.runId)
        // Read after the await: events that came meanwhile are folded in, and lastEvent says up to where.
        const now = runLog.live().find((r) => r.progress.runId === latest.progress.runId) ?? latest
        return {
          run,
          steps: [...now.progress.steps],
          log: now.progress.log.slice(-LOG_LIMIT),
          lastEvent: now.lastEvent,
        }
      },
      async read(runId) {
        await publisher.getRun(runId) // NOT_FOUND for a run that does not exist
        return { path: runLogPath(options.dataDir, runId), lines: await readRunLog(options.dataDir, runId) }
      },
    },
    config: createConfigService({ dataDir: options.dataDir }),
    releases,
    close: async () => {
      await releases?.close()
      await connection.close()
    },
  }
}

/**
 * The release watcher: its own client (its audit feeds the hourly budget with every attempt and Apple's
 * X-Rate-Limit remainder), status and transitions as app events, and a run that ends submitted (or in
 * TestFlight) starts watching its app.
 */
async function createWatching(
  options: CreateServicesOptions,
  events: EventHub,
  publisher: ReturnType<typeof createPublisher>,
  connection: ReturnType<typeof createConnectionManager>,
  fetchImpl: typeof fetch,
): Promise<ReleaseWatcher> {
  const settings = options.releases === false ? {} : (options.releases ?? {})
  const budget = new HourlyBudget(1800, 360)
  const client = clientPerConnection(connection, (active) =>
    createAscClient({
      baseUrl: active.apiUrl,
      tokens: active.tokens,
      fetch: fetchImpl,
      onAudit: (e) => budget.observeRemaining(Date.now(), e.rateLimitRemaining),
    }),
  )
  const watcher = await createReleaseWatcher({
    dataDir: options.dataDir,
    budget,
    timers: true,
    ...(settings.policy ? { policy: settings.policy } : {}),
    ...(settings.isOnline ? { isOnline: settings.isOnline } : {}),
    client,
    onChange(app, transitions) {
      events.emit('app', { type: 'release-status', app })
      for (const transition of transitions) events.emit('app', { type: 'release-transition', transition })
    },
  })
  publisher.onEvent((event) => {
    if (event.type !== 'run-finished' || !WATCHED_OUTCOMES.includes(event.outcome)) return
    void publisher
      .getRun(event.runId)
      .then((run) => watcher.watch(run.bundleId))
      .catch(() => undefined)
  })
  return watcher
}

const WATCHED_OUTCOMES: readonly string[] = ['submitted-for-review', 'testflight', 'published']
