import { expect, test } from 'vitest'
import { readImageHeader } from '../../../shared/image-header'
import { jpegImage, pngImage } from '../../fixtures/image-factory'

test('reads the pixel size and alpha of PNG files from their header', () => {
  expect(readImageHeader(pngImage(1290, 2796))).toEqual({
    format: 'png',
    width: 1290,
    height: 2796,
    hasAlpha: false,
  })
  expect(readImageHeader(pngImage(2868, 1320, { alpha: true }))).toMatchObject({
    width: 2868,
    height: 1320,
    hasAlpha: true,
  })
  // Only the first bytes are needed.
  expect(readImageHeader(pngImage(640, 960).subarray(0, 40))).toMatchObject({ width: 640, height: 960 })
})

test('a PNG with a transparency chunk has alpha even without an alpha channel', () => {
  const png = pngImage(4, 4)
  // Insert a tRNS chunk after IHDR (8-byte signature + 25-byte IHDR chunk).
  const trns = Buffer.from([0, 0, 0, 6, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  const withTransparency = Buffer.concat([png.subarray(0, 33), trns, png.subarray(33)])
  expect(readImageHeader(withTransparency)?.hasAlpha).toBe(true)
})

test('reads the pixel size of a JPEG from its frame header, past other segments', () => {
  expect(readImageHeader(jpegImage(1242, 2688))).toEqual({
    format: 'jpeg',
    width: 1242,
    height: 2688,
    hasAlpha: false,
  })
  // An EXIF-sized APP1 segment before the frame header.
  const jpeg = jpegImage(2048, 2732)
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x10, 0x02]), Buffer.alloc(0x1000)])
  expect(readImageHeader(Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]))).toMatchObject({
    width: 2048,
    height: 2732,
  })
})

test('anything else, or a file cut before its size, is not an image', () => {
  expect(readImageHeader(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'))).toBeNull()
  expect(readImageHeader(Buffer.from('not an image at all'))).toBeNull()
  expect(readImageHeader(pngImage(10, 10).subarray(0, 20))).toBeNull()
  expect(readImageHeader(jpegImage(10, 10).subarray(0, 30))).toBeNull()
  expect(readImageHeader(new Uint8Array(0))).toBeNull()
})
