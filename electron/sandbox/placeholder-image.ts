import { crc32, deflateSync } from 'node:zlib'

/**
 * A black PNG of the given size: the image the sandbox's image host serves for a seeded screenshot (one that
 * was never uploaded), so a client downloading it gets a real image of the size the screenshot reports.
 */
const cache = new Map<string, Buffer>()

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

export function placeholderPng(width: number, height: number): Buffer {
  const key = `${width}x${height}`
  const cached = cache.get(key)
  if (cached) return cached
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bits per channel
  header[9] = 2 // RGB
  // Each row: filter type 0, then black pixels (a few MB at most for a screenshot size, compressed to KBs).
  const row = Buffer.alloc(1 + width * 3)
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(new Array<Buffer>(height).fill(row)))),
    chunk('IEND', Buffer.alloc(0)),
  ])
  cache.set(key, png)
  return png
}
