import { describe, expect, expectTypeOf, it } from 'vitest'
import { AscentCallError, CALL_NAMES, type AscentApi, type CallReply } from '../../../shared/ipc'
import { createPreloadApi, type PreloadDeps } from '../../../electron/ipc/preload-api'
import { callChannel, EVENT_CHANNEL, FILE_DROP_CHANNEL } from '../../../electron/ipc/channels'

type Api = ReturnType<typeof createPreloadApi>

// Type level: the preload object is exactly AscentApi — every member typed as the contract says, and no extra key.
expectTypeOf<Api>().toExtend<AscentApi>()
expectTypeOf<keyof Api>().toEqualTypeOf<keyof AscentApi>()
expectTypeOf<Api['inspectBuild']>().toEqualTypeOf<AscentApi['inspectBuild']>()
expectTypeOf<Api['onPublishEvent']>().toEqualTypeOf<AscentApi['onPublishEvent']>()

type Listener = (event: unknown, message: unknown) => void

function fakeIpc(answer: (channel: string, args: unknown) => CallReply<unknown>) {
  const invoked: { channel: string; args: unknown }[] = []
  const listeners = new Set<Listener>()
  const deps: PreloadDeps = {
    ipcRenderer: {
      invoke: async (channel: string, args: unknown) => {
        invoked.push({ channel, args })
        return answer(channel, args)
      },
      on(_channel: string, listener: Listener) {
        listeners.add(listener)
        return deps.ipcRenderer as never
      },
      removeListener(_channel: string, listener: Listener) {
        listeners.delete(listener)
        return deps.ipcRenderer as never
      },
    } as unknown as PreloadDeps['ipcRenderer'],
    webUtils: {
      getPathForFile: (file: { name: string }) => `/Users/me/${file.name}`,
    } as unknown as PreloadDeps['webUtils'],
  }
  return {
    deps,
    invoked,
    emit: (message: unknown) => listeners.forEach((l) => l({ sender: 'secret' }, message)),
    listeners,
  }
}

describe('preload api', () => {
  it('has exactly the contract keys and no generic invoke/send/on', () => {
    const api = createPreloadApi(fakeIpc(() => ({ ok: true, value: null })).deps)
    expect(Object.keys(api).sort()).toEqual(
      [...CALL_NAMES, 'transport', 'fileFromDrop', 'onPublishEvent', 'onAppEvent'].sort(),
    )
    expect(api.transport).toBe('electron')
  })

  it('sends each call on its own channel with the arguments as one array, and unwraps the value', async () => {
    const ipc = fakeIpc(() => ({ ok: true, value: [{ id: 'g1', name: 'QA', isInternal: true }] }))
    const api = createPreloadApi(ipc.deps)
    await expect(api.listBetaGroups('app-1')).resolves.toEqual([{ id: 'g1', name: 'QA', isInternal: true }])
    expect(ipc.invoked).toEqual([{ channel: callChannel('listBetaGroups'), args: ['app-1'] }])
  })

  it('rejects with a plain shape that survives contextBridge and is an AscentCallError', async () => {
    const api = createPreloadApi(
      fakeIpc(() => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no run r1' } })).deps,
    )
    const error: unknown = await api.getRun('r1').catch((e: unknown) => e)
    expect(error).toEqual({ name: 'AscentCallError', code: 'NOT_FOUND', message: 'no run r1' })
    expect(error).toBeInstanceOf(AscentCallError)
    expect(structuredClone(error)).toBeInstanceOf(AscentCallError)
  })

  it('registers a dropped file by the path webUtils gives', async () => {
    const ipc = fakeIpc((_c, path) => ({
      ok: true,
      value: { id: 'f1', name: 'A.ipa', path: String(path), sizeBytes: 1 },
    }))
    const api = createPreloadApi(ipc.deps)
    const ref = await api.fileFromDrop(
      new Blob(['x']) as unknown as Parameters<Api['fileFromDrop']>[0] & { name: string },
    )
    expect(ipc.invoked[0]?.channel).toBe(FILE_DROP_CHANNEL)
    expect(ref.id).toBe('f1')
  })

  it('passes only the payload of its own event kind to listeners, and unsubscribes', () => {
    const ipc = fakeIpc(() => ({ ok: true, value: null }))
    const api = createPreloadApi(ipc.deps)
    const seen: unknown[] = []
    const stop = api.onAppEvent((e) => seen.push(e))
    ipc.emit({ name: 'app', event: { type: 'navigate', screen: 'keys' } })
    ipc.emit({ name: 'publish', event: { type: 'log' } })
    expect(seen).toEqual([{ type: 'navigate', screen: 'keys' }])
    stop()
    expect(ipc.listeners.size).toBe(0)
    ipc.emit({ name: 'app', event: { type: 'navigate', screen: 'history' } })
    expect(seen).toHaveLength(1)
    void EVENT_CHANNEL
  })
})
