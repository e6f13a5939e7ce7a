import { describe, expect, it } from 'vitest'
import {
  contentSecurityPolicy,
  contentTypeFor,
  injectScript,
  resolveStaticPath,
} from '../../../electron/web/static-files'
import { safeUploadName } from '../../../electron/web/bridge-server'

describe('static files', () => {
  it('stays inside the renderer folder', () => {
    expect(resolveStaticPath('/r', '/')).toBe('/r/index.html')
    expect(resolveStaticPath('/r', '/assets/a.js')).toBe('/r/assets/a.js')
    for (const bad of [
      '/../etc/passwd',
      '/%2e%2e/x',
      '/assets/..%2f..%2fx',
      '/a%00.js',
      '/..\\x',
      '/%E0%A4%A',
    ]) {
      expect(resolveStaticPath('/r', bad), bad).toBeNull()
    }
  })

  it('serves the right content types', () => {
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('a.CSS')).toBe('text/css; charset=utf-8')
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml')
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream')
  })

  it('puts the shim first in <head>', () => {
    expect(
      injectScript(
        '<html><head lang="x"><script type="module" src="/a.js"></script></head></html>',
        '/bridge.js',
      ),
    ).toBe(
      '<html><head lang="x"><script src="/bridge.js"></script><script type="module" src="/a.js"></script></head></html>',
    )
    expect(injectScript('<p>bare</p>', '/b.js')).toBe('<script src="/b.js"></script><p>bare</p>')
  })

  it('builds a CSP without eval, inline scripts or remote hosts', () => {
    const csp = contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:1'] })
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:1")
    expect(csp).not.toMatch(/unsafe|https?:|\*/)
  })

  it('keeps uploaded names to one safe path segment', () => {
    expect(safeUploadName('../../etc/passwd')).toBe('passwd')
    expect(safeUploadName('C:\\Users\\me\\App.ipa')).toBe('App.ipa')
    expect(safeUploadName('a\u0000b?.ipa')).toBe('a_b_.ipa')
    expect(safeUploadName('..')).toBe('upload')
    expect(safeUploadName(null)).toBe('upload')
  })
})
