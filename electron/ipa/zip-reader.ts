import { close, read } from 'node:fs'
import { crc32 } from 'node:zlib'
import yauzl from 'yauzl'
import type { Problem } from '../../shared/build-summary'
import { printableExcerpt } from '../../shared/bounded-text'
import { AscentError } from '../../shared/errors'
import { badBuild, throwIfAborted } from './bad-build'
import { error } from './build-problems'
import { EntryReader, readRange } from './entry-reader'
import { checkEndRecords, checkLocalHeader } from './zip-integrity'

/** Central-directory reads are small and sequential: a window growing to 256 KiB turns thousands of reads into a few. */
const WINDOW_BYTES = 256 * 1024
const FIRST_READ_BYTES = 8 * 1024
/** The central directory is walked in reads of this size: a 20,000-entry IPA's (~1.5 MB) takes two. */
const DIRECTORY_READ_BYTES = 1024 * 1024

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
  /**
   * Where the archive's fields lie, as `unzip -t` would find: its end records and central directory, and
   * the local header and CRC of every entry read so far. Apple's reader refuses such an archive.
   */
  integrityProblems(): readonly string[]
  close(): void
}

/** Integrity findings as error problems: a build Apple's reader refuses must not be uploaded. */
export function zipIntegrityProblems(zip: ZipArchive): Problem[] {
  return zip
    .integrityProblems()
    .map((finding) =>
      error(
        'ZIP_CORRUPT',
        `the archive is damaged: ${finding}; App Store Connect refuses such a zip; export the build again (Xcode Organizer → Distribute App)`,
      ),
    )
}

/** A damaged archive can lie in every record: the first few findings say enough. */
const MAX_FINDINGS = 5

/** yauzl's messages are for programmers; these say what is wrong with the file. */
function describeZipError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/end of central directory record signature not found/i.test(message)) {
    return 'not a zip archive, or truncated: the end of its central directory is missing'
  }
  const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message)
  if (unsafe) return `unsafe entry name in the archive (path traversal): ${JSON.stringify(unsafe[2])}`
  if (/unexpected EOF|invalid central directory file header signature/i.test(message)) {
    return 'truncated or corrupt zip: the central directory points past the data in the file'
  }
  if (/encrypted/i.test(message)) return 'the archive is encrypted'
  return `corrupt zip: ${message}`
}

/** Belt and braces on top of yauzl's own check: no absolute paths, no `..`, no backslashes, no NUL. */
const UNSAFE_NAME = /(^|\/)\.\.(\/|$)|\\|^\/|^[A-Za-z]:|\0/

function isUnsafeEntryName(name: string): boolean {
  // Called for every entry: the cheap tests first (the regex alone was a tenth of a 20,000-entry walk).
  const second = name.charCodeAt(1)
  if (name.charCodeAt(0) === 0x2f || second === 0x3a) return UNSAFE_NAME.test(name)
  return (name.includes('..') || name.includes('\\') || name.includes('\0')) && UNSAFE_NAME.test(name)
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
  let entries: ZipEntry[]
  const findings: string[] = []
  const note = (finding: string): void => {
    if (findings.length < MAX_FINDINGS && !findings.includes(finding)) findings.push(finding)
  }
  try {
    // yauzl found and checked the end records (zip64 included); its cursor is where the directory starts.
    const directoryStart = (zip as unknown as { readEntryCursor: number }).readEntryCursor
    const end = await checkEndRecords((position, length) => readRange(fd, position, length), size)
    end.findings.forEach(note)
    const scan = await scanDirectory(fd, size, directoryStart, zip.entryCount, keep, signal, note)
    entries = scan.entries
    // A directory that already ends in the wrong place would only be reported twice.
    if (end.end !== null && end.findings.length === 0 && scan.bytes !== end.end.directorySize)
      note(
        `its central directory holds ${scan.bytes} bytes of records, but the end record says ${end.end.directorySize}`,
      )
  } catch (error) {
    zip.close()
    if (error instanceof AscentError) throw error
    throw badBuild(describeZipError(error), error)
  }
  const reader = new EntryReader(fd, size)
  return {
    entries,
    entryCount: zip.entryCount,
    // Positional reads and one synchronous inflate per entry (a plist, a profile, an icon, each with a limit): a
    // stream per entry cost a small upload about 4 ms of CPU in Node's stream and zlib code, run once.
    readEntry: async (entry, maxBytes, entrySignal) => {
      throwIfAborted(entrySignal)
      const { header, data } = await reader.readInflated(entry, maxBytes)
      throwIfAborted(entrySignal)
      checkLocalHeader(header, entry).forEach(note)
      // A flipped bit in Info.plist would otherwise pass unseen: the sizes can be right while the bytes are not.
      if (crc32(data) !== entry.raw.crc32) note(`${entry.name} fails its CRC check (its data is damaged)`)
      return data
    },
    integrityProblems: () => [...findings],
    close: () => {
      if (zip.isOpen) zip.close()
    },
  }
}

const NON_ASCII = /[\u0080-\u00ff]/

/**
 * Walks the central directory straight from large reads instead of yauzl's two reads, an object and an
 * event per entry (64 ms for 20,000 entries; this is a few). Every name is checked for path traversal; only
 * the entries `keep` selects become yauzl entries (zip64 sizes and offsets, stored-size check), which
 * readEntry reads with its own bounds, size and CRC checks. Memory: one read window whatever the archive holds.
 */
