/** Where the web bridge answers: the server (bridge-server.ts) and the page's script (bridge-client.ts) both read these. */
export const BRIDGE_PATHS = {
  /** POST /api/call/<name>, body: the call's argument array. */
  call: '/api/call/',
  /** PUT /api/files?name=<file name>, body: the dropped file's bytes. */
  files: '/api/files',
  /** WebSocket: `{ name: 'publish' | 'app', event }` messages. */
  events: '/api/events',
  /** The bundled bridge-client.ts, injected into index.html before the app's scripts. */
  script: '/bridge.js',
} as const
