import { readFile, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

/** Content types of what electron-vite puts in out/renderer (and nothing else is served). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Maps a URL path to a file inside `rootDir`, or null when it would leave it (`..`, encoded or not,
 * absolute paths, NUL bytes). `/` is index.html.
 */
export function resolveStaticPath(rootDir: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relativePath = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const root = resolve(rootDir)
  const target = resolve(root, relativePath)
  const inside = relative(root, target)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..'))
    return null
  return target
}

/**
 * The window's Content-Security-Policy, one for Electron (app:// response headers, dev server) and the
 * web bridge: only our own scripts (no remote code, no eval), images from us or data: URLs (the build's
 * icon), connections only back to where the page came from. Electron names its origin (app://ascent) for
 * scripts rather than 'self': the same in effect, and it leaves no doubt about which host may serve code.
 * React's `style` prop sets styles through the CSSOM, which CSP does not restrict; inline <style> and
 * <script> elements are refused.
 */
export function contentSecurityPolicy(
  options: { readonly connectSrc?: readonly string[]; readonly scriptSrc?: string } = {},
): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])].join(' ')
  return [
    "default-src 'none'",
    `script-src ${options.scriptSrc ?? "'self'"}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}

/** Security headers sent with every bridge response besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
}

/**
 * Puts `<script src=…>` first in <head>, so the bridge shim has installed `window.ascent` before the
 * app's module script runs (a classic script in head blocks; module scripts are deferred).
 */
export function injectScript(html: string, src: string): string {
  const tag = `<script src="${src}"></script>`
  const head = /<head(\s[^>]*)?>/i.exec(html)
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length)
  return tag + html
}

export interface StaticAnswer {
  readonly status: 200 | 404
  readonly contentType: string
  readonly body: Buffer
}

/**
 * One renderer file for a URL path (the bridge and Electron's app:// protocol both serve through this);
 * HTML gets `inject` applied (the bridge adds its shim).
 */
export async function readRendererFile(
  rendererDir: string,
  urlPath: string,
  options: { readonly inject?: (html: string) => string } = {},
): Promise<StaticAnswer> {
  const notFound = (why: string): StaticAnswer => ({
    status: 404,
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from(why),
  })
  const file = resolveStaticPath(rendererDir, urlPath)
  if (file === null) return notFound('not found')
  let body: Buffer
  try {
    if (!(await stat(file)).isFile()) return notFound('not found')
    body = await readFile(file)
  } catch {
    const isIndex = urlPath === '/' || urlPath === '/index.html'
    return notFound(
      isIndex
        ? `not found: is the renderer built? Run npm run build (looked in ${rendererDir})`
        : 'not found',
    )
  }
  if (file.endsWith('.html') && options.inject) body = Buffer.from(options.inject(body.toString('utf8')))
  return { status: 200, contentType: contentTypeFor(file), body }
}
