import { createHash, randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { PartVerifier, type PartReceipt } from '../../../electron/sandbox/upload-hash'

function setup(size: number, partSize: number, maxBuffered = Number.MAX_SAFE_INTEGER) {
  const bytes = randomBytes(size)
  const parts: { offset: number; length: number }[] = []
  for (let offset = 0; offset < size; offset += partSize)
    parts.push({ offset, length: Math.min(partSize, size - offset) })
  const verifier = new PartVerifier(parts, maxBuffered)
  const bodyOf = (i: number, from: Buffer = bytes): Buffer => {
    const p = parts[i] as { offset: number; length: number }
    return from.subarray(p.offset, p.offset + p.length)
  }
  /** Sends part i whole, in chunks of 7 bytes (the hash must not care how the socket cut it). */
  const send = (i: number, from: Buffer = bytes): void => {
    const receipt = verifier.begin(i) as PartReceipt
    expect(receipt).not.toBeNull()
    const body = bodyOf(i, from)
    for (let at = 0; at < body.length; at += 7) receipt.write(body.subarray(at, at + 7))
    receipt.finish()
  }
  return { bytes, parts, verifier, bodyOf, send, expected: createHash('sha256').update(bytes).digest('hex') }
}

it('answers the whole-file SHA-256 whatever order the parts come in, and null while one is missing', () => {
  const { verifier, send, expected } = setup(10_000, 1000)
  for (const i of [3, 9, 1, 0, 7, 2, 5, 8, 6]) send(i)
  expect(verifier.digest()).toBeNull()
  send(4)
  expect(verifier.digest()).toBe(expected)
  expect(verifier.digest()).toBe(expected)
  expect(verifier.buffered).toBe(0)
})

it('parts arriving interleaved: the one that becomes next streams through, the others wait in memory', () => {
  const { verifier, bodyOf, expected } = setup(4000, 1000)
  const receipts = [2, 1, 0, 3].map((i) => ({ i, r: verifier.begin(i) as PartReceipt }))
  for (let at = 0; at < 1000; at += 100)
    for (const { i, r } of receipts) r.write(bodyOf(i).subarray(at, at + 100))
  expect(verifier.buffered).toBe(3000)
  // Part 0 finishes: part 1 (still arriving) takes the head and hands back its memory.
  ;(receipts[2]?.r as PartReceipt).finish()
  expect(verifier.buffered).toBe(2000)
  for (const { r } of receipts) r.finish()
  expect(verifier.digest()).toBe(expected)
  expect(verifier.buffered).toBe(0)
})

it('a part sent again with the same bytes changes nothing; with other bytes the file is unverifiable', () => {
  const { verifier, send, bytes, expected } = setup(3000, 1000)
  for (const i of [0, 1, 2]) send(i)
  send(1)
  expect(verifier.digest()).toBe(expected)
  expect(verifier.problem).toBeNull()
  const changed = Buffer.from(bytes)
  changed.fill(9, 1000, 1100)
  send(1, changed)
  expect(verifier.digest()).toBeNull()
  expect(verifier.problem).toContain('part 2')
})

it('two finished copies of a waiting part: the first counts, a different second is caught once hashed', () => {
  const { verifier, send, bytes } = setup(3000, 1000)
  send(2)
  const changed = Buffer.from(bytes)
  changed.fill(1, 2000)
  send(2, changed)
  send(0)
  expect(verifier.problem).toBeNull()
  send(1)
  expect(verifier.problem).toContain('part 3')
  expect(verifier.buffered).toBe(0)
})

it('a broken PUT of the next part leaves nothing behind; another PUT of it still arriving takes over', () => {
  const { verifier, bodyOf, send, expected } = setup(3000, 1000)
  const broken = verifier.begin(0) as PartReceipt
  const retry = verifier.begin(0) as PartReceipt
  broken.write(Buffer.alloc(500, 1))
  retry.write(bodyOf(0).subarray(0, 400))
  broken.abort()
  retry.write(bodyOf(0).subarray(400))
  retry.finish()
  send(2)
  send(1)
  expect(verifier.digest()).toBe(expected)
})

it('a head finishing while a copy of it waited: the stream is checked against the copy', () => {
  const { verifier, bodyOf, send, expected } = setup(2000, 1000)
  const head = verifier.begin(0) as PartReceipt
  head.write(bodyOf(0).subarray(0, 10))
  send(0) // a second PUT of part 0 finishes first and is hashed; the head becomes a check
  head.write(bodyOf(0).subarray(10))
  head.finish()
  send(1)
  expect(verifier.problem).toBeNull()
  expect(verifier.digest()).toBe(expected)
})

it('memory is bounded: a part after the gap is refused when the buffer is full, the gap-closing part never', () => {
  const { verifier, send, expected } = setup(5000, 1000, 2000)
  send(1)
  send(2)
  expect(verifier.begin(3)).toBeNull()
  expect(verifier.nextIndex).toBe(0)
  send(0)
  expect(verifier.buffered).toBe(0)
  send(4)
  send(3)
  expect(verifier.digest()).toBe(expected)
})
