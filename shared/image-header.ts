/**
 * The pixel size of a PNG or JPEG, read from its header without decoding the image (screenshots are
 * judged by size and alpha channel before and after upload). Works on the first bytes of a file: a PNG
 * needs its chunks up to the first IDAT, a JPEG its segments up to the frame header.
 */
export type ImageHeader = {
  readonly format: 'png' | 'jpeg'
  readonly width: number
  readonly height: number
  /** PNG with an alpha channel (colour type 4 or 6) or a transparency chunk; a JPEG never has one. */
  readonly hasAlpha: boolean
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function u32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)
}

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length))
}

function readPng(b: Uint8Array): ImageHeader | null {
  // The first chunk must be IHDR (13 bytes): width, height, bit depth, colour type.
  if (b.length < 33 || u32(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return null
  const width = u32(b, 16)
  const height = u32(b, 20)
  const colourType = b[25] ?? 0
  if (width === 0 || height === 0) return null
  let hasAlpha = colourType === 4 || colourType === 6
  // A tRNS chunk (before the image data) makes a palette or plain image transparent too.
  for (let at = 33; !hasAlpha && at + 8 <= b.length;) {
    const length = u32(b, at)
    const type = ascii(b, at + 4, 4)
    if (type === 'tRNS') hasAlpha = true
    if (type === 'IDAT' || type === 'IEND') break
    at += 12 + length
  }
  return { format: 'png', width, height, hasAlpha }
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not frames. */
function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

function readJpeg(b: Uint8Array): ImageHeader | null {
  let at = 2
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null
    const marker = b[at + 1] ?? 0
    // Fill bytes, and markers that carry no length.
    if (marker === 0xff) {
      at += 1
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2
      continue
    }
    // Start of scan or end of image before any frame header: not an image with a size.
    if (marker === 0xda || marker === 0xd9) return null
    const length = u16(b, at + 2)
    if (length < 2) return null
    if (isFrameMarker(marker)) {
      if (at + 9 > b.length) return null
      const height = u16(b, at + 5)
      const width = u16(b, at + 7)
      return width > 0 && height > 0 ? { format: 'jpeg', width, height, hasAlpha: false } : null
    }
    at += 2 + length
  }
  return null
}

/** The header of a PNG or JPEG, or null when the bytes are neither (or end before the size). */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  if (PNG_SIGNATURE.every((v, i) => bytes[i] === v)) return readPng(bytes)
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes)
  return null
}
