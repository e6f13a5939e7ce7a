import { printableExcerpt } from '../../shared/bounded-text'

/**
 * The consistency checks `unzip -t` makes and yauzl does not: a single-disk archive, end records whose
 * directory size and offset end exactly where the end record starts, and local headers that agree with
 * the central directory. Each finding is a short sentence; none stops inspection, all refuse the upload.
 */

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
export const LOCAL_HEADER = 0x04034b50
/** End of central directory record without its comment, and the longest comment. */
const EOCD_BYTES = 22
const MAX_COMMENT = 0xffff

interface ZipEnd {
  readonly directoryOffset: number
  readonly directorySize: number
}

/** The parts of an entry the local header is compared with. */
interface CentralRecord {
  readonly name: string
  readonly compressedSize: number
  readonly uncompressedSize: number
  readonly raw: {
    readonly fileNameLength: number
    readonly fileNameRaw: Buffer
    readonly compressionMethod: number
    readonly crc32: number
  }
}

type ReadAt = (position: number, length: number) => Promise<Buffer>

function u64(buffer: Buffer, at: number): number {
  return buffer.readUInt32LE(at) + buffer.readUInt32LE(at + 4) * 0x100000000
}

/**
 * Finds the end record as yauzl does (the last signature whose comment length reaches the end of the
 * file), follows the zip64 locator when there is one, and checks disk numbers, entry counts and that the
 * central directory ends where the (zip64) end record begins.
 */
export async function checkEndRecords(
  readAt: ReadAt,
  fileSize: number,
): Promise<{ end: ZipEnd | null; findings: string[] }> {
  const findings: string[] = []
  const tailStart = Math.max(0, fileSize - EOCD_BYTES - MAX_COMMENT)
  const tail = await readAt(tailStart, fileSize - tailStart)
  let at = -1
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && tail.readUInt16LE(i + 20) === tail.length - i - EOCD_BYTES) {
      at = i
      break
    }
  }
  // yauzl already refused an archive without one; nothing more to say here.
  if (at < 0) return { end: null, findings }
  const recordAt = tailStart + at
  let disk = tail.readUInt16LE(at + 4)
  let directoryDisk = tail.readUInt16LE(at + 6)
  let entriesHere = tail.readUInt16LE(at + 8)
  let entries = tail.readUInt16LE(at + 10)
  let directorySize = tail.readUInt32LE(at + 12)
  let directoryOffset = tail.readUInt32LE(at + 16)
  let directoryEnd = recordAt

  const locator = recordAt >= 20 ? await readAt(recordAt - 20, 20) : null
  if (locator !== null && locator.length === 20 && locator.readUInt32LE(0) === ZIP64_LOCATOR) {
    const disks = locator.readUInt32LE(16)
    if (locator.readUInt32LE(4) !== 0 || disks !== 1)
      findings.push(
        `its zip64 locator says the archive spans ${disks} disks; Apple's reader takes single-part zips`,
      )
    const zip64At = u64(locator, 8)
    const record = zip64At + 56 <= fileSize ? await readAt(zip64At, 56) : null
    if (record === null || record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) {
      findings.push('its zip64 locator points at no zip64 end record')
    } else {
      disk = record.readUInt32LE(16)
      directoryDisk = record.readUInt32LE(20)
      entriesHere = u64(record, 24)
      entries = u64(record, 32)
      directorySize = u64(record, 40)
      directoryOffset = u64(record, 48)
      directoryEnd = zip64At
    }
  }
  if (disk !== 0 || directoryDisk !== 0)
    findings.push(
      `its end record says disk ${disk}, central directory on disk ${directoryDisk}; Apple's reader takes single-part zips (disk 0)`,
    )
  if (entriesHere !== entries)
    findings.push(`its end record counts ${entriesHere} entries on this disk but ${entries} in all`)
  if (directoryOffset + directorySize !== directoryEnd) {
    const gap = directoryEnd - (directoryOffset + directorySize)
    findings.push(
      gap > 0
        ? `its central directory (offset ${directoryOffset}, size ${directorySize}) ends ${gap} bytes before the end record`
        : `its central directory (offset ${directoryOffset}, size ${directorySize}) runs ${-gap} bytes past the end record`,
    )
  }
  return { end: { directoryOffset, directorySize }, findings }
}

/** What the local header of `entry` says that its central-directory record does not. */
export function checkLocalHeader(header: Buffer, entry: CentralRecord): string[] {
  const name = `"${printableExcerpt(entry.name, 80)}"`
  const raw = entry.raw
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER)
    return [`the local header of ${name} is missing where the central directory points`]
  const differs: string[] = []
  const nameLength = header.readUInt16LE(26)
  const localName = header.subarray(30, 30 + nameLength)
  if (nameLength !== raw.fileNameLength || !localName.equals(raw.fileNameRaw)) differs.push('name')
  if (header.readUInt16LE(8) !== raw.compressionMethod) differs.push('compression method')
  // Bit 3: CRC and sizes follow the data in a descriptor; the local header holds zeros.
  const descriptor = (header.readUInt16LE(6) & 0x08) !== 0
  if (!descriptor) {
    if (header.readUInt32LE(14) !== raw.crc32) differs.push('CRC')
    const compressed = header.readUInt32LE(18)
    const uncompressed = header.readUInt32LE(22)
    // 0xffffffff: the size is in the local zip64 extra field; entries are read by the central directory's sizes.
    if (compressed !== 0xffffffff && compressed !== entry.compressedSize) differs.push('compressed size')
    if (uncompressed !== 0xffffffff && uncompressed !== entry.uncompressedSize) differs.push('size')
  }
  return differs.length === 0
    ? []
    : [`the local header of ${name} disagrees with the central directory (${differs.join(', ')})`]
}
