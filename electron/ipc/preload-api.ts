import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron'
import type { AscentErrorShape } from '../../shared/errors'
import {
  CALL_NAMES,
  type AppEvent,
  type AscentApi,
  type AscentCalls,
  type CallName,
  type CallReply,
  type DroppedFile,
  type EventName,
  type FileRef,
  type Unsubscribe,
} from '../../shared/ipc'
import type { PublishEvent } from '../../shared/publish-events'
import { callChannel, EVENT_CHANNEL, FILE_DROP_CHANNEL } from './channels'

/** What contextBridge carries for a failed call: Errors lose their fields crossing it, plain objects do not. */
interface CallErrorShape extends AscentErrorShape {
  readonly name: 'AscentCallError'
}

function unwrap<T>(reply: CallReply<T>): Promise<T> {
  if (reply.ok) return Promise.resolve(reply.value)
  const shape: CallErrorShape = { name: 'AscentCallError', ...reply.error }
  // shared/ipc.ts' AscentCallError recognises this shape with instanceof.
  return Promise.reject(shape)
}

export interface PreloadDeps {
  readonly ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>
  readonly webUtils: Pick<WebUtils, 'getPathForFile'>
}

/**
 * Exactly AscentApi, over the typed channels: no generic invoke/send/on reaches the page. Kept apart from
 * preload.ts (which only exposes it) so it is tested in Node with stand-ins for ipcRenderer and webUtils.
 */
export function createPreloadApi({ ipcRenderer, webUtils }: PreloadDeps) {
  async function call(name: CallName, args: readonly unknown[]): Promise<unknown> {
    return unwrap((await ipcRenderer.invoke(callChannel(name), args)) as CallReply<unknown>)
  }

  function subscribe<E>(wanted: EventName, listener: (event: E) => void): Unsubscribe {
    const handler = (
      _event: IpcRendererEvent,
      message: { readonly name?: unknown; readonly event?: unknown },
    ): void => {
      // The IpcRendererEvent (and its sender) never reaches the page: only the payload.
      if (message?.name === wanted) listener(message.event as E)
    }
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler)
    }
  }

  const calls = Object.fromEntries(
    CALL_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)]),
  ) as unknown as AscentCalls

  return {
    ...calls,
    transport: 'electron' as const,
    async fileFromDrop(file: DroppedFile): Promise<FileRef> {
      // Only a File the user dropped or picked has a path; one built by script has none and is refused in main.
      const path = webUtils.getPathForFile(file as unknown as File)
      return unwrap((await ipcRenderer.invoke(FILE_DROP_CHANNEL, path)) as CallReply<FileRef>)
    },
    onPublishEvent: (listener: (event: PublishEvent) => void): Unsubscribe => subscribe('publish', listener),
    onAppEvent: (listener: (event: AppEvent) => void): Unsubscribe => subscribe('app', listener),
  } satisfies AscentApi
}
