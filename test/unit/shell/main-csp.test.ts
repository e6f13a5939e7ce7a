import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ORIGIN } from '../../../electron/ipc/channels'
import { contentSecurityPolicy } from '../../../electron/web/static-files'

const root = join(__dirname, '../../..')

describe('window security', () => {
  it("main.ts' literal CSP (for Electronegativity) is the one contentSecurityPolicy() builds for app://", () => {
    const main = readFileSync(join(root, 'electron/main.ts'), 'utf8')
    const literal = /'Content-Security-Policy': \[\s*"([^"]+)"/.exec(main)?.[1]
    expect(literal).toBe(contentSecurityPolicy({ scriptSrc: APP_ORIGIN }))
    expect(literal).not.toMatch(/unsafe-eval|unsafe-inline|\*/)
  })

  it('keeps the BrowserWindow hardened', () => {
    const main = readFileSync(join(root, 'electron/main.ts'), 'utf8')
    for (const setting of [
      'contextIsolation: true',
      'sandbox: true',
      'nodeIntegration: false',
      'webSecurity: true',
      'webviewTag: false',
    ]) {
      expect(main).toContain(setting)
    }
    expect(main).toContain('setWindowOpenHandler')
    expect(main).toContain("'will-navigate'")
    expect(main).toContain('setPermissionRequestHandler')
    expect(main).toContain('requestSingleInstanceLock')
  })

  it('Electronegativity finds nothing in electron/', () => {
    const run = spawnSync(process.execPath, [join(root, 'build/audit-electron.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(run.stdout + run.stderr).toMatch(/ 0 findings, 0 unparsed files/)
    expect(run.status).toBe(0)
  }, 130_000)
})
