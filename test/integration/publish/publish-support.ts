import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PublishOptions, RunRecord } from '../../../shared/ipc'
import type { PublishEvent } from '../../../shared/publish-events'
import { defaultReleaseSettings, type ReleaseSettings } from '../../../shared/release-settings'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import { inspectBuild } from '../../../electron/ipa'
import { defaultSeed, type SandboxOptions } from '../../../electron/sandbox'
import { createPublisher } from '../../../electron/publish/publisher'
import { defaultUploaderFactory } from '../../../electron/publish/default-uploader'
import type { Publisher, PublisherDeps, PublishJob } from '../../../electron/publish/types'
import { makeIpa, type IpaOptions } from '../../fixtures/build-factory'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

export type SandboxStateView = ReturnType<TestSandbox['state']>

export interface PublishHarness {
  readonly sandbox: TestSandbox
  readonly dir: string
  readonly dataDir: string
  readonly publisher: Publisher
  readonly events: PublishEvent[]
  ipa(options?: IpaOptions): Promise<string>
  job(file: string, settings?: Partial<ReleaseSettings>, options?: Partial<PublishOptions>): PublishJob
  /** start + wait: the finished run. */
  publish(
    file: string,
    settings?: Partial<ReleaseSettings>,
    options?: Partial<PublishOptions>,
  ): Promise<RunRecord>
  close(): Promise<void>
}

const fastOptions: PublishOptions = { uploadMethod: 'api', processingTimeoutMs: 20_000 }

/** A sandbox with tiny timers, a temp data dir and a publisher wired to both, as the app wires them. */
export async function publishHarness(
  sandboxOptions: SandboxOptions & { readonly clockOffsetMs?: number } = {},
  overrides: Partial<PublisherDeps> = {},
): Promise<PublishHarness> {
  // App Store Connect's clock may differ from ours: the sandbox and the tokens it accepts share the offset.
  const offset = sandboxOptions.clockOffsetMs ?? 0
  const serverNow = (): number => Date.now() + offset
  const sandbox = await startTestSandbox({
    processingMs: 30,
    betaReviewMs: 5_000,
    reviewMs: 5_000,
    ...sandboxOptions,
    ...(offset !== 0 ? { now: serverNow } : {}),
  })
  const dir = await mkdtemp(join(tmpdir(), 'ascent-publish-'))
  const dataDir = join(dir, 'data')
  const tokens = createTokenSource({
    keyId: sandbox.keyId,
    issuerId: sandbox.issuerId,
    privateKey: parsePrivateKey(sandbox.privateKeyPem),
    now: serverNow,
  })
  const publisher = createPublisher({
    dataDir,
    credentials: async () => ({ apiUrl: sandbox.url, tokens }),
    uploaderFactory: defaultUploaderFactory({ api: { pollIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20 } }),
    inspect: (path) => inspectBuild(path),
    pollIntervals: { initialMs: 10, maxMs: 40 },
    cancelTimeoutMs: 10_000,
    client: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
    ...overrides,
  })
  const events: PublishEvent[] = []
  publisher.onEvent((e) => events.push(e))
  const job = (
    file: string,
    settings: Partial<ReleaseSettings> = {},
    options: Partial<PublishOptions> = {},
  ): PublishJob => ({
    file: { id: 'test', name: file.split('/').pop() ?? file, path: file, sizeBytes: 0 },
    filePath: file,
    settings: { ...defaultReleaseSettings, ...settings },
    options: { ...fastOptions, ...options },
  })
  return {
    sandbox,
    dir,
    dataDir,
    publisher,
    events,
    ipa: (options = {}) => makeIpa(options, dir),
    job,
    async publish(file, settings, options) {
      const { runId } = await publisher.start(job(file, settings, options))
      return publisher.wait(runId)
    },
    async close() {
      await sandbox.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export function buildOf(state: SandboxStateView, buildNumber: string) {
  return state.builds.filter((b) => b.buildNumber === buildNumber)
}

type SeedApp = NonNullable<SandboxOptions['seed']>['apps'][number]

/** The demo app (com.example.ascent.demo, groups Core Team/QA internal, Public Beta/Friends & Family external) with changes. */
export function demoSeed(changes: Partial<SeedApp> = {}): NonNullable<SandboxOptions['seed']> {
  const app = defaultSeed.apps[0]!
  return { apps: [{ ...app, ...changes }] }
}
