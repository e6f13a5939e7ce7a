import type { AscentErrorShape } from '../../shared/errors'
import {
  AscentCallError,
  CALL_NAMES,
  type AscentApi,
  type AscentCalls,
  type CallReply,
  type DroppedFile,
  type EventName,
  type FileRef,
  type Unsubscribe,
} from '../../shared/ipc'
import { BRIDGE_PATHS } from './bridge-paths'

/*
 * Runs in the browser, not in Node: `window.ascent` for a page served by `ascent web`, the same AscentApi
 * preload exposes in Electron, over HTTP (calls, file uploads) and a WebSocket (events). The build bundles
 * this file into the script the bridge serves at /bridge.js (scripts/bridge-client-bundle.mjs); it is
 * typechecked with the window's DOM types (tsconfig.web.json).
 */

async function unwrap<T>(response: Promise<Response>, what: string): Promise<T> {
  let reply: CallReply<T>
  try {
    const res = await response
    const body = (await res.json()) as CallReply<T> | null
    if (body === null || typeof body !== 'object' || typeof body.ok !== 'boolean')
      throw new Error(`HTTP ${res.status}`)
    reply = body
  } catch (error) {
    const shape: AscentErrorShape = {
      code: 'NETWORK',
      message: `${what}: the Ascent bridge did not answer (${error instanceof Error ? error.message : String(error)}). Is \`ascent web\` still running?`,
    }
    throw new AscentCallError(shape)
  }
  if (reply.ok) return reply.value
  throw new AscentCallError(reply.error)
}

// Calls wait until the event socket is first open (or has failed once): the events a window attaching to a
// live run must not miss come after it. A socket that cannot open does not block calls.
let socketReady: () => void = () => undefined
const firstSocket = new Promise<void>((resolve) => (socketReady = resolve))

async function call(name: string, args: readonly unknown[]): Promise<unknown> {
  await firstSocket
  return unwrap(
    fetch(BRIDGE_PATHS.call + encodeURIComponent(name), {
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
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const socket = new WebSocket(`${scheme}//${location.host}${BRIDGE_PATHS.events}`)
  socket.onopen = () => socketReady()
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
    socketReady()
    setTimeout(connect, retryMs)
    retryMs = Math.min(retryMs * 2, 5000)
  }
}

function subscribe(name: EventName, listener: (event: never) => void): Unsubscribe {
  listeners[name].add(listener)
  return () => {
    listeners[name].delete(listener)
  }
}

const calls = Object.fromEntries(
  CALL_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)]),
) as unknown as AscentCalls

const api: AscentApi = {
  ...calls,
  transport: 'web',
  fileFromDrop(file: DroppedFile): Promise<FileRef> {
    return unwrap(
      fetch(`${BRIDGE_PATHS.files}?name=${encodeURIComponent(file.name)}`, {
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

connect()
Object.defineProperty(window, 'ascent', {
  value: Object.freeze(api),
  writable: false,
  configurable: false,
  enumerable: true,
})
