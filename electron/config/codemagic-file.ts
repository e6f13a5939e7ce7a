import { writeFileAtomic } from '../atomic-write'
import { readTextFile, TEXT_FILE_KINDS, TextFileError } from '../read-text-file'
import { importCodemagicYaml, exportCodemagicYaml, type ConfigImport } from '../../shared/codemagic-yaml'
import { AscentError } from '../../shared/errors'
import type { ReleaseSettings } from '../../shared/release-settings'

/** Reads release settings from a codemagic.yaml (or a bare Ascent release file). */
export async function readReleaseConfig(
  path: string,
  options: { workflow?: string | null; now?: () => number } = {},
): Promise<ConfigImport> {
  return importCodemagicYaml(await readTextFile(path, TEXT_FILE_KINDS.codemagicYaml), options)
}

/** Writes settings into an existing file (comments and other keys kept) or a new minimal one, atomically. */
export async function writeReleaseConfig(
  path: string,
  settings: ReleaseSettings,
  options: { workflow?: string | null } = {},
): Promise<string> {
  let existing: string | null = null
  try {
    existing = await readTextFile(path, TEXT_FILE_KINDS.codemagicYaml)
  } catch (error) {
    if (!(error instanceof TextFileError) || error.errno !== 'ENOENT')
      throw new AscentError(
        'BAD_CONFIG',
        `${path}: ${error instanceof Error ? error.message : 'cannot be read'}`,
      )
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
