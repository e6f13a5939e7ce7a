import { open } from 'node:fs/promises'
import { readImageHeaderFrom, type ImageHeader } from '../../shared/image-header'

/**
 * The header of a PNG or JPEG file (format, pixel size, whether it can be transparent), or the reason it is
 * neither, a sentence to put after the file name. Only the headers are read, through the parser the sandbox
 * also uses on the bytes it receives.
 */
export async function readImageHeader(file: string): Promise<ImageHeader | string> {
  const handle = await open(file, 'r')
  try {
    const header = await readImageHeaderFrom(async (at, length) => {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, at)
      return buffer.subarray(0, bytesRead)
    })
    return 'problem' in header ? header.problem : header
  } finally {
    await handle.close()
  }
}
