import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import type { KeyMetadata } from '../../../shared/ipc'
import type { PublishEvent } from '../../../shared/publish-events'
import { dispatchCall } from '../../../electron/services/call-handlers'
import {
  createConnectionManager,
  preferredKey,
  type SandboxHandle,
} from '../../../electron/services/connection'
import { createEventHub } from '../../../electron/services/event-hub'
import { createFileRegistry } from '../../../electron/services/file-registry'
import { buildPathsFromArgv, createBuildOpener } from '../../../electron/services/open-builds'
import { runFinishedNotice, taskbarProgress } from '../../../electron/services/window-signals'
import { suggestCopyright } from '../../../electron/services/app-lookup'
import { rendererDirFor } from '../../../electron/cli/commands/web'
import type { CallHandlers } from '../../../electron/services/types'
import { ecPrivateKeyPem } from '../../integration/web/support'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-shell-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function handlersWith(
  overrides: Partial<Record<string, (...args: unknown[]) => Promise<unknown>>>,
): CallHandlers {
  return overrides as unknown as CallHandlers
}

describe('dispatchCall', () => {
  it('strips fields the contract does not declare from results (a leaked key never crosses)', async () => {
    const pem = ecPrivateKeyPem()
    const handlers = handlersWith({
      testKey: async () => ({
        name: 'k',
        keyId: 'K1',
        issuerId: null,
        individual: true,
        createdAt: '2026-01-01T00:00:00Z',
        lastVerifiedAt: null,
        lastError: null,
        privateKey: pem,
      }),
    })
    const reply = await dispatchCall(handlers, 'testKey', ['K1'], {})
    expect(reply).toEqual({
      ok: true,
      value: {
        name: 'k',
        keyId: 'K1',
        issuerId: null,
        individual: true,
        createdAt: '2026-01-01T00:00:00Z',
        lastVerifiedAt: null,
        lastError: null,
      },
    })
  })

  it('redacts PEM blocks and tokens from error messages, and maps unknown errors to INTERNAL', async () => {
    const pem = ecPrivateKeyPem()
    const handlers = handlersWith({
      removeKey: async () => {
        throw new AscentError('BAD_KEY', `cannot use ${pem}`, {
          detail: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.sig',
        })
      },
      listKeys: async () => {
        throw new TypeError('boom')
      },
    })
    const bad = await dispatchCall(handlers, 'removeKey', ['K1'], {})
    expect(JSON.stringify(bad)).not.toMatch(/BEGIN|eyJ/)
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_KEY' } })
    expect(await dispatchCall(handlers, 'listKeys', [], {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    })
  })

  it('refuses a result outside the contract as INTERNAL and arguments outside it as BAD_INPUT', async () => {
    const handlers = handlersWith({
      listKeys: async () => [{ nope: true }],
      removeKey: async () => ({ ok: true }),
    })
    expect(await dispatchCall(handlers, 'listKeys', [], {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    })
    expect(await dispatchCall(handlers, 'removeKey', [], {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })
    expect(await dispatchCall(handlers, 'removeKey', ['K1', 'extra'], {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })
    expect(await dispatchCall(handlers, 'removeKey', ['K1'], {})).toEqual({ ok: true, value: { ok: true } })
  })
})

describe('file registry', () => {
  it('hands out ids for real files and resolves only those ids', async () => {
    const files = createFileRegistry()
    const path = join(dir, 'App.ipa')
    await writeFile(path, 'abc')
    const ref = await files.register(path)
    expect(ref).toMatchObject({ name: 'App.ipa', path, sizeBytes: 3 })
    expect(files.resolve(ref)).toBe(path)
    expect(() => files.resolve({ ...ref, id: 'other' })).toThrow(AscentError)
    await expect(files.register(dir)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(files.register(join(dir, 'missing.ipa'))).rejects.toMatchObject({ code: 'BAD_INPUT' })
    expect((await files.register(path, { shownPath: 'App.ipa' })).path).toBe('App.ipa')
  })
})

describe('event hub', () => {
  it('delivers to every listener, survives a throwing one, and unsubscribes', () => {
    const errors: unknown[] = []
    const hub = createEventHub({ onListenerError: (e) => errors.push(e) })
    const seen: string[] = []
    const stop = hub.subscribe('app', (e) => seen.push(`a:${e.type}`))
    hub.subscribe('app', () => {
      throw new Error('closed socket')
    })
    hub.subscribe('app', (e) => seen.push(`b:${e.type}`))
    hub.emit('app', { type: 'navigate', screen: 'keys' })
    stop()
    hub.emit('app', { type: 'navigate', screen: 'history' })
    expect(seen).toEqual(['a:navigate', 'b:navigate', 'b:navigate'])
    expect(errors).toHaveLength(2)
  })
})

describe('connection', () => {
  const keychain = { available: true, message: null }
  const key = (keyId: string, extra: Partial<KeyMetadata> = {}): KeyMetadata => ({
    name: keyId,
    keyId,
    issuerId: 'issuer',
    individual: false,
    createdAt: '2026-01-01T00:00:00Z',
    lastVerifiedAt: null,
    lastError: null,
    ...extra,
  })

  it('prefers the key that last worked, else the newest', () => {
    expect(preferredKey([])).toBeNull()
    expect(preferredKey([key('A'), key('B', { createdAt: '2026-02-01T00:00:00Z' })])?.keyId).toBe('B')
    expect(
      preferredKey([
        key('A', { lastVerifiedAt: '2026-03-01T00:00:00Z' }),
        key('B', { lastVerifiedAt: '2026-04-01T00:00:00Z', lastError: 'revoked' }),
        key('C', { createdAt: '2026-05-01T00:00:00Z' }),
      ])?.keyId,
    ).toBe('A')
  })

  it('starts the sandbox once when nothing is set up, and leaves it as soon as a key exists', async () => {
    const keys: KeyMetadata[] = []
    let starts = 0
    const pem = ecPrivateKeyPem()
    const sandbox: SandboxHandle = {
      url: 'http://127.0.0.1:1/',
      keyId: 'SBX',
      issuerId: 'i',
      privateKeyPem: pem,
      privateKeyPath: '/x',
      close: async () => undefined,
    }
    const told: string[] = []
    const manager = createConnectionManager({
      env: {},
      apiUrl: 'https://api.appstoreconnect.apple.com',
      forceSandbox: false,
      keys: {
        list: async () => keys,
        keychainStatus: async () => keychain,
        tokenSourceFor: async (keyId) => ({ keyId, token: async () => 'jwt', invalidate: () => undefined }),
        privateKeyPemFor: async (keyId) => `PEM of ${keyId}`,
      },
      startSandbox: async () => {
        starts++
        return sandbox
      },
      onSandboxStarted: (_s, reason) => told.push(reason),
    })
    const [a, b] = await Promise.all([manager.info(), manager.info()])
    expect(a).toEqual({
      mode: 'sandbox',
      apiUrl: sandbox.url,
      keyId: 'SBX',
      keyName: 'Sandbox key',
      keychain,
    })
    expect(b.mode).toBe('sandbox')
    // altool cannot be pointed at the sandbox, so its connection carries no key for it.
    expect((await manager.active()).signingKey).toBeUndefined()
    expect(starts).toBe(1)
    expect(told).toEqual(['no-credentials'])
    keys.push(key('K1'))
    expect(await manager.info()).toMatchObject({
      mode: 'key',
      keyId: 'K1',
      apiUrl: 'https://api.appstoreconnect.apple.com',
    })
    const stored = (await manager.active()).signingKey
    expect(stored?.keyId).toBe('K1')
    expect(await stored?.privateKeyPem()).toBe('PEM of K1')
    await manager.close()
  })

  it('uses the APP_STORE_CONNECT_* variables first, and never starts the sandbox for them', async () => {
    const manager = createConnectionManager({
      env: {
        APP_STORE_CONNECT_KEY_IDENTIFIER: 'ENVKEY',
        APP_STORE_CONNECT_ISSUER_ID: 'iss',
        APP_STORE_CONNECT_PRIVATE_KEY: ecPrivateKeyPem(),
      },
      apiUrl: 'http://127.0.0.1:2/',
      forceSandbox: false,
      keys: {
        list: async () => [],
        keychainStatus: async () => keychain,
        tokenSourceFor: async () => Promise.reject(new Error('unused')),
        privateKeyPemFor: async () => Promise.reject(new Error('unused')),
      },
      startSandbox: async () => Promise.reject(new Error('must not start')),
    })
    const info = await manager.info()
    const signingKey = (await manager.active()).signingKey
    expect(signingKey).toMatchObject({ keyId: 'ENVKEY', issuerId: 'iss' })
    expect(await signingKey?.privateKeyPem()).toMatch(/BEGIN PRIVATE KEY/)
    expect(info).toMatchObject({ mode: 'env', keyId: 'ENVKEY', apiUrl: 'http://127.0.0.1:2/' })
    expect(JSON.stringify(info)).not.toMatch(/BEGIN/)
  })
})

describe('window helpers', () => {
  it('finds build paths on a command line', () => {
    expect(
      buildPathsFromArgv(['/Applications/Ascent', '--inspect', 'a.IPA', 'notes.txt', '/abs/b.pkg'], '/work'),
    ).toEqual(['/work/a.IPA', '/abs/b.pkg'])
  })

  it('queues builds opened before the window listens, then sends open-build events', async () => {
    const files = createFileRegistry()
    const events = createEventHub()
    const seen: string[] = []
    events.subscribe('app', (e) => seen.push(e.type === 'open-build' ? e.file.name : e.type))
    const opener = createBuildOpener({ files, events })
    const path = join(dir, 'Early.ipa')
    await writeFile(path, 'x')
    await opener.open(path)
    expect(seen).toEqual([])
    const delivered = new Promise<void>((resolve) => events.subscribe('app', () => resolve()))
    opener.windowReady()
    await delivered
    expect(seen).toEqual(['Early.ipa'])
  })

  it('turns upload progress into a taskbar fraction and a finished run into a notice', () => {
    const base = { runId: 'r', at: '2026-01-01T00:00:00Z' }
    const progress: PublishEvent = {
      ...base,
      type: 'step-progress',
      step: 'upload',
      bytesDone: 25,
      bytesTotal: 100,
    }
    expect(taskbarProgress(progress)).toBe(0.25)
    expect(
      taskbarProgress({ ...base, type: 'step-progress', step: 'processing', state: 'PROCESSING' }),
    ).toBeUndefined()
    expect(taskbarProgress({ ...base, type: 'step-finished', step: 'upload', summary: 'done' })).toBe(-1)
    const finished: PublishEvent = {
      ...base,
      type: 'run-finished',
      outcome: 'failed',
      message: 'Upload failed',
      links: [],
    }
    expect(taskbarProgress(finished)).toBe(-1)
    expect(runFinishedNotice(finished)).toEqual({ title: 'Ascent: Publish failed', body: 'Upload failed' })
    expect(runFinishedNotice(progress)).toBeNull()
  })
})

describe('small rules', () => {
  it("suggests this year in last year's copyright", () => {
    expect(suggestCopyright('© 2023 Example Inc.', 2026)).toBe('© 2026 Example Inc.')
    expect(suggestCopyright('2019-2024 Example', 2026)).toBe('2019–2026 Example')
    expect(suggestCopyright('Example Inc.', 2026)).toBe('2026 Example Inc.')
    expect(suggestCopyright(null, 2026)).toBeNull()
  })

  it('finds the renderer next to the CLI bundle', () => {
    expect(rendererDirFor('/opt/ascent/dist-cli', {})).toBe('/opt/ascent/out/renderer')
    expect(rendererDirFor('/opt/ascent/dist-cli', { ASCENT_RENDERER_DIR: '/r' })).toBe('/r')
  })
})
