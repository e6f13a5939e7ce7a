import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { AscentError } from '../../shared/errors'
import type { ChecksumAlgorithm } from '../asc/build-uploads'

/** The two algorithms App Store Connect accepts in `sourceFileChecksums`. */
export type { ChecksumAlgorithm } from '../asc/build-uploads'

export interface FileChecksum {
  readonly algorithm: ChecksumAlgorithm
  /** Lowercase hex of the whole file. */
  readonly hash: string
}

/** One part being sent, as the whole-file hash sees it: the bytes it reads, in order. */
export interface RangeTap {
  /**
   * `data` holds the file's bytes from `offset`, just read for the part. True when the hash keeps `data` for later
   * (it is ahead of the bytes hashed so far): the caller must then not read into that buffer again until the hash
   * calls `release` (once, when it has hashed or dropped it).
   */
  chunk(offset: number, data: Buffer, release: () => void): boolean
  /** The part is sent: it reads nothing more. */
  close(): void
}

export interface FileHash {
  /** A part that will read the file from `offset` onwards, in order (once or, after a failure, again). */
  tap(offset: number): RangeTap
  /** After the last part: hashes what no part handed over (read from disk) and returns the checksum. */
  digest(): Promise<FileChecksum & { readonly bytes: number }>
  /** Stops reading; `digest` rejects. */
  abort(): void
}

const NODE_ALGORITHM: Record<ChecksumAlgorithm, string> = { SHA_256: 'sha256', MD5: 'md5' }
const READ_BYTES = 1024 * 1024
/** Chunks read ahead of the hash are kept up to this much (3 parts of 16 MiB); beyond it they are read again later. */
const KEEP_BYTES = 48 * 1024 * 1024
/**
 * Smaller files keep nothing: memory the process touches for the first time costs the kernel about 0.6 ms of CPU
 * per MiB (page faults), reading a MiB again from the page cache about 0.25 ms. At 128 MiB the two come out even
 * in CPU and keeping nothing holds 48 MiB less; from a few hundred MiB on, kept buffers reused many times win.
 */
const KEEP_FROM_FILE_BYTES = 256 * 1024 * 1024

/**
 * The whole-file hash, fed by the reads that send the parts: one read of the file serves both. A hash is
 * sequential while parts go out several at a time, so a chunk read ahead of the hash is kept (up to KEEP_BYTES) until
 * the hash reaches it; what nobody hands over in time (a part sent in an earlier run, a chunk past the keep
 * limit) the hash reads itself. On loopback the hash costs as much as sending; a second read of the file, or
 * a worker thread hashing it, cost a fifth more CPU (measured by `npm run bench:upload`).
 */
export function createFileHash(
  file: string,
  size: number,
  algorithm: ChecksumAlgorithm,
  options: { readonly keepBytes?: number } = {},
): FileHash {
  const keepBytes = options.keepBytes ?? (size >= KEEP_FROM_FILE_BYTES ? KEEP_BYTES : 0)
  const hash = createHash(NODE_ALGORITHM[algorithm])
  let cursor = 0
  const kept = new Map<number, { readonly data: Buffer; readonly release: () => void }>()
  let keptBytes = 0
  // Offsets some part will read next, with how many parts will: the hash waits there instead of reading.
  const upcoming = new Map<number, number>()
  let aborted = false
  let wake: (() => void) | null = null
  const poke = (): void => {
    const w = wake
    wake = null
    w?.()
  }
  const expect = (offset: number, delta: 1 | -1): void => {
    const n = (upcoming.get(offset) ?? 0) + delta
    if (n > 0) upcoming.set(offset, n)
    else upcoming.delete(offset)
  }

  /** Hashes what of [offset, offset + data.length) lies at the cursor, then every kept chunk that now does. */
  function consume(offset: number, data: Buffer): void {
    const end = offset + data.length
    if (offset > cursor || end <= cursor) return
    hash.update(offset === cursor ? data : data.subarray(cursor - offset))
    cursor = end
    for (let moved = true; moved;) {
      moved = false
      for (const [at, { data: chunk, release }] of kept) {
        if (at > cursor) continue
        kept.delete(at)
        keptBytes -= chunk.length
        if (at + chunk.length > cursor) {
          hash.update(at === cursor ? chunk : chunk.subarray(cursor - at))
          cursor = at + chunk.length
          moved = true
        }
        release()
      }
    }
  }

  async function readTheRest(): Promise<void> {
    const handle = await open(file, 'r')
    try {
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(1, size)))
      while (cursor < size) {
        if (aborted) return
        if (upcoming.has(cursor)) {
          await new Promise<void>((resolve) => (wake = resolve))
          continue
        }
        // Up to the next bytes a part will hand over, so none is read twice needlessly.
        let end = Math.min(size, cursor + buffer.length)
        for (const at of kept.keys()) if (at > cursor && at < end) end = at
        for (const at of upcoming.keys()) if (at > cursor && at < end) end = at
        const at = cursor
        const { bytesRead } = await handle.read(buffer, 0, end - at, at)
        if (bytesRead === 0) return
        consume(at, buffer.subarray(0, bytesRead))
      }
    } finally {
      await handle.close()
    }
  }

  const reading = readTheRest()
  // digest() reports a read failure; until then nothing is left unhandled.
  reading.catch(() => undefined)

  return {
    tap(offset) {
      let next: number | null = offset
      expect(offset, 1)
      return {
        chunk(at, data, release) {
          if (next !== null) expect(next, -1)
          next = at + data.length
          expect(next, 1)
          if (aborted) return false
          let keep = false
          if (at > cursor) {
            if (!kept.has(at) && keptBytes + data.length <= keepBytes) {
              kept.set(at, { data, release })
              keptBytes += data.length
              keep = true
            }
          } else {
            consume(at, data)
          }
          poke()
          return keep
        },
        close() {
          if (next === null) return
          expect(next, -1)
          next = null
          poke()
        },
      }
    },
    async digest() {
      try {
        await reading
      } catch (error) {
        throw new AscentError(
          'BAD_BUILD',
          `${file}: could not be read for its checksum: ${(error as Error).message}`,
          { cause: error },
        )
      }
      if (aborted)
        throw new AscentError('CANCELED', 'the upload was canceled while the checksum was computed')
      return { algorithm, hash: hash.digest('hex'), bytes: cursor }
    },
    abort() {
      aborted = true
      for (const { release } of kept.values()) release()
      kept.clear()
      keptBytes = 0
      poke()
    },
  }
}

/**
 * The hash of a whole file on its own read, for files sent in one piece (screenshots). `mode` is accepted for
 * callers written when a worker thread could hash too; the read is always on this thread now.
 */
export async function hashFile(
  file: string,
  algorithm: ChecksumAlgorithm,
  options: { readonly signal?: AbortSignal; readonly mode?: 'inline' } = {},
): Promise<FileChecksum & { readonly bytes: number }> {
  const hash = createHash(NODE_ALGORITHM[algorithm])
  const handle = await open(file, 'r')
  const buffer = Buffer.allocUnsafe(READ_BYTES)
  let position = 0
  try {
    for (;;) {
      if (options.signal?.aborted)
        throw new AscentError('CANCELED', 'the upload was canceled while the checksum was computed')
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
  return { algorithm, hash: hash.digest('hex'), bytes: position }
}
