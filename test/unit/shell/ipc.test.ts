import { describe, expect, it } from 'vitest'
import { CALL_NAMES, type CallReply } from '../../../shared/ipc'
import { callChannel } from '../../../electron/ipc/channels'
import { isAllowedExternalUrl, isTrustedRendererUrl } from '../../../electron/ipc/sender-policy'
import { registerCalls, type TypedIpcOptions } from '../../../electron/ipc/typed-ipc'
import type { CallHandlers } from '../../../electron/services/types'

describe('sender policy', () => {
  it('trusts only app://ascent and, in development, the dev server origin', () => {
    expect(isTrustedRendererUrl('app://ascent/index.html', undefined)).toBe(true)
    expect(isTrustedRendererUrl('app://evil/index.html', undefined)).toBe(false)
    expect(isTrustedRendererUrl('file:///tmp/index.html', undefined)).toBe(false)
    expect(isTrustedRendererUrl('http://localhost:5173/', undefined)).toBe(false)
    expect(isTrustedRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isTrustedRendererUrl('https://example.com/', 'http://localhost:5173')).toBe(false)
    expect(isTrustedRendererUrl('not a url', 'http://localhost:5173')).toBe(false)
  })

  it('opens only https links to Apple and Codemagic in the browser', () => {
    expect(isAllowedExternalUrl('https://appstoreconnect.apple.com/apps/1/distribution')).toBe(true)
    expect(isAllowedExternalUrl('http://appstoreconnect.apple.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://appstoreconnect.apple.com.evil.example/')).toBe(false)
    expect(isAllowedExternalUrl('https://user@appstoreconnect.apple.com/')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
  })
})

describe('typed ipcMain', () => {
  type Invoke = (event: unknown, args: unknown) => Promise<CallReply<unknown>>
  function setup(trusted: boolean) {
    const channels = new Map<string, Invoke>()
    const handlers = new Proxy({} as CallHandlers, {
      get: (_t, name) => async () => (name === 'listKeys' ? [] : { ok: true }),
    })
    const ipcMain = {
      handle: (channel: string, fn: Invoke) => void channels.set(channel, fn),
      removeHandler: (channel: string) => void channels.delete(channel),
    } as unknown as TypedIpcOptions['ipcMain']
    const remove = registerCalls({
      ipcMain,
      handlers,
      isTrustedSender: () => trusted,
      contextFor: () => ({}),
    })
    return { remove, channels }
  }

  it('registers every call of the contract on its derived channel, and removes them all', () => {
    const { remove, channels } = setup(true)
    expect([...channels.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort())
    remove()
    expect(channels.size).toBe(0)
  })

  it('validates arguments and refuses untrusted senders', async () => {
    const trusted = setup(true)
    expect(await trusted.channels.get(callChannel('listKeys'))?.({}, [])).toEqual({ ok: true, value: [] })
    expect(await trusted.channels.get(callChannel('removeKey'))?.({}, [42])).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })
    expect(await trusted.channels.get(callChannel('removeKey'))?.({}, 'K1')).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })
    const untrusted = setup(false)
    expect(await untrusted.channels.get(callChannel('listKeys'))?.({}, [])).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
  })
})
