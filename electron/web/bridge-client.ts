import type {
  AscentApi,
  AscentCalls,
  CallReply,
  DroppedFile,
  EventName,
  FileRef,
  Unsubscribe,
} from '../../shared/ipc'
import type { AscentErrorShape } from '../../shared/errors'

/** The few browser globals the shim uses (this file typechecks under the Node tsconfig, which has no DOM lib). */
interface BridgeSocket {
  onmessage: ((message: { readonly data: unknown }) => void) | null
  onclose: (() => void) | null
  close(): void
}
interface BridgeGlobals {
  readonly location: { readonly protocol: string; readonly host: string }
  fetch(
    url: string,
    init: {
      method: string
      headers?: Record<string, string>
      body?: string | Blob
      credentials?: 'same-origin'
    },
  ): Promise<{
    readonly ok: boolean
    readonly status: number
    json(): Promise<unknown>
  }>
  readonly WebSocket: new (url: string) => BridgeSocket
  setTimeout(callback: () => void, ms: number): unknown
  ascent?: AscentApi
}

export interface BridgeClientConfig {
  readonly callNames: readonly string[]
  readonly callPath: string
  readonly filesPath: string
  readonly eventsPath: string
}

/**
 * Installs `window.ascent` in the browser: the same AscentApi as preload, over HTTP (calls, file uploads)
 * and a WebSocket (events). This function is sent to the browser as source text (see bridgeScript), so it
 * must not use anything from outside its own body — type imports only.
 */
function installAscentBridge(config: BridgeClientConfig): void {
  const page = globalThis as unknown as BridgeGlobals

  // Same name as shared/ipc.ts' AscentCallError, whose instanceof check recognises it.
  class AscentCallError extends Error {
    readonly code: AscentErrorShape['code']
    readonly detail: string | undefined
    constructor(shape: AscentErrorShape) {
      super(shape.message)
      this.name = 'AscentCallError'
      this.code = shape.code
      this.detail = shape.detail
    }
  }

  async function unwrap<T>(
    response: Promise<{ readonly status: number; json(): Promise<unknown> }>,
    what: string,
  ): Promise<T> {
    let reply: CallReply<T>
    try {
      const res = await response
      const body = (await res.json()) as CallReply<T> | null
      if (body === null || typeof body !== 'object' || typeof body.ok !== 'boolean')
        throw new Error(`HTTP ${res.status}`)
      reply = body
    } catch (error) {
      throw new AscentCallError({
        code: 'NETWORK',
        message: `${what}: the Ascent bridge did not answer (${error instanceof Error ? error.message : String(error)}). Is \`ascent web\` still running?`,
      })
    }
    if (reply.ok) return reply.value
    throw new AscentCallError(reply.error)
  }

  function call(name: string, args: readonly unknown[]): Promise<unknown> {
    return unwrap(
      page.fetch(config.callPath + encodeURIComponent(name), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
        credentials: 'same-origin',
      }),
      name,
    )
  }

  const listeners: { [N in EventName]: Set<(event: never) => void> } = { publish: new Set(), app: new Set() }
  let retryMs = 250
  function connect(): void {
    const scheme = page.location.protocol === 'https:' ? 'wss:' : 'ws:'
    const socket = new page.WebSocket(`${scheme}//${page.location.host}${config.eventsPath}`)
    socket.onmessage = (message) => {
      retryMs = 250
      let parsed: { name?: unknown; event?: unknown }
      try {
        parsed = JSON.parse(String(message.data)) as { name?: unknown; event?: unknown }
      } catch {
        return
      }
      const set = parsed.name === 'publish' || parsed.name === 'app' ? listeners[parsed.name] : null
      for (const listener of [...(set ?? [])]) (listener as (event: unknown) => void)(parsed.event)
    }
    // The bridge may restart or the socket drop; keep listening without the page having to know.
    socket.onclose = () => {
      page.setTimeout(connect, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  connect()

  function subscribe(name: EventName, listener: (event: never) => void): Unsubscribe {
    listeners[name].add(listener)
    return () => {
      listeners[name].delete(listener)
    }
  }

  const calls = Object.fromEntries(
    config.callNames.map((name) => [name, (...args: unknown[]) => call(name, args)]),
  ) as unknown as AscentCalls
  const api: AscentApi = {
    ...calls,
    transport: 'web',
    fileFromDrop(file: DroppedFile): Promise<FileRef> {
      return unwrap(
        page.fetch(`${config.filesPath}?name=${encodeURIComponent(file.name)}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: file,
          credentials: 'same-origin',
        }),
        file.name,
      )
    },
    onPublishEvent: (listener) => subscribe('publish', listener),
    onAppEvent: (listener) => subscribe('app', listener),
  }
  Object.defineProperty(page, 'ascent', {
    value: Object.freeze(api),
    writable: false,
    configurable: false,
    enumerable: true,
  })
}

/** The shim as a script the bridge serves at /bridge.js. */
export function bridgeScript(config: BridgeClientConfig): string {
  return `"use strict";\n(${installAscentBridge.toString()})(${JSON.stringify(config)});\n`
}
