import type { IncomingMessage } from 'node:http'
import { ApiError } from './errors'

const MAX_BODY = 1_048_576

/** A JSON request body, refused with 413 past 1 MiB (only part PUTs stream more, and they do not come here). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY)
      throw new ApiError(413, [
        {
          code: 'ENTITY_INVALID',
          title: 'The request entity is too large',
          detail: `Bodies are limited to ${MAX_BODY} bytes`,
        },
      ])
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
