import { read } from 'node:fs'
import { promisify } from 'node:util'
import { constants, crc32, inflateRawSync } from 'node:zlib'
import { badBuild } from './bad-build'
import type { ZipEntry } from './zip-reader'
import { LOCAL_HEADER } from './zip-integrity'

const readAsync = promisify(read)

/** `length` bytes of the file from `position`, fewer where the file ends first. */
export async function readRange(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, length))
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await readAsync(fd, buffer, filled, buffer.length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return buffer.subarray(0, filled)
}

/** A local header is 30 bytes plus its name and extra field; names and extras of real IPAs fit in this. */
const LOCAL_HEADER_GUESS = 30 + 1024
/** Deflate never grows data by more than this; a larger compressed size is a lie, not data. */
function maxCompressedFor(uncompressed: number): number {
  return uncompressed + Math.ceil(uncompressed / 1000) * 5 + 1024
}

/** Deflated bytes of a head read at first: a header and load commands that compress like code fit in them. */
const FIRST_HEAD_WINDOW = 4 * 1024
/** A head needing more than this much deflated data is not read further (load commands never do). */
const MAX_HEAD_PREFIX = 4 * 1024 * 1024
/** Planned reads this close together are read as one span, up to this size: a bundle's files sit side by side. */
const SPAN_GAP = 32 * 1024
const MAX_SPAN = 256 * 1024
/** Spans kept at once: enough for the bundles being read in parallel, and a fixed bound on memory. */
const KEPT_SPANS = 12

/** What a caller will read of an entry: all of it (when it declares at most `whole` bytes), or its head. */
export type PlannedRead =
  { readonly entry: ZipEntry; readonly whole: number } | { readonly entry: ZipEntry; readonly head: true }

interface Span {
  readonly start: number
  readonly end: number
  bytes?: Promise<Buffer>
}

/**
 * Reads small zip entries and the first bytes of large ones from positional reads and synchronous
 * inflates: the validation pass reads a few hundred such entries (every bundle's Info.plist and the head
 * of every executable), where a stream per entry would cost more than the whole rest of inspection.
 * Reads announced with `plan` that lie close together are served from one larger read. Sizes are bounded
 * before anything is read or inflated.
 */
export class EntryReader {
  private spans: Span[] = []
  /** Spans whose bytes are held, most recently used last. */
  private readonly held: Span[] = []

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {}

  /**
   * Announces the reads to come, so that entries lying near each other are read in one go. Memory stays
   * bounded: spans are at most MAX_SPAN bytes and only KEPT_SPANS of them are held at once.
   */
  plan(reads: readonly PlannedRead[]): void {
    const ranges = reads
      .map((r) => {
        const start = r.entry.raw.relativeOffsetOfLocalHeader
        const data =
          'whole' in r
            ? Math.min(r.entry.compressedSize, maxCompressedFor(Math.min(r.whole, r.entry.uncompressedSize)))
            : Math.min(r.entry.compressedSize, FIRST_HEAD_WINDOW)
        return { start, end: Math.min(this.fileSize, start + LOCAL_HEADER_GUESS + data) }
      })
      .sort((a, b) => a.start - b.start)
    const spans: Span[] = []
    for (const range of ranges) {
      const last = spans[spans.length - 1]
      if (
        last &&
        range.start - last.end <= SPAN_GAP &&
        Math.max(last.end, range.end) - last.start <= MAX_SPAN
      )
        spans[spans.length - 1] = { start: last.start, end: Math.max(last.end, range.end) }
      else spans.push(range)
    }
    this.spans = spans
    this.held.length = 0
  }

