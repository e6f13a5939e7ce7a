import type { ApiAnswer } from '../net/api-fetch'

/**
 * Reads an HTTP answer's body with a cap on its decoded size. `fetch` inflates gzip, deflate and br on
 * the fly, so counting the bytes the body stream yields bounds what a compressed answer can grow to:
 * a 10 KB gzip answer that inflates to 512 MiB is stopped at the cap, not held in memory.
 */

/** An answer body past the cap; reading stopped there. */
export class AnswerTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`answer larger than ${maxBytes} bytes`)
    this.name = 'AnswerTooLargeError'
  }
}

/** The answer's declared length, when it is plain (not compressed) and readable. */
function declaredLength(headers: ApiAnswer['headers']): number | null {
  const encoding = headers.get('content-encoding')
  if (encoding !== null && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity') return null
  const value = headers.get('content-length')
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null
}

/**
 * The body as UTF-8 text, at most `maxBytes` decoded bytes. Rejects with AnswerTooLargeError past the cap,
 * and with the signal's reason when `signal` aborts while the body is still arriving.
 */
export async function readAnswerText(
  response: ApiAnswer,
  maxBytes: number,
  signal: AbortSignal,
): Promise<string> {
  const declared = declaredLength(response.headers)
  if (declared !== null && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new AnswerTooLargeError(maxBytes)
  }
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const onAbort = (): void => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw new AnswerTooLargeError(maxBytes)
      }
      chunks.push(value)
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  if (signal.aborted) throw signal.reason
  return Buffer.concat(chunks, total).toString('utf8')
}