async function scanDirectory(
  fd: number,
  fileSize: number,
  start: number,
  entryCount: number,
  keep: (name: string) => boolean,
  signal: AbortSignal | undefined,
  note: (finding: string) => void,
): Promise<{ entries: ZipEntry[]; bytes: number }> {
  const entries: ZipEntry[] = []
  let cursor = start
  for (let done = 0; done < entryCount;) {
    throwIfAborted(signal)
    const window = await readRange(fd, cursor, Math.min(DIRECTORY_READ_BYTES, fileSize - cursor))
    const walked = walkRecords(window, entryCount - done, keep, entries, note)
    // A window holds any whole record (at most 46 + 3 x 64 KiB), so none fitting means the file ends early.
    if (walked.records === 0) throw new Error('unexpected EOF')
    done += walked.records
    cursor += walked.bytes
  }
  return { entries, bytes: cursor - start }
}

/**
 * The whole records at the start of `window` (up to `max`), synchronously: no promise or object per entry,
 * only each name as a string for the traversal check and `keep`.
 */
function walkRecords(
  window: Buffer,
  max: number,
  keep: (name: string) => boolean,
  entries: ZipEntry[],
  note: (finding: string) => void,
): { records: number; bytes: number } {
  const end = window.length
  let at = 0
  let records = 0
  while (records < max && at + 46 <= end) {
    const signature = window.readUInt32LE(at)
    if (signature !== 0x02014b50)
      throw new Error(`invalid central directory file header signature: 0x${signature.toString(16)}`)
    const flags = window[at + 8]! | (window[at + 9]! << 8)
    if (flags & 0x40) throw new Error('strong encryption is not supported')
    const nameLength = window[at + 28]! | (window[at + 29]! << 8)
    const extraLength = window[at + 30]! | (window[at + 31]! << 8)
    const recordLength = 46 + nameLength + extraLength + (window[at + 32]! | (window[at + 33]! << 8))
    if (at + recordLength > end) break
    const nameStart = at + 46
    let name = window.toString('latin1', nameStart, nameStart + nameLength)
    // ASCII reads the same in every zip encoding; anything else is decoded exactly as yauzl would.
    if (NON_ASCII.test(name)) {
      const extra = window.subarray(nameStart + nameLength, nameStart + nameLength + extraLength)
      name = yauzl.getFileNameLowLevel(
        flags,
        window.subarray(nameStart, nameStart + nameLength),
        yauzl.parseExtraFields(extra),
        false,
      )
    }
    if (isUnsafeEntryName(name)) {
      throw badBuild(`unsafe entry name in the archive (path traversal): ${JSON.stringify(name)}`)
    }
    // 0xffff: the real number is in the zip64 extra field, which single-disk writers leave out.
    const disk = window[at + 34]! | (window[at + 35]! << 8)
    if (disk !== 0 && disk !== 0xffff)
      note(`entry "${printableExcerpt(name, 80)}" says it starts on disk ${disk}`)
    if (keep(name)) entries.push(toEntry(window.subarray(at, at + recordLength), name))
    at += recordLength
    records++
  }
  return { records, bytes: at }
}

/** A yauzl Entry from one central-directory record, as yauzl's own walk would have made it. */
function toEntry(record: Buffer, fileName: string): ZipEntry {
  const nameLength = record.readUInt16LE(28)
  const extraLength = record.readUInt16LE(30)
  const commentLength = record.readUInt16LE(32)
  // Copies: the record lives in a read window that is about to be replaced.
  const raw = Buffer.from(record)
  const extraFieldRaw = raw.subarray(46 + nameLength, 46 + nameLength + extraLength)
  const entry = Object.assign(new yauzl.Entry(), {
    versionMadeBy: raw.readUInt16LE(4),
    versionNeededToExtract: raw.readUInt16LE(6),
    generalPurposeBitFlag: raw.readUInt16LE(8),
    compressionMethod: raw.readUInt16LE(10),
    lastModFileTime: raw.readUInt16LE(12),
    lastModFileDate: raw.readUInt16LE(14),
    crc32: raw.readUInt32LE(16),
    compressedSize: raw.readUInt32LE(20),
    uncompressedSize: raw.readUInt32LE(24),
    fileNameLength: nameLength,
    extraFieldLength: extraLength,
    fileCommentLength: commentLength,
    internalFileAttributes: raw.readUInt16LE(36),
    externalFileAttributes: raw.readUInt32LE(38),
    relativeOffsetOfLocalHeader: raw.readUInt32LE(42),
    fileNameRaw: raw.subarray(46, 46 + nameLength),
    extraFieldRaw,
    fileCommentRaw: raw.subarray(46 + nameLength + extraLength),
    extraFields: yauzl.parseExtraFields(extraFieldRaw),
    fileName,
    fileComment: '',
    comment: '',
  })
  // Zip64: a field at 0xffffffff is in the extended information extra field, in this order.
  const zip64 = entry.extraFields.find((f) => f.id === 0x0001)
  if (zip64) {
    let at = 0
    const wide = (field: string): number => {
      if (at + 8 > zip64.data.length)
        throw new Error(`zip64 extended information extra field does not include ${field}`)
      const value = zip64.data.readUInt32LE(at) + zip64.data.readUInt32LE(at + 4) * 0x100000000
      at += 8
      return value
    }
    if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = wide('uncompressed size')
    if (entry.compressedSize === 0xffffffff) entry.compressedSize = wide('compressed size')
    if (entry.relativeOffsetOfLocalHeader === 0xffffffff)
      entry.relativeOffsetOfLocalHeader = wide('relative header offset')
  }
  if (entry.compressionMethod === 0) {
    const expected = entry.uncompressedSize + (entry.isEncrypted() ? 12 : 0)
    if (entry.compressedSize !== expected)
      throw new Error(
        `compressed/uncompressed size mismatch for stored file: ${entry.compressedSize} != ${entry.uncompressedSize}`,
      )
  }
  return {
    name: fileName,
    uncompressedSize: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    raw: entry,
  }
}
