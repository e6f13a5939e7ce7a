import { describe, expect, it } from 'vitest'
import { cacheDir, configDir, dataDir } from '../../../electron/app-dirs'

describe('configDir and dataDir', () => {
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

  it('lets ASCENT_CONFIG_DIR override it', () => {
    expect(configDir({ platform: 'darwin', env: { ASCENT_CONFIG_DIR: '/tmp/a' }, home: '/Users/a' })).toBe(
      '/tmp/a',
    )
  })

  it('puts data in ASCENT_DATA_DIR or the platform convention', () => {
    expect(dataDir({ env: { ASCENT_DATA_DIR: '/tmp/x' } })).toBe('/tmp/x')
    expect(dataDir({ env: {}, platform: 'linux', home: '/home/me' })).toBe('/home/me/.local/share/ascent')
    expect(dataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', home: '/home/me' })).toBe(
      '/xdg/ascent',
    )
    expect(dataDir({ env: { XDG_DATA_HOME: 'relative' }, platform: 'linux', home: '/home/me' })).toBe(
      '/home/me/.local/share/ascent',
    )
    expect(dataDir({ env: {}, platform: 'darwin', home: '/Users/me' })).toBe(
      '/Users/me/Library/Application Support/Ascent',
    )
    expect(
      dataDir({
        env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
        platform: 'win32',
        home: 'C:\\Users\\me',
      }),
    ).toBe('C:\\Users\\me\\AppData\\Local\\Ascent')
    expect(dataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\me' })).toBe(
      'C:\\Users\\me\\AppData\\Local\\Ascent',
    )
  })

  it('puts the cache in ASCENT_CACHE_DIR or the platform convention', () => {
    expect(cacheDir({ env: { ASCENT_CACHE_DIR: '/tmp/c' } })).toBe('/tmp/c')
    expect(cacheDir({ env: {}, platform: 'linux', home: '/home/me' })).toBe('/home/me/.cache/ascent')
    expect(cacheDir({ env: { XDG_CACHE_HOME: '/xdg' }, platform: 'linux', home: '/home/me' })).toBe(
      '/xdg/ascent',
    )
    expect(cacheDir({ env: {}, platform: 'darwin', home: '/Users/me' })).toBe(
      '/Users/me/Library/Caches/Ascent',
    )
    expect(
      cacheDir({
        env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
        platform: 'win32',
        home: 'C:\\Users\\me',
      }),
    ).toBe('C:\\Users\\me\\AppData\\Local\\Ascent\\Cache')
  })
})
