import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileHash } from '../../../electron/upload/checksum'
import { useTempDir } from '../../support/temp-dir'

const tempDir = useTempDir('ascent-file-hash-')
const MiB = 1024 * 1024

async function randomFile(size: number): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(size)
  const file = path.join(await tempDir(), 'App.ipa')
  await writeFile(file, bytes)
  return { file, bytes }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** Chunks of [start, end) as a part reads them: `step` bytes at a time, in order. */
function chunks(start: number, end: number, step: number): [number, number][] {
  const out: [number, number][] = []
  for (let at = start; at < end; at += step) out.push([at, Math.min(step, end - at)])
  return out
}

describe('whole-file hash fed by the parts as they are read', () => {
  it.each([
    ['keeping every chunk that comes early', 48 * MiB, true],
    ['reading back what is past the keep limit', MiB, true],
    // The default for a file under 256 MiB: first-touched memory costs more than a second read from the page cache.
    ['keeping nothing (a small file, by default)', undefined, false],
  ])(
    'equals the SHA-256 of the file whatever order the parts hand their chunks over in, %s',
    async (_, keepBytes, keeps) => {
      const size = 6 * MiB + 12_345
      const { file, bytes } = await randomFile(size)
      const hash = createFileHash(file, size, 'SHA_256', { keepBytes })
      const part = 2 * MiB
      const parts = chunks(0, size, part).map(([offset, length]) => ({
        tap: hash.tap(offset),
        reads: chunks(offset, offset + length, 256 * 1024),
      }))
      // Round robin from the last part backwards: almost every chunk arrives ahead of what is hashed.
      let released = 0
      let kept = 0
      for (let round = 0; parts.some((p) => p.reads.length > 0); round++) {
        for (const p of [...parts].reverse()) {
          const next = p.reads.shift()
          if (!next) continue
          const [at, length] = next
          if (p.tap.chunk(at, Buffer.from(bytes.subarray(at, at + length)), () => released++)) kept++
        }
      }
      for (const p of parts) p.tap.close()
      const result = await hash.digest()
      expect(result).toEqual({ algorithm: 'SHA_256', hash: sha256(bytes), bytes: size })
      expect(kept > 0).toBe(keeps)
      expect(released).toBe(kept)
    },
  )

  it('reads what no part hands over: parts sent in an earlier run, and a part that was read again after a failure', async () => {
    const size = 3 * MiB + 7
    const { file, bytes } = await randomFile(size)
    const hash = createFileHash(file, size, 'MD5')
    // Parts 0 and 2 were sent before (journaled): nobody taps them. Part 1 fails half way and starts over.
    const one = hash.tap(MiB)
    const feed = (at: number, length: number): boolean =>
      one.chunk(at, Buffer.from(bytes.subarray(at, at + length)), () => undefined)
    feed(MiB, 300_000)
    feed(MiB + 300_000, 300_000)
    for (const [at, length] of chunks(MiB, 2 * MiB, 400_000)) feed(at, length)
    one.close()
    const result = await hash.digest()
    expect(result.hash).toBe(createHash('md5').update(bytes).digest('hex'))
    expect(result.bytes).toBe(size)
  })

  it('reports fewer bytes than expected when the file shrank', async () => {
    const { file } = await randomFile(MiB)
    const hash = createFileHash(file, 2 * MiB, 'SHA_256')
    expect((await hash.digest()).bytes).toBe(MiB)
  })

  it('stops when aborted: digest says the upload was canceled and every kept chunk is released', async () => {
    const size = 2 * MiB
    const { file, bytes } = await randomFile(size)
    const hash = createFileHash(file, size, 'SHA_256', { keepBytes: 48 * MiB })
    hash.tap(0)
    const later = hash.tap(MiB)
    let released = 0
    expect(later.chunk(MiB, Buffer.from(bytes.subarray(MiB)), () => released++)).toBe(true)
    hash.abort()
    await expect(hash.digest()).rejects.toMatchObject({ code: 'CANCELED' })
    expect(released).toBe(1)
  })
})
