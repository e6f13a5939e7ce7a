import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'

/** The byte range of one part as the running hash sees it. */
export type HashPart = {
  readonly offset: number
  readonly length: number
  /** Complete and intact on disk. */
  readonly received: boolean
  /** PUTs writing into this range right now: its bytes are not settled. */
  readonly writers: number
}

const READ_BYTES = 4 * 1024 * 1024

/**
 * SHA-256 of a file whose parts arrive out of order and in parallel, kept up to date as they land so a commit
 * answers at once instead of re-reading the whole file (on loopback that re-read cost as much as the upload).
 * SHA-256 is sequential, so it covers the longest settled prefix: each part that completes that prefix is read
 * back from the page cache (just written, so no disk read) and fed in offset order. A part sent again after it
 * was hashed may carry other bytes; then the prefix is stale and commit falls back to hashing the file.
 */
export class RunningHash {
  private hash: Hash = createHash('sha256')
  private hashedTo = 0
  private stale = false
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly parts: () => readonly HashPart[],
  ) {}

  /** A PUT into [offset, offset+length) started: if that range was hashed already, the prefix may now be wrong. */
  touched(offset: number): void {
    if (offset < this.hashedTo) this.stale = true
  }

  /** Hash whatever settled parts extend the prefix; resolves when the prefix can grow no further for now. */
  advance(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.run()
      .catch(() => {
        // Unreadable now: commit hashes the file itself and reports what it finds.
        this.stale = true
      })
      .finally(() => {
        this.running = null
      })
    return this.running
  }

  /** Hex SHA-256 of the whole file when the running prefix covers it and is trustworthy, else null. */
  async digest(): Promise<string | null> {
    await this.advance()
    if (this.stale || this.hashedTo !== this.size) return null
    // copy(): a second commit (or a retried one) must find the state untouched.
    return this.hash.copy().digest('hex')
  }

  private async run(): Promise<void> {
    do {
      this.again = false
      for (;;) {
        if (this.stale) return
        const next = this.parts().find((p) => p.offset === this.hashedTo)
        if (!next || !next.received || next.writers > 0) break
        await this.hashRange(next.offset, next.length)
        // Re-sent while it was read back: the bytes hashed may be a mix of two sends.
        if (next.writers > 0 || !next.received) this.stale = true
        else this.hashedTo = next.offset + next.length
      }
    } while (this.again)
  }

  private async hashRange(offset: number, length: number): Promise<void> {
    const handle = await open(this.path, 'r')
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, length))
    try {
      for (let done = 0; done < length;) {
        const { bytesRead } = await handle.read(
          buffer,
          0,
          Math.min(buffer.length, length - done),
          offset + done,
        )
        if (bytesRead === 0) {
          this.stale = true
          return
        }
        this.hash.update(buffer.subarray(0, bytesRead))
        done += bytesRead
      }
    } finally {
      await handle.close()
    }
  }
}

export async function hashFile(path: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm)
  const handle = await open(path, 'r')
  const buffer = Buffer.allocUnsafe(READ_BYTES)
  try {
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}
