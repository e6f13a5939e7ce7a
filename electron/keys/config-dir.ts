import os from 'node:os'
import path from 'node:path'

export interface ConfigDirOptions {
  /** An explicit directory (Electron passes app.getPath('userData'); tests pass a temp dir). Wins over everything. */
  readonly override?: string
  readonly env?: NodeJS.ProcessEnv
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

/**
 * Ascent's config directory: the injected override, else ASCENT_CONFIG_DIR, else the OS convention
 * ($XDG_CONFIG_HOME/ascent, ~/Library/Application Support/Ascent, %APPDATA%\Ascent).
 */
export function configDir(options: ConfigDirOptions = {}): string {
  if (options.override) return path.resolve(options.override)
  const env = options.env ?? process.env
  if (env.ASCENT_CONFIG_DIR) return path.resolve(env.ASCENT_CONFIG_DIR)
  const platform = options.platform ?? process.platform
  const home = options.home ?? os.homedir()
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Ascent')
  if (platform === 'win32')
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Ascent')
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(home, '.config')
  return path.join(xdg, 'ascent')
}
