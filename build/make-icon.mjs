// Draws build/icon.png (1024×1024): a blue rounded square with a white upward chevron — "ascent".
// A tiny PNG writer (zlib + CRC) so the icon is reproducible from code: `node build/make-icon.mjs`.
// electron-builder derives .icns (macOS) and .ico (Windows) from this one PNG.
import { writeFileSync } from 'node:fs'
import { deflateSync, crc32 } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const SIZE = 1024
const pixels = Buffer.alloc(SIZE * (SIZE * 4 + 1))

function inRoundedSquare(x, y, inset, radius) {
  const min = inset
  const max = SIZE - inset
  if (x < min || x > max || y < min || y > max) return false
  const cx = Math.min(Math.max(x, min + radius), max - radius)
  const cy = Math.min(Math.max(y, min + radius), max - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

/** Distance from p to segment ab. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

function inChevron(x, y, top) {
  const half = 250
  const stroke = 62
  return (
    segmentDistance(x, y, 512 - half, top + half, 512, top) <= stroke ||
    segmentDistance(x, y, 512, top, 512 + half, top + half) <= stroke
  )
}

for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1)
  pixels[row] = 0 // filter: none
  for (let x = 0; x < SIZE; x++) {
    const o = row + 1 + x * 4
    if (!inRoundedSquare(x + 0.5, y + 0.5, 64, 190)) continue
    const t = y / SIZE
    let r = Math.round(40 + 30 * t)
    let g = Math.round(120 - 50 * t)
    let b = Math.round(245 - 45 * t)
    if (inChevron(x, y, 220) || inChevron(x, y, 500)) {
      r = 255
      g = 255
      b = 255
    }
    pixels[o] = r
    pixels[o + 1] = g
    pixels[o + 2] = b
    pixels[o + 3] = 255
  }
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([length, body, crc])
}

const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header[8] = 8 // bit depth
header[9] = 6 // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(pixels, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
writeFileSync(fileURLToPath(new URL('./icon.png', import.meta.url)), png)