  /** The planned span holding all of [position, position + length), if any. */
  private spanFor(position: number, length: number): Span | undefined {
    let low = 0
    let high = this.spans.length - 1
    while (low <= high) {
      const mid = (low + high) >> 1
      const span = this.spans[mid] as Span
      if (span.start > position) high = mid - 1
      else if (span.end <= position) low = mid + 1
      else return position + length <= span.end ? span : undefined
    }
    return undefined
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    const span = this.spanFor(position, length)
    if (span) {
      const held = this.held.indexOf(span)
      if (held !== -1) this.held.splice(held, 1)
      this.held.push(span)
      if (this.held.length > KEPT_SPANS) {
        const dropped = this.held.shift() as Span
        delete dropped.bytes
      }
      span.bytes ??= readRange(this.fd, span.start, span.end - span.start)
      const bytes = await span.bytes
      return bytes.subarray(position - span.start, position - span.start + length)
    }
    return readRange(this.fd, position, length)
  }

  /**
   * The entry's stored (compressed) bytes, `compressedBytes` of them at most, from after its local header, and that
   * header (signature checked) for a caller that compares it with the central directory.
   */
  private async storedBytes(
    entry: ZipEntry,
    compressedBytes: number,
  ): Promise<{ readonly header: Buffer; readonly data: Buffer }> {
    const raw = entry.raw
    if (raw.isEncrypted()) throw badBuild(`${entry.name} is encrypted`)
    const start = raw.relativeOffsetOfLocalHeader
    const wanted = Math.min(compressedBytes, entry.compressedSize)
    let bytes = await this.readAt(start, LOCAL_HEADER_GUESS + wanted)
    if (bytes.length < 30 || bytes.readUInt32LE(0) !== LOCAL_HEADER)
      throw badBuild(`${entry.name}: truncated or corrupt zip: its local header is missing`)
    const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28)
    if (dataStart + wanted > bytes.length) bytes = await this.readAt(start, dataStart + wanted)
    const data = bytes.subarray(dataStart, dataStart + wanted)
    if (data.length < wanted)
      throw badBuild(`${entry.name}: truncated or corrupt zip: its data runs past the end of the file`)
    return { header: bytes.subarray(0, dataStart), data }
  }

  /** The whole entry, refused when it declares or inflates to more than `maxBytes`; CRC-32 checked. */
  async readWhole(entry: ZipEntry, maxBytes: number): Promise<Buffer> {
    const { data } = await this.readInflated(entry, maxBytes)
    if (crc32(data) !== entry.raw.crc32)
      throw badBuild(`${entry.name}: corrupt zip: its CRC-32 does not match its data`)
    return data
  }

  /**
   * The whole entry as readWhole reads it, with its local header, but the CRC left to the caller (the inspector
   * reports a mismatch among the archive's integrity problems).
   */
  async readInflated(
    entry: ZipEntry,
    maxBytes: number,
  ): Promise<{ readonly header: Buffer; readonly data: Buffer }> {
    if (entry.uncompressedSize > maxBytes)
      throw badBuild(
        `${entry.name} declares ${entry.uncompressedSize} bytes, more than the ${maxBytes}-byte limit for it (a zip bomb?)`,
      )
    const method = entry.raw.compressionMethod
    if (method !== 0 && method !== 8)
      throw badBuild(`${entry.name} uses zip compression method ${method}; Apple's tools write only 0 and 8`)
    const { header, data: stored } = await this.storedBytes(
      entry,
      method === 0 ? entry.uncompressedSize : maxCompressedFor(entry.uncompressedSize),
    )
    return { header, data: method === 0 ? stored : inflateEntry(entry, stored) }
  }

  /**
   * The start of the entry, inflated only as far as it is asked for: `bytes(n)` gives at least its first
   * n bytes when it has them (more is fine, never more than n x 4 + 64 KiB), so a 200 MB executable
   * costs the few KiB of its header and load commands.
   */
  head(entry: ZipEntry): EntryHead {
    const method = entry.raw.compressionMethod
    if (method === 0)
      return {
        bytes: async (count) => (await this.storedBytes(entry, Math.min(count, entry.uncompressedSize))).data,
      }
    if (method !== 8) return { bytes: () => Promise.resolve(Buffer.alloc(0)) }
    return new InflatingHead(entry, async (length) => (await this.storedBytes(entry, length)).data)
  }
}

/**
 * An entry's deflated bytes, inflated whole: exactly the size it declares, or refused (more is a zip bomb, less or
 * bytes that are not deflate data a damaged archive). One synchronous inflate: an entry read whole is bounded small.
 */
