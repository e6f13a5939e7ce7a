import { generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KeychainStatus } from '../../../shared/ipc'
import type { KeyStore } from '../../../electron/keys/key-store'
import { defaultUploaderFactory } from '../../../electron/publish/default-uploader'
import { createServices, type CreateServicesOptions } from '../../../electron/services/create-services'
import type { AscentServices } from '../../../electron/services/types'
import { startWebBridge, type WebBridge } from '../../../electron/web/bridge-server'

/** A KeyStore in memory: these tests are about the transport, not the keychain (test/integration/keys covers that). */
function memoryKeyStore(): KeyStore {
  const secrets = new Map<string, string>()
  const status: KeychainStatus = { available: true, message: null }
  return {
    getSecret: async (keyId) => secrets.get(keyId) ?? null,
    async setSecret(keyId, pem) {
      secrets.set(keyId, pem)
    },
    deleteSecret: async (keyId) => secrets.delete(keyId),
    status: async () => status,
  }
}

export function ecPrivateKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
}

/** Every handler reply is checked against this: no PEM block, no JWT, ever. */
export const KEY_MATERIAL = /-----BEGIN|PRIVATE KEY|\beyJ[A-Za-z0-9_-]{5,}/

export interface BridgeFixture {
  readonly dir: string
  readonly services: AscentServices
  readonly bridge: WebBridge
  readonly sandboxStarts: () => number
  close(): Promise<void>
}

export async function startBridgeFixture(
  overrides: Partial<CreateServicesOptions> = {},
): Promise<BridgeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ascent-web-'))
  const rendererDir = join(dir, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
  )
  await writeFile(
    join(rendererDir, 'assets', 'app.js'),
    'document.getElementById("root").textContent = typeof window.ascent\n',
  )
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0 }\n')
  let sandboxStarts = 0
  // The real in-process sandbox (no key, no env: the default), with App Store Connect's waits shortened.
  const services = await createServices({
    dataDir: join(dir, 'data'),
    configDir: join(dir, 'config'),
    env: {},
    keyStore: memoryKeyStore(),
    sandboxOptions: { processingMs: 30, betaReviewMs: 5_000, reviewMs: 5_000 },
    onSandboxStarted: () => void sandboxStarts++,
    publisher: {
      pollIntervals: { initialMs: 10, maxMs: 40 },
      client: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
      uploaderFactory: defaultUploaderFactory({
        api: { pollIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20 },
      }),
    },
    ...overrides,
  })
  const bridge = await startWebBridge({ services, rendererDir })
  return {
    dir,
    services,
    bridge,
    sandboxStarts: () => sandboxStarts,
    async close() {
      await bridge.close()
      await services.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
