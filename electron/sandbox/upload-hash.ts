import { createHash, type Hash } from 'node:crypto'

/** A part's byte range; parts are listed in offset order and tile the file. */
export type VerifiedPart = { readonly offset: number; readonly length: number }

/** One PUT of one part as the verifier sees it: its bytes in arrival order, then how it ended. */
export interface PartReceipt {
  write(chunk: Buffer): void
  /** The PUT carried the whole part: its bytes count (hashed now, later, or checked against the hash). */
  finish(): void
  /** The PUT broke: its bytes count for nothing, and whatever was received before stays. */
  abort(): void
}

type Mode =
  /** The next part in file order: its bytes go straight into the running hash (a copy, kept if it finishes). */
  | { kind: 'head'; hash: Hash }
  /** A part after a gap: bytes wait in memory until the gap closes. */
  | { kind: 'buffer'; chunks: Buffer[]; reserved: number }
  /** A part hashed already, sent again: hashed from the state before it, compared with the state after it. */
  | { kind: 'verify'; hash: Hash }

interface Receipt extends PartReceipt {
  readonly index: number
  mode: Mode
  done: boolean
}

/**
 * SHA-256 of a file whose parts arrive out of order and in parallel, kept without storing the file: the part
 * that is next in file order is hashed straight from its request as it streams, a part after a gap waits in
 * memory (bounded by `maxBufferedBytes`; the caller refuses a PUT that does not fit) and is hashed as soon as the
 * gap closes. On loopback writing each part to disk and reading it back cost three times the transfer itself.
 *
 * A part sent again after it was hashed is checked, not stored: the hash state before and after every hashed
 * part is kept (a few hundred bytes each), so the new bytes are hashed from the state before and must reach
 * the same digest as the state after. Other bytes leave the file unverifiable (`problem`): the running hash
 * no longer describes what the sender means to upload.
 */
export class PartVerifier {
  private running: Hash = createHash('sha256')
  /** Index of the next part to hash; everything before it is in `running`. */
  private next = 0
  /** before[i] is the hash state of [0, parts[i].offset): set once part i-1 is hashed. */
  private readonly before: Hash[] = [createHash('sha256')]
  /** Finished PUTs of parts after the gap, waiting their turn (the first to finish wins; later ones are checked). */
  private readonly pending = new Map<number, { chunks: Buffer[]; reserved: number }>()
  /** Second finished copies of a part still waiting its turn: checked once it is hashed. */
  private readonly laterCopies: { index: number; chunks: Buffer[]; reserved: number }[] = []
  private readonly active = new Set<Receipt>()
  private head: Receipt | null = null
  private bufferedBytes = 0
  private digestHex: string | null = null
  /** Set when a hashed part came again with other bytes. */
  problem: string | null = null

  constructor(
    private readonly parts: readonly VerifiedPart[],
    private readonly maxBufferedBytes: number,
  ) {}

  /** Index of the part that closes the gap (parts.length once all are hashed). */
  get nextIndex(): number {
    return this.next
  }

  /** Bytes held in memory for parts after the gap (finished or still arriving). */
  get buffered(): number {
    return this.bufferedBytes
  }

  /**
   * Starts taking one PUT of part `index`, or returns null when it would have to wait in memory and the
   * buffer is full (the caller answers 503: the part that closes the gap is always taken, so this resolves).
   */
  begin(index: number): PartReceipt | null {
    const part = this.parts[index]
    if (!part) throw new Error(`no part ${index}`)
    let mode: Mode
    if (index < this.next) mode = { kind: 'verify', hash: this.stateBefore(index).copy() }
    else if (index === this.next && this.head === null && !this.pending.has(index))
      mode = { kind: 'head', hash: this.running.copy() }
    else {
      if (this.bufferedBytes + part.length > this.maxBufferedBytes) return null
      this.bufferedBytes += part.length
      mode = { kind: 'buffer', chunks: [], reserved: part.length }
    }
    const receipt: Receipt = {
      index,
      mode,
      done: false,
      write: (chunk) => {
        const m = receipt.mode
        if (m.kind === 'buffer') m.chunks.push(chunk)
        else m.hash.update(chunk)
      },
      finish: () => this.finish(receipt),
      abort: () => this.end(receipt),
    }
    if (mode.kind === 'head') this.head = receipt
    this.active.add(receipt)
    return receipt
  }

