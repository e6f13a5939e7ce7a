import { close, read } from 'node:fs'
import { Readable } from 'node:stream'
import yauzl from 'yauzl'
import { AscentError } from '../../shared/errors'
import { badBuild, throwIfAborted } from './bad-build'

/** Central-directory reads are small and sequential: a window growing to 256 KiB turns thousands of reads into a few. */
const WINDOW_BYTES = 256 * 1024
const FIRST_READ_BYTES = 8 * 1024

/**
 * A yauzl reader over an open descriptor with a read-ahead window. yauzl's own fd reader issues two
 * syscalls per central-directory record, which costs hundreds of milliseconds on an IPA with 20k files.
 * Memory stays at one window whatever the archive size.
 */
class WindowedFileReader extends yauzl.RandomAccessReader {
  private window = Buffer.alloc(0)
  private windowStart = 0

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {
    super()
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not fs.createReadStream: destroying one closes the shared descriptor whatever autoClose says.
    const fd = this.fd
    let position = start
    return new Readable({
      highWaterMark: 64 * 1024,
      read(size) {
        const wanted = Math.min(size, end - position)
        if (wanted <= 0) return void this.push(null)
        const buffer = Buffer.allocUnsafe(wanted)
        read(fd, buffer, 0, wanted, position, (err, bytesRead) => {
          if (err) return this.destroy(err)
          if (bytesRead === 0) return this.destroy(new Error('unexpected EOF'))
          position += bytesRead
          this.push(buffer.subarray(0, bytesRead))
        })
      },
    })
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const windowEnd = this.windowStart + this.window.length
    if (position >= this.windowStart && position + length <= windowEnd) {
      this.window.copy(buffer, offset, position - this.windowStart, position - this.windowStart + length)
      queueMicrotask(() => callback(null, length))
      return
    }
    // Sequential reads (the central directory) grow the window; a lone read (a local header) stays small.
    const sequential = this.window.length > 0 && position >= this.windowStart && position <= windowEnd
    const chunk = sequential ? Math.min(WINDOW_BYTES, this.window.length * 2) : FIRST_READ_BYTES
    const wanted = Math.max(0, Math.min(Math.max(chunk, length), this.fileSize - position))
    const next = Buffer.allocUnsafe(wanted)
    read(this.fd, next, 0, wanted, position, (err, bytesRead) => {
      if (err) return callback(err)
      this.window = next.subarray(0, bytesRead)
      this.windowStart = position
      const n = Math.min(length, bytesRead)
      this.window.copy(buffer, offset, 0, n)
      callback(null, n)
    })
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, (err) => callback(err ?? null))
  }
}

export interface ZipEntry {
  readonly name: string
  readonly uncompressedSize: number
  readonly compressedSize: number
  readonly raw: yauzl.Entry
}

export interface ZipArchive {
  /** Entries the caller asked to keep, in central-directory order. */
  readonly entries: readonly ZipEntry[]
  readonly entryCount: number
  readEntry(entry: ZipEntry, maxBytes: number, signal?: AbortSignal): Promise<Buffer>
  close(): void
}

/** yauzl's messages are for programmers; these say what is wrong with the file. */
export function describeZipError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/end of central directory record signature not found/i.test(message)) {
    return 'not a zip archive, or truncated: the end of its central directory is missing'
  }
  const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message)
  if (unsafe) return `unsafe entry name in the archive (path traversal): ${JSON.stringify(unsafe[2])}`
  if (
    /unexpected EOF|invalid central directory file header signature|invalid local file header signature/i.test(
      message,
    )
  ) {
    return 'truncated or corrupt zip: the central directory points past the data in the file'
  }
  if (
    /too many bytes in the stream|not enough bytes in the stream|invalid stored block lengths|incorrect header check|invalid (block type|distance|code)|unexpected end of file/i.test(
      message,
    )
  ) {
    return `corrupt zip: an entry's data does not match its header (${message})`
  }
  if (/encrypted/i.test(message)) return 'the archive is encrypted'
  return `corrupt zip: ${message}`
}

/** Belt and braces on top of yauzl's own check: no absolute paths, no `..`, no backslashes, no NUL. */
const UNSAFE_NAME = /(^|\/)\.\.(\/|$)|\\|^\/|^[A-Za-z]:|\0/

export function isUnsafeEntryName(name: string): boolean {
  return UNSAFE_NAME.test(name)
}

function openFromFd(fd: number, size: number): Promise<yauzl.ZipFile> {
  return yauzl.fromRandomAccessReaderPromise(new WindowedFileReader(fd, size), size, {
    autoClose: false,
    lazyEntries: true,
    decodeStrings: true,
    validateEntrySizes: true,
    strictFileNames: false,
  })
}

/**
 * Opens a zip through its central directory and keeps only the entries `keep` selects, so memory is
 * bounded by what the caller wants, not by the archive. Takes ownership of `fd`.
 */
export async function openZip(
  fd: number,
  size: number,
  keep: (name: string) => boolean,
  signal?: AbortSignal,
): Promise<ZipArchive> {
  let zip: yauzl.ZipFile
  try {
    zip = await openFromFd(fd, size)
  } catch (error) {
    close(fd, () => undefined)
    throw badBuild(describeZipError(error), error)
  }
  const entries: ZipEntry[] = []
  try {
    for await (const entry of zip.eachEntry()) {
      throwIfAborted(signal)
      if (isUnsafeEntryName(entry.fileName)) {
        throw badBuild(`unsafe entry name in the archive (path traversal): ${JSON.stringify(entry.fileName)}`)
      }
      if (keep(entry.fileName)) {
        entries.push({
          name: entry.fileName,
          uncompressedSize: entry.uncompressedSize,
          compressedSize: entry.compressedSize,
          raw: entry,
        })
      }
    }
  } catch (error) {
    zip.close()
    if (error instanceof AscentError) throw error
    throw badBuild(describeZipError(error), error)
  }
  return {
    entries,
    entryCount: zip.entryCount,
    readEntry: (entry, maxBytes, entrySignal) => readBounded(zip, entry, maxBytes, entrySignal),
    close: () => {
      if (zip.isOpen) zip.close()
    },
  }
}

async function readBounded(
  zip: yauzl.ZipFile,
  entry: ZipEntry,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  throwIfAborted(signal)
  // Refuse before inflating a byte: a 4 GB "Info.plist" is a zip bomb, not a build.
  if (entry.uncompressedSize > maxBytes) {
    throw badBuild(
      `${entry.name} declares ${entry.uncompressedSize} bytes, more than the ${maxBytes}-byte limit for it (a zip bomb?)`,
    )
  }
  if (entry.raw.isEncrypted()) throw badBuild(`${entry.name} is encrypted`)
  let stream: Readable
  try {
    stream = await zip.openReadStreamPromise(entry.raw)
  } catch (error) {
    throw badBuild(describeZipError(error), error)
  }
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal)
      total += chunk.length
      // The declared size can lie; cap what is actually inflated too.
      if (total > maxBytes)
        throw badBuild(`${entry.name} inflates past the ${maxBytes}-byte limit for it (a zip bomb?)`)
      chunks.push(chunk)
    }
  } catch (error) {
    stream.destroy()
    if (error instanceof AscentError) throw error
    if (error instanceof Error && /too many bytes in the stream/.test(error.message)) {
      throw badBuild(
        `${entry.name} inflates to more than the ${entry.uncompressedSize} bytes it declares (a zip bomb?)`,
        error,
      )
    }
    throw badBuild(`${entry.name}: ${describeZipError(error)}`, error)
  }
  return Buffer.concat(chunks, total)
}
