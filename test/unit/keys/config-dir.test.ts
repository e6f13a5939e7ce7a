import { describe, expect, it } from 'vitest'
import { configDir } from '../../../electron/keys/config-dir'

describe('configDir', () => {
  it('follows each OS convention', () => {
    expect(configDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, home: '/home/a' })).toBe(
      '/x/cfg/ascent',
    )
    expect(configDir({ platform: 'linux', env: {}, home: '/home/a' })).toBe('/home/a/.config/ascent')
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec.
    expect(configDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'rel' }, home: '/home/a' })).toBe(
      '/home/a/.config/ascent',
    )
    expect(configDir({ platform: 'darwin', env: {}, home: '/Users/a' })).toBe(
      '/Users/a/Library/Application Support/Ascent',
    )
    expect(
      configDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' },
        home: 'C:\\Users\\a',
      }),
    ).toBe('C:\\Users\\a\\AppData\\Roaming\\Ascent')
  })

  it('lets ASCENT_CONFIG_DIR and then an injected directory override it', () => {
    expect(configDir({ platform: 'darwin', env: { ASCENT_CONFIG_DIR: '/tmp/a' }, home: '/Users/a' })).toBe(
      '/tmp/a',
    )
    expect(configDir({ override: '/tmp/userData', env: { ASCENT_CONFIG_DIR: '/tmp/a' } })).toBe(
      '/tmp/userData',
    )
  })
})
