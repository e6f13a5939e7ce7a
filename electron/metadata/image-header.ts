import { open, type FileHandle } from 'node:fs/promises'

/** What a screenshot's header says: format, pixel size, and whether it can be transparent. Only headers are read. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg'
  readonly width: number
  readonly height: number
  /** An alpha channel, or a PNG transparency chunk (tRNS): App Store Connect refuses both. */
  readonly alpha: boolean
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await handle.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead)
}

/** PNG: IHDR gives size and colour type (4 and 6 carry alpha); a tRNS chunk before the image data adds transparency. */
async function pngHeader(handle: FileHandle, size: number): Promise<ImageHeader | string> {
  const ihdr = await readAt(handle, 8, 25)
  if (ihdr.length < 25 || ihdr.toString('latin1', 4, 8) !== 'IHDR') return 'its PNG header has no IHDR chunk'
  const width = ihdr.readUInt32BE(8)
  const height = ihdr.readUInt32BE(12)
  const colorType = ihdr[17]
  let alpha = colorType === 4 || colorType === 6
  let position = 8 + 8 + ihdr.readUInt32BE(0) + 4
  for (let chunks = 0; !alpha && position + 8 <= size && chunks < 10_000; chunks++) {
    const head = await readAt(handle, position, 8)
    if (head.length < 8) break
    const kind = head.toString('latin1', 4, 8)
    if (kind === 'tRNS') alpha = true
    if (kind === 'IDAT' || kind === 'IEND') break
    position += 8 + head.readUInt32BE(0) + 4
  }
  return { format: 'png', width, height, alpha }
}

/** JPEG: walk the segments to the first start-of-frame marker; JPEG has no alpha. */
async function jpegHeader(handle: FileHandle, size: number): Promise<ImageHeader | string> {
  let position = 2
  for (let segments = 0; position + 4 <= size && segments < 10_000; segments++) {
    const head = await readAt(handle, position, 9)
    if (head.length < 4 || head[0] !== 0xff) return 'its JPEG segments are damaged'
    const marker = head[1]!
    if (marker === 0xff) {
      position += 1
      continue
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) {
      if (head.length < 9) return 'its JPEG frame header is cut short'
      return { format: 'jpeg', width: head.readUInt16BE(7), height: head.readUInt16BE(5), alpha: false }
    }
    if (marker === 0xd9 || marker === 0xda) break
    position += 2 + head.readUInt16BE(2)
  }
  return 'it has no JPEG frame header'
}

/** The header of a PNG or JPEG file, or the reason it is neither (a sentence to put after the file name). */
export async function readImageHeader(file: string): Promise<ImageHeader | string> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const magic = await readAt(handle, 0, 8)
    if (magic.length === 8 && magic.equals(PNG_SIGNATURE)) return await pngHeader(handle, size)
    if (magic.length >= 3 && magic[0] === 0xff && magic[1] === 0xd8 && magic[2] === 0xff)
      return await jpegHeader(handle, size)
    return 'it is not a PNG or JPEG image'
  } finally {
    await handle.close()
  }
}
