import type { AscentApi } from '../../shared/ipc'

declare global {
  interface Window {
    /** Installed by the Electron preload or the web bridge script before the app starts. */
    ascent?: AscentApi
  }
}

export function api(): AscentApi {
  const bridge = window.ascent
  if (!bridge)
    throw new Error('Ascent is not connected: window.ascent is missing (open the window through Ascent).')
  return bridge
}

/** Resolves once a transport has installed window.ascent; a bridge may announce itself with an `ascent-ready` event. */
export function whenApiReady(): Promise<AscentApi> {
  if (window.ascent) return Promise.resolve(window.ascent)
  return new Promise((resolve) => {
    const check = (): void => {
      if (!window.ascent) return
      window.removeEventListener('ascent-ready', check)
      document.removeEventListener('DOMContentLoaded', check)
      resolve(window.ascent)
    }
    window.addEventListener('ascent-ready', check)
    document.addEventListener('DOMContentLoaded', check)
  })
}

/** The message of a rejected call: AscentCallError carries Apple's words in `detail`. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const detail = (error as Error & { detail?: unknown }).detail
    return typeof detail === 'string' && detail !== '' && !error.message.includes(detail)
      ? `${error.message} (${detail})`
      : error.message
  }
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message
  return String(error)
}
