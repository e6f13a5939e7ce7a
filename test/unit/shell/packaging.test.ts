import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import Ajv from 'ajv'
import { parse as parsePlist } from 'plist'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '../../..')
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  mac: Record<string, unknown>
  win: Record<string, unknown>
  linux: Record<string, unknown>
}
// electron-builder's own JSON schema of its configuration.
const schema = JSON.parse(
  readFileSync(createRequire(join(root, 'package.json')).resolve('app-builder-lib/scheme.json'), 'utf8'),
) as object
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema)

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema, and the schema does catch mistakes", () => {
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ ...config, mac: { ...config.mac, hardenedRuntimee: true } })).toBe(false)
  })

  it('names the app and its targets', () => {
    expect(config.appId).toBe('dev.ascent.app')
    expect(config.productName).toBe('Ascent')
    expect(config.mac.target).toEqual(['dmg', 'zip'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
  })

  it('signs macOS with the hardened runtime and the entitlements in build/, notarizing from the environment', () => {
    expect(config.mac.hardenedRuntime).toBe(true)
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist')
    expect(config.mac.notarize).toBe(true)
    const entitlements = parsePlist(
      readFileSync(join(root, 'build/entitlements.mac.plist'), 'utf8'),
    ) as Record<string, unknown>
    expect(entitlements['com.apple.security.cs.allow-jit']).toBe(true)
    // Nothing that would let other code be injected into a signed Ascent.
    expect(entitlements['com.apple.security.cs.disable-library-validation']).toBeUndefined()
    expect(entitlements['com.apple.security.cs.allow-dyld-environment-variables']).toBeUndefined()
  })

  it('rebuilds keytar for Electron and keeps it outside the asar archive', () => {
    expect(config.npmRebuild).toBe(true)
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**')
    expect(config.files).toContain('out/**')
  })

  it('has a 1024×1024 RGBA PNG icon', () => {
    const png = readFileSync(join(root, 'build/icon.png'))
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[25]]).toEqual([1024, 1024, 6])
    for (const platform of [config.mac, config.win, config.linux])
      expect(platform.icon).toBe('build/icon.png')
  })
})