  /** Hex SHA-256 of the whole file once every part is hashed and none came again with other bytes, else null. */
  digest(): string | null {
    if (this.problem !== null || this.next < this.parts.length) return null
    // copy(): the running state stays usable for checking parts sent again after a commit.
    this.digestHex ??= this.running.copy().digest('hex')
    return this.digestHex
  }

  private stateBefore(index: number): Hash {
    const state = this.before[index]
    if (!state) throw new Error(`part ${index} is not hashed yet`)
    return state
  }

  /** Removes a receipt from the books, releasing what it held in memory. */
  private end(receipt: Receipt): void {
    if (receipt.done) return
    receipt.done = true
    this.active.delete(receipt)
    if (this.head === receipt) this.head = null
    if (receipt.mode.kind === 'buffer') this.bufferedBytes -= receipt.mode.reserved
    // A broken head frees the gap for another PUT of the same part that is still arriving.
    this.drain()
  }

  private finish(receipt: Receipt): void {
    if (receipt.done) return
    const mode = receipt.mode
    const { index } = receipt
    if (mode.kind === 'head') {
      receipt.done = true
      this.active.delete(receipt)
      this.head = null
      this.running = mode.hash
      this.advancePast(index)
    } else if (mode.kind === 'verify') {
      this.end(receipt)
      this.check(index, mode.hash)
    } else if (index < this.next) {
      // Hashed by another PUT while this one was arriving.
      const hash = this.stateBefore(index).copy()
      for (const chunk of mode.chunks) hash.update(chunk)
      this.end(receipt)
      this.check(index, hash)
    } else if (this.pending.has(index)) {
      // The same part finished twice before its turn: the first is hashed, this one is checked then.
      receipt.done = true
      this.active.delete(receipt)
      this.laterCopies.push({ index, chunks: mode.chunks, reserved: mode.reserved })
    } else {
      receipt.done = true
      this.active.delete(receipt)
      this.pending.set(index, { chunks: mode.chunks, reserved: mode.reserved })
    }
    this.drain()
  }

  private advancePast(index: number): void {
    this.next = index + 1
    this.before[this.next] = this.running.copy()
  }

  private check(index: number, hash: Hash): void {
    const after = this.stateBefore(index + 1)
      .copy()
      .digest('hex')
    if (hash.digest('hex') !== after && this.problem === null) {
      this.problem = `part ${index + 1} was sent again with other bytes after it was received`
    }
  }

  /** Hashes every waiting part that now follows the prefix, then lets a part still arriving take the head. */
  private drain(): void {
    for (;;) {
      for (let i = this.laterCopies.length - 1; i >= 0; i--) {
        const copy = this.laterCopies[i]
        if (!copy || copy.index >= this.next) continue
        this.laterCopies.splice(i, 1)
        this.bufferedBytes -= copy.reserved
        const hash = this.stateBefore(copy.index).copy()
        for (const chunk of copy.chunks) hash.update(chunk)
        this.check(copy.index, hash)
      }
      if (this.next >= this.parts.length) return
      const waiting = this.pending.get(this.next)
      if (waiting) {
        this.pending.delete(this.next)
        this.bufferedBytes -= waiting.reserved
        if (this.head) {
          // A PUT of this part is streaming into the hash from the same starting state: it becomes a check.
          this.head.mode = { kind: 'verify', hash: (this.head.mode as { hash: Hash }).hash }
          this.head = null
        }
        for (const chunk of waiting.chunks) this.running.update(chunk)
        this.advancePast(this.next)
        continue
      }
      if (this.head === null) {
        for (const receipt of this.active) {
          if (receipt.index !== this.next || receipt.mode.kind !== 'buffer') continue
          // Still arriving and now next in order: hash what came so far and let the rest stream through.
          const hash = this.running.copy()
          for (const chunk of receipt.mode.chunks) hash.update(chunk)
          this.bufferedBytes -= receipt.mode.reserved
          receipt.mode = { kind: 'head', hash }
          this.head = receipt
          break
        }
      }
      return
    }
  }
}

/** Hash of a whole file kept as parts of chunks, in offset order. */
export function hashChunks(parts: readonly (readonly Buffer[])[], algorithm: 'md5' | 'sha256'): string {
  const hash = createHash(algorithm)
  for (const chunks of parts) for (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}
