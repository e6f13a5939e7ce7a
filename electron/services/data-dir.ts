import os from 'node:os'
import path from 'node:path'

export interface DataDirOptions {
  /** Electron passes app.getPath('userData'); wins over everything. */
  readonly override?: string
  readonly env?: NodeJS.ProcessEnv
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

/**
 * Where runs, journals and bridge uploads live: the override, else ASCENT_DATA_DIR, else the OS convention
 * ($XDG_DATA_HOME/ascent, ~/Library/Application Support/Ascent, %LOCALAPPDATA%\Ascent).
 */
export function dataDir(options: DataDirOptions = {}): string {
  if (options.override) return path.resolve(options.override)
  const env = options.env ?? process.env
  if (env.ASCENT_DATA_DIR) return path.resolve(env.ASCENT_DATA_DIR)
  const platform = options.platform ?? process.platform
  const home = options.home ?? os.homedir()
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Ascent')
  if (platform === 'win32')
    return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(home, 'AppData', 'Local'), 'Ascent')
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(home, '.local', 'share')
  return path.join(xdg, 'ascent')
}
