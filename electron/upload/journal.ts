import { writeFileAtomic } from '../atomic-write'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'

/**
 * What survives a crash of a Build Upload API upload: the ids Apple gave us and the byte ranges it has.
 * The checksum is not stored: on resume the file is hashed again while the missing parts are sent
 * (hashing runs off the critical path, and a stored partial hash state is not portable across Node versions).
 */
export const UploadJournal = z.object({
  version: z.literal(1),
  /** Identifies the file, so a journal is never applied to a different build. */
  file: z.object({
    path: z.string(),
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
  }),
  bundleId: z.string(),
  buildVersion: z.string(),
  buildNumber: z.string(),
  buildUploadId: z.string(),
  buildUploadFileId: z.string().nullable(),
  /** Byte ranges Apple acknowledged with a 2xx, by offset. */
  doneParts: z.array(
    z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive() }),
  ),
  committed: z.boolean(),
})
export type UploadJournal = z.infer<typeof UploadJournal>

export const JOURNAL_FILE_NAME = 'upload-journal.json'

export interface JournalStore {
  readonly path: string
  read(): Promise<UploadJournal | null>
  /** Writes are serialized and atomic (temp file + fsync + rename): a kill -9 leaves the old or the new journal. */
  write(journal: UploadJournal): Promise<void>
  remove(): Promise<void>
}

export function createJournalStore(directory: string): JournalStore {
  const file = path.join(directory, JOURNAL_FILE_NAME)
  let queue: Promise<void> = Promise.resolve()

  async function writeNow(journal: UploadJournal): Promise<void> {
    await mkdir(directory, { recursive: true })
    await writeFileAtomic(file, JSON.stringify(journal))
  }

  return {
    path: file,
    async read() {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw error
      }
      try {
        const parsed = UploadJournal.safeParse(JSON.parse(text))
        // A journal from another version or a damaged one is ignored: the upload starts over, which is safe.
        return parsed.success ? parsed.data : null
      } catch {
        return null
      }
    },
    write(journal) {
      const next = queue.then(() => writeNow(journal))
      queue = next.catch(() => undefined)
      return next
    },
    async remove() {
      await queue
      await rm(file, { force: true })
    },
  }
}
