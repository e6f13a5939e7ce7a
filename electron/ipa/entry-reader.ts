import { read } from 'node:fs'
import { promisify } from 'node:util'
import { constants, crc32, inflateRawSync } from 'node:zlib'
import { badBuild } from './bad-build'
import type { ZipEntry } from './zip-reader'

const readAsync = promisify(read)

/** A local header is 30 bytes plus its name and extra field; names and extras of real IPAs fit in this. */
const LOCAL_HEADER_GUESS = 30 + 1024
const LOCAL_HEADER_SIGNATURE = 0x04034b50
/** Deflate never grows data by more than this; a larger compressed size is a lie, not data. */
function maxCompressedFor(uncompressed: number): number {
  return uncompressed + Math.ceil(uncompressed / 1000) * 5 + 1024
}

/**
 * Reads small zip entries and the first bytes of large ones with one positional read and a synchronous
 * inflate each: the validation pass reads a few hundred such entries (every bundle's Info.plist and the
 * head of every executable), where a stream per entry would cost more than the whole rest of inspection.
 * Sizes are bounded before anything is read or inflated.
 */
export class EntryReader {
  constructor(private readonly fd: number) {}

  private async readAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await readAsync(this.fd, buffer, filled, length - filled, position + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  }

  /** The entry's stored (compressed) bytes, `compressedBytes` of them at most, from after its local header. */
  private async storedBytes(entry: ZipEntry, compressedBytes: number): Promise<Buffer> {
    const raw = entry.raw
    if (raw.isEncrypted()) throw badBuild(`${entry.name} is encrypted`)
    const start = raw.relativeOffsetOfLocalHeader
    const wanted = Math.min(compressedBytes, entry.compressedSize)
    let bytes = await this.readAt(start, LOCAL_HEADER_GUESS + wanted)
    if (bytes.length < 30 || bytes.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE)
      throw badBuild(`${entry.name}: truncated or corrupt zip: its local header is missing`)
    const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28)
    if (dataStart + wanted > bytes.length) bytes = await this.readAt(start, dataStart + wanted)
    const data = bytes.subarray(dataStart, dataStart + wanted)
    if (data.length < wanted)
      throw badBuild(`${entry.name}: truncated or corrupt zip: its data runs past the end of the file`)
    return data
  }

  /** The whole entry, refused when it declares or inflates to more than `maxBytes`; CRC-32 checked. */
  async readWhole(entry: ZipEntry, maxBytes: number): Promise<Buffer> {
    if (entry.uncompressedSize > maxBytes)
      throw badBuild(
        `${entry.name} declares ${entry.uncompressedSize} bytes, more than the ${maxBytes}-byte limit for it (a zip bomb?)`,
      )
    const method = entry.raw.compressionMethod
    if (method !== 0 && method !== 8)
      throw badBuild(`${entry.name} uses zip compression method ${method}; Apple's tools write only 0 and 8`)
    const stored = await this.storedBytes(
      entry,
      method === 0 ? entry.uncompressedSize : maxCompressedFor(entry.uncompressedSize),
    )
    let data: Buffer
    if (method === 0) data = stored
    else {
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
    }
    if (data.length !== entry.uncompressedSize)
      throw badBuild(
        `${entry.name}: corrupt zip: it holds ${data.length} bytes but declares ${entry.uncompressedSize}`,
      )
    if (crc32(data) !== entry.raw.crc32)
      throw badBuild(`${entry.name}: corrupt zip: its CRC-32 does not match its data`)
    return data
  }

  /**
   * At least the first `bytes` bytes of the entry when it has them (more is fine, never more than
   * `bytes` x 4 + 64 KiB). A deflated entry is inflated from a prefix of its data that grows until
   * it yields enough, so a 200 MB executable costs a few KiB.
   */
  async readHead(entry: ZipEntry, bytes: number): Promise<Buffer> {
    const wanted = Math.min(bytes, entry.uncompressedSize)
    const method = entry.raw.compressionMethod
    if (method === 0) return this.storedBytes(entry, wanted)
    if (method !== 8) return Buffer.alloc(0)
    const cap = wanted * 4 + 64 * 1024
    // Most executables' load commands are in the first 4 KiB of deflated data; grow only when not.
    let prefix = Math.min(4096, entry.compressedSize)
    for (;;) {
      const out = inflatePrefix(await this.storedBytes(entry, prefix), cap)
      if (out === null) return Buffer.alloc(0)
      if (out.overflowed || out.bytes.length >= wanted) return out.bytes
      if (prefix >= entry.compressedSize || prefix >= MAX_HEAD_PREFIX) return out.bytes
      prefix = Math.min(entry.compressedSize, prefix * 4)
    }
  }
}

/** A head needing more than this much deflated data is not read further (load commands never do). */
const MAX_HEAD_PREFIX = 4 * 1024 * 1024

/**
 * Inflates as much of a deflate-stream prefix as it holds, at most `cap` bytes: a prefix that would
 * inflate past the cap (zeros inflate ~1000x) is cut until it does not. Null: not deflate data.
 */
function inflatePrefix(stored: Buffer, cap: number): { bytes: Buffer; overflowed: boolean } | null {
  let input = stored
  let overflowed = false
  for (;;) {
    try {
      return {
        bytes: inflateRawSync(input, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: cap }),
        overflowed,
      }
    } catch (error) {
      if (!(error instanceof RangeError) || input.length <= 256) return null
      overflowed = true
      input = input.subarray(0, input.length >> 2)
    }
  }
}
