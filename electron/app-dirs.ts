import os from 'node:os'
import path from 'node:path'

export interface AppDirOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

interface AppDirConvention {
  /** The variable that names the directory outright (tests, CI, portable setups). */
  readonly override: 'ASCENT_CONFIG_DIR' | 'ASCENT_DATA_DIR' | 'ASCENT_CACHE_DIR'
  /** macOS: the folder under home that holds the app's folder; default Library/Application Support. */
  readonly darwin?: readonly string[]
  /** Windows: the known folder's variable and its default under the profile. */
  readonly windows: {
    readonly variable: 'APPDATA' | 'LOCALAPPDATA'
    readonly fallback: readonly string[]
    /** A folder inside the app's folder. */
    readonly inside?: string
  }
  /** XDG: the base directory variable and its default under home. */
  readonly xdg: {
    readonly variable: 'XDG_CONFIG_HOME' | 'XDG_DATA_HOME' | 'XDG_CACHE_HOME'
    readonly fallback: readonly string[]
  }
}

function appDir(convention: AppDirConvention, options: AppDirOptions): string {
  const env = options.env ?? process.env
  const named = env[convention.override]
  if (named) return path.resolve(named)
  const platform = options.platform ?? process.platform
  const home = options.home ?? os.homedir()
  if (platform === 'darwin')
    return path.join(home, ...(convention.darwin ?? ['Library', 'Application Support']), 'Ascent')
  if (platform === 'win32') {
    const base = env[convention.windows.variable] ?? path.win32.join(home, ...convention.windows.fallback)
    return path.win32.join(base, 'Ascent', ...(convention.windows.inside ? [convention.windows.inside] : []))
  }
  // XDG: a relative base directory is invalid and must be ignored.
  const xdg = env[convention.xdg.variable]
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, ...convention.xdg.fallback)
  return path.join(base, 'ascent')
}

/**
 * Where key metadata (keys.json) lives: ASCENT_CONFIG_DIR, else the OS convention
 * ($XDG_CONFIG_HOME/ascent, ~/Library/Application Support/Ascent, %APPDATA%\Ascent).
 */
export function configDir(options: AppDirOptions = {}): string {
  return appDir(
    {
      override: 'ASCENT_CONFIG_DIR',
      windows: { variable: 'APPDATA', fallback: ['AppData', 'Roaming'] },
      xdg: { variable: 'XDG_CONFIG_HOME', fallback: ['.config'] },
    },
    options,
  )
}

/**
 * Where runs, journals and bridge uploads live: ASCENT_DATA_DIR, else the OS convention
 * ($XDG_DATA_HOME/ascent, ~/Library/Application Support/Ascent, %LOCALAPPDATA%\Ascent).
 */
export function dataDir(options: AppDirOptions = {}): string {
  return appDir(
    {
      override: 'ASCENT_DATA_DIR',
      windows: { variable: 'LOCALAPPDATA', fallback: ['AppData', 'Local'] },
      xdg: { variable: 'XDG_DATA_HOME', fallback: ['.local', 'share'] },
    },
    options,
  )
}

/**
 * What can be thrown away and made again (the CLI's compile cache): ASCENT_CACHE_DIR, else the OS convention
 * ($XDG_CACHE_HOME/ascent, ~/Library/Caches/Ascent, %LOCALAPPDATA%\Ascent\Cache).
 */
export function cacheDir(options: AppDirOptions = {}): string {
  return appDir(
    {
      override: 'ASCENT_CACHE_DIR',
      darwin: ['Library', 'Caches'],
      windows: { variable: 'LOCALAPPDATA', fallback: ['AppData', 'Local'], inside: 'Cache' },
      xdg: { variable: 'XDG_CACHE_HOME', fallback: ['.cache'] },
    },
    options,
  )
}
