import { writeFileAtomic } from '../atomic-write'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import * as z from 'zod'

/**
 * What survives a crash of a Build Upload API upload: the ids Apple gave us and the byte ranges it has.
 * The checksum is not stored: on resume the file is hashed again while the missing parts are sent
 * (hashing runs off the critical path, and a stored partial hash state is not portable across Node versions).
 */
export const UploadResumeState = z.object({
  version: z.literal(1),
  /** Identifies the file, so a resume state is never applied to a different build. */
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
export type UploadResumeState = z.infer<typeof UploadResumeState>

// The file keeps its first name, so an upload interrupted under an older Ascent still resumes.
export const RESUME_STATE_FILE = 'upload-journal.json'

export interface ResumeStateStore {
  readonly path: string
  read(): Promise<UploadResumeState | null>
  /**
   * Writes are serialized and atomic (temp file + fsync + rename): a kill -9 leaves the old or the new state. A
   * state given while a write is under way replaces any that still waits for its turn (each is the whole state,
   * the newest includes the others): parts that finish together cost one write. Settles once the file holds this
   * state or a newer one.
   */
  write(resume: UploadResumeState): Promise<void>
  remove(): Promise<void>
}

interface WaitingWrite {
  state: UploadResumeState
  readonly done: Promise<void>
}

export function createResumeStateStore(directory: string): ResumeStateStore {
  const file = path.join(directory, RESUME_STATE_FILE)
  let queue: Promise<void> = Promise.resolve()
  /** The write waiting for its turn: the state it will write is the newest given. */
  let waiting: WaitingWrite | null = null

  // Made once: the state is written after every part, and a recursive mkdir each time showed in profiles.
  let made: Promise<unknown> | null = null
  async function writeNow(resume: UploadResumeState): Promise<void> {
    made ??= mkdir(directory, { recursive: true })
    await made
    try {
      await writeFileAtomic(file, JSON.stringify(resume))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // The folder went away meanwhile (someone cleaned up): made again, written once more.
      made = mkdir(directory, { recursive: true })
      await made
      await writeFileAtomic(file, JSON.stringify(resume))
    }
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
        const parsed = UploadResumeState.safeParse(JSON.parse(text))
        // A state from another version or a damaged one is ignored: the upload starts over, which is safe.
        return parsed.success ? parsed.data : null
      } catch {
        return null
      }
    },
    write(resume) {
      if (waiting) {
        waiting.state = resume
        return waiting.done
      }
      const entry: WaitingWrite = {
        state: resume,
        done: queue.then(() => {
          waiting = null
          return writeNow(entry.state)
        }),
      }
      waiting = entry
      queue = entry.done.catch(() => undefined)
      return entry.done
    },
    async remove() {
      await queue
      await rm(file, { force: true })
    },
  }
}
