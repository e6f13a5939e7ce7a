import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { RunningHash, type HashPart } from '../../../electron/sandbox/upload-hash'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-running-hash-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

type MutablePart = { offset: number; length: number; received: boolean; writers: number }

async function setup(size: number, partSize: number) {
  const bytes = randomBytes(size)
  const file = path.join(dir, 'f.bin')
  await writeFile(file, bytes)
  const parts: MutablePart[] = []
  for (let offset = 0; offset < size; offset += partSize)
    parts.push({ offset, length: Math.min(partSize, size - offset), received: false, writers: 0 })
  const hash = new RunningHash(file, size, (): readonly HashPart[] => parts)
  return { bytes, parts, hash, expected: createHash('sha256').update(bytes).digest('hex') }
}

it('covers the settled prefix as parts land in any order and answers the whole-file SHA-256', async () => {
  const { parts, hash, expected } = await setup(10_000, 3000)
  for (const i of [2, 3, 0]) {
    const part = parts[i] as MutablePart
    part.received = true
    await hash.advance()
  }
  // Part 1 is missing: no digest yet.
  expect(await hash.digest()).toBeNull()
  ;(parts[1] as MutablePart).received = true
  expect(await hash.digest()).toBe(expected)
  // A second commit gets the same answer.
  expect(await hash.digest()).toBe(expected)
})

it('stops at a part still being written, and gives up (null) once a hashed part is sent again', async () => {
  const { parts, hash, expected } = await setup(4000, 1000)
  for (const p of parts) p.received = true
  ;(parts[1] as MutablePart).writers = 1
  expect(await hash.digest()).toBeNull()
  ;(parts[1] as MutablePart).writers = 0
  expect(await hash.digest()).toBe(expected)
  hash.touched(0)
  expect(await hash.digest()).toBeNull()
})
