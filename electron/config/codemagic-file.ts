import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../atomic-write'
import { importCodemagicYaml, exportCodemagicYaml, type ConfigImport } from '../../shared/codemagic-yaml'
import { AscentError } from '../../shared/errors'
import type { ReleaseSettings } from '../../shared/release-settings'

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a codemagic.yaml'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? 'unknown error'})`
    throw new AscentError('BAD_CONFIG', reason)
  }
}

/** Reads release settings from a codemagic.yaml (or a bare Ascent release file). */
export async function readReleaseConfig(
  path: string,
  options: { workflow?: string | null; now?: () => number } = {},
): Promise<ConfigImport> {
  return importCodemagicYaml(await readText(path), options)
}

/** Writes settings into an existing file (comments and other keys kept) or a new minimal one, atomically. */
export async function writeReleaseConfig(
  path: string,
  settings: ReleaseSettings,
  options: { workflow?: string | null } = {},
): Promise<string> {
  let existing: string | null = null
  try {
    existing = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new AscentError('BAD_CONFIG', `${path} cannot be read`)
  }
  let text: string
  try {
    text = exportCodemagicYaml(existing, settings, options)
  } catch (error) {
    throw new AscentError('BAD_CONFIG', error instanceof Error ? error.message : String(error))
  }
  // A codemagic.yaml is usually readable by the team: keep the usual file mode, not a private one.
  if (text !== existing) await writeFileAtomic(path, text, { mode: 0o644 })
  return text
}
