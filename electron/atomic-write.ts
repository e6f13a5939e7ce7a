import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes a whole file so that a reader, a kill -9 or a power loss leaves either the old file or the new one,
 * never half of one: a private temp file beside it, fsync, then rename (atomic on one filesystem).
 * Used by every file Ascent must not lose: run journals, upload journals, key metadata, codemagic.yaml.
 */
export async function writeFileAtomic(
  file: string,
  data: string,
  options: { readonly mode?: number } = {},
): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o600)
    try {
      await handle.writeFile(data, 'utf8')
      // Without fsync a power loss after the rename can leave an empty or partial file under the real name.
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
