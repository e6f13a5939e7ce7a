/**
 * The pixel size of a PNG or JPEG, read from its header without decoding the image (screenshots are
 * judged by size and alpha channel before upload, by Ascent, and after it, by the sandbox on the bytes it
 * received). One parser for both: it asks for the bytes it needs (a few at a time, skipping what it does not
 * read), so a file is read by its headers only and bytes in memory are read in place. A PNG needs its chunks
 * up to the first IDAT, a JPEG its segments up to the frame header.
 */
export type ImageHeader = {
  readonly format: 'png' | 'jpeg'
  readonly width: number
  readonly height: number
  /** PNG with an alpha channel (colour type 4 or 6) or a transparency chunk; a JPEG never has one. */
  readonly hasAlpha: boolean
}

/** Why the bytes are not an image with a size, as words to put after the file's name. */
export type NotAnImage = { readonly problem: string }

/** `length` bytes from `at`; fewer (or none) come back where the data ends. */
type ByteRequest = { readonly at: number; readonly length: number }
type Parse = Generator<ByteRequest, ImageHeader | NotAnImage, Uint8Array>

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Chunks or segments walked before the size at most: a header of only padding is not an image. */
const MAX_STEPS = 10_000

function u32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)
}

function ascii(b: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...b.subarray(at, at + length))
}

const not = (problem: string): NotAnImage => ({ problem })

function* png(): Parse {
  // The first chunk must be IHDR (13 bytes): width, height, bit depth, colour type.
  const ihdr = yield { at: 8, length: 25 }
  if (ihdr.length < 25 || u32(ihdr, 0) !== 13 || ascii(ihdr, 4, 4) !== 'IHDR')
    return not('its PNG header has no IHDR chunk')
  const width = u32(ihdr, 8)
  const height = u32(ihdr, 12)
  if (width === 0 || height === 0) return not('its PNG header gives no pixel size')
  const colourType = ihdr[17] ?? 0
  let hasAlpha = colourType === 4 || colourType === 6
  // A tRNS chunk (before the image data) makes a palette or plain image transparent too.
  for (let at = 33, steps = 0; !hasAlpha && steps < MAX_STEPS; steps++) {
    const head = yield { at, length: 8 }
    if (head.length < 8) break
    const type = ascii(head, 4, 4)
    if (type === 'tRNS') hasAlpha = true
    if (type === 'IDAT' || type === 'IEND') break
    at += 12 + u32(head, 0)
  }
  return { format: 'png', width, height, hasAlpha }
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not frames. */
function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

function* jpeg(): Parse {
  for (let at = 2, steps = 0; steps < MAX_STEPS; steps++) {
    const head = yield { at, length: 9 }
    if (head.length < 2) break
    if (head[0] !== 0xff) return not('its JPEG segments are damaged')
    const marker = head[1] ?? 0
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
    if (marker === 0xda || marker === 0xd9) break
    if (head.length < 4 || u16(head, 2) < 2) return not('its JPEG segments are damaged')
    if (isFrameMarker(marker)) {
      if (head.length < 9) return not('its JPEG frame header is cut short')
      const height = u16(head, 5)
      const width = u16(head, 7)
      if (width === 0 || height === 0) return not('its JPEG frame header gives no pixel size')
      return { format: 'jpeg', width, height, hasAlpha: false }
    }
    at += 2 + u16(head, 2)
  }
  return not('it has no JPEG frame header')
}

function* imageHeader(): Parse {
  const magic = yield { at: 0, length: 8 }
  if (magic.length === 8 && PNG_SIGNATURE.every((v, i) => magic[i] === v)) return yield* png()
  if (magic[0] === 0xff && magic[1] === 0xd8 && magic[2] === 0xff) return yield* jpeg()
  return not('it is not a PNG or JPEG image')
}

/** The header of a PNG or JPEG in memory, or why it is not one (or ends before its size). */
function parseImageHeader(bytes: Uint8Array): ImageHeader | NotAnImage {
  const parse = imageHeader()
  let step = parse.next(new Uint8Array(0))
  while (!step.done) step = parse.next(bytes.subarray(step.value.at, step.value.at + step.value.length))
  return step.value
}

/** The header of a PNG or JPEG in memory, or null when the bytes are neither (or end before the size). */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const header = parseImageHeader(bytes)
  return 'problem' in header ? null : header
}

/** The same parser over bytes read on demand (a file: only its headers are read). */
export async function readImageHeaderFrom(
  read: (at: number, length: number) => Promise<Uint8Array>,
): Promise<ImageHeader | NotAnImage> {
  const parse = imageHeader()
  let step = parse.next(new Uint8Array(0))
  while (!step.done) step = parse.next(await read(step.value.at, step.value.length))
  return step.value
}
