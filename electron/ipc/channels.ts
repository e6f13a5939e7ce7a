import type { CallName } from '../../shared/ipc'

/**
 * The only place IPC channel strings are written. Preload and the main-side registration both derive
 * from here; a call's channel comes from its name in shared/ipc.ts.
 */
export function callChannel(name: CallName): string {
  return `ascent:call:${name}`
}

/** Main -> window: `{ name: 'publish' | 'app', event }`. */
export const EVENT_CHANNEL = 'ascent:event'

/** Preload -> main: a path webUtils.getPathForFile gave for a File the user dropped or picked. */
export const FILE_DROP_CHANNEL = 'ascent:file-drop'

/** The window's own scheme: the built renderer is served as app://ascent/… with our response headers (CSP). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'ascent'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