function inflateEntry(entry: ZipEntry, stored: Buffer): Buffer {
  let data: Buffer
  try {
    data = inflateRawSync(stored, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
  } catch (error) {
    if (error instanceof RangeError)
      throw badBuild(
        `${entry.name} inflates to more than the ${entry.uncompressedSize} bytes it declares (a zip bomb?)`,
        error,
      )
    throw badBuild(`${entry.name}: corrupt zip: its data does not inflate (${(error as Error).message})`)
  }
  if (data.length !== entry.uncompressedSize)
    throw badBuild(
      `${entry.name}: corrupt zip: it holds ${data.length} bytes but declares ${entry.uncompressedSize}`,
    )
  return data
}

export interface EntryHead {
  /** At least the first `count` bytes when the entry has them; empty when its data is not deflate data. */
  bytes(count: number): Promise<Buffer>
}

/**
 * One deflated entry's head. A synchronous inflate runs through all the input it is given and costs
 * what it outputs plus a fixed price for setting up a stream, so each request is one inflate of a prefix
 * sized to yield just enough: first as if the data did not compress, then from what the previous
 * prefix yielded. A prefix that yields too much (zeros inflate ~1000x) is halved towards one that does not.
 */
class InflatingHead implements EntryHead {
  /** Deflated data read so far (from the start), and the last prefix inflated with what it gave. */
  private stored: Buffer = Buffer.alloc(0)
  private lastPrefix = 0
  private last: Buffer = Buffer.alloc(0)

  constructor(
    private readonly entry: ZipEntry,
    private readonly read: (length: number) => Promise<Buffer>,
  ) {}

  async bytes(count: number): Promise<Buffer> {
    const entry = this.entry
    const wanted = Math.min(count, entry.uncompressedSize)
    if (this.last.length >= wanted) return this.last
    const cap = wanted * 4 + 64 * 1024
    const available = Math.min(entry.compressedSize, MAX_HEAD_PREFIX)
    // Deflated bytes per output byte: at first as if the head did not compress (it starts with literals
    // before any long match), then from what the last prefix yielded.
    const rate = this.lastPrefix > 0 ? Math.max(1, this.last.length / this.lastPrefix) : 1
    let prefix = Math.min(
      available,
      this.lastPrefix + Math.ceil((wanted - this.last.length) / rate) + HEAD_SLACK,
    )
    // Prefixes known to yield too little (`short`) and too much (`over`): the answer lies between.
    let short = this.lastPrefix
    let over = Infinity
    for (;;) {
      if (prefix > this.stored.length)
        this.stored = await this.read(
          Math.min(available, Math.max(prefix, this.stored.length * 2, FIRST_HEAD_WINDOW)),
        )
      prefix = Math.min(prefix, this.stored.length)
      const out = inflatePrefix(this.stored.subarray(0, prefix), cap)
      if (out === 'invalid') return Buffer.alloc(0)
      if (out === 'over-cap') over = prefix
      else {
        this.lastPrefix = prefix
        this.last = out
        if (out.length >= wanted || prefix >= available || prefix >= this.stored.length) return out
        short = prefix
      }
      // Grow fourfold until a prefix yields too much, then halve the gap.
      const next = over === Infinity ? Math.min(available, prefix * 4) : Math.floor((short + over) / 2)
      if (next <= short || next >= over) return this.last
      prefix = next
    }
  }
}

/** Deflated bytes beyond the estimate: block headers and Huffman tables come before any output. */
const HEAD_SLACK = 512

/**
 * Inflates as much of a deflate-stream prefix as it holds: its bytes, 'over-cap' when that is more than
 * `cap` (zlib stops soon after the cap, so the attempt costs at most the cap), 'invalid' when it is not
 * deflate data.
 */
function inflatePrefix(stored: Buffer, cap: number): Buffer | 'over-cap' | 'invalid' {
  try {
    return inflateRawSync(stored, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: cap })
  } catch (error) {
    return error instanceof RangeError ? 'over-cap' : 'invalid'
  }
}
