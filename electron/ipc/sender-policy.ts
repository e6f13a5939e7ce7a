import { APP_ORIGIN } from './channels'

/**
 * Whether a frame URL is our renderer: app://ascent/… in a packaged or built app, or the electron-vite dev
 * server (ELECTRON_RENDERER_URL) while developing. Anything else — another origin after a navigation we
 * failed to stop, an iframe, a data: URL — is not allowed to call main.
 */
export function isTrustedRendererUrl(url: string, devServerUrl: string | undefined): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (`${parsed.protocol}//${parsed.host}` === APP_ORIGIN) return true
  if (!devServerUrl) return false
  try {
    return parsed.origin === new URL(devServerUrl).origin && /^https?:$/.test(parsed.protocol)
  } catch {
    return false
  }
}

const EXTERNAL_HOSTS = new Set([
  'appstoreconnect.apple.com',
  'developer.apple.com',
  'testflight.apple.com',
  'apps.apple.com',
  'docs.codemagic.io',
])

/** Links the window may open in the system browser: https to Apple's and Codemagic's documentation and consoles only. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (
      parsed.protocol === 'https:' &&
      EXTERNAL_HOSTS.has(parsed.hostname) &&
      parsed.username === '' &&
      parsed.password === ''
    )
  } catch {
    return false
  }
}
