import * as z from 'zod'
import { boundMessage } from './bounded-text'

/**
 * The one error shape that crosses a process boundary (IPC, web bridge, CLI --json).
 * `code` is stable and machine-matched; `message` names the thing and the fix.
 */
export const ErrorCode = z.enum([
  'BAD_INPUT',
  'BAD_BUILD',
  'BAD_CONFIG',
  'NOT_FOUND',
  'PREFLIGHT_FAILED',
  'ASC_ERROR',
  'NETWORK',
  'KEYCHAIN_UNAVAILABLE',
  'BAD_KEY',
  'NO_CREDENTIALS',
  'CANCELED',
  'FORBIDDEN',
  'INTERNAL',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const AscentErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
})
export type AscentErrorShape = z.infer<typeof AscentErrorShape>

/** Thrown by services; handlers turn it into AscentErrorShape unchanged. */
export class AscentError extends Error {
  readonly code: ErrorCode
  readonly detail: string | undefined
  constructor(code: ErrorCode, message: string, options?: { detail?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AscentError'
    this.code = code
    this.detail = options?.detail
  }
  toShape(): AscentErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail }
  }
}

/**
 * Key material only: a BEGIN line followed by base64 (after any "Proc-Type:"-style header lines; line breaks may
 * be real or JSON-escaped), through its END line or, cut off, wherever the base64 stops. Text that merely names
 * the BEGIN line ("it has no \"-----BEGIN PRIVATE KEY-----\" line") is guidance and stays.
 */
const PEM_BLOCK =
  /-----BEGIN [A-Z0-9 ]+-----(?:\s|\\[rn])*(?:[A-Za-z-]+:[^\n\\]*(?:\s|\\[rn])+)*[A-Za-z0-9+/]{8}[A-Za-z0-9+/=\s\\]*(?:-----END [A-Z0-9 ]+-----)?/g
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/g
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g

/** Every log line, event and error message passes through this: no PEM block or token ever leaves. */
export function redactSecrets(text: string): string {
  return text
    .replace(PEM_BLOCK, '[private key redacted]')
    .replace(BEARER, 'Bearer [redacted]')
    .replace(JWT, '[token redacted]')
}

/** Redacted, then bounded: cutting first could leave part of a token that the redaction no longer recognizes. */
function shownMessage(message: string): string {
  return boundMessage(redactSecrets(message.slice(0, 64 * 1024)))
}

export function toErrorShape(error: unknown): AscentErrorShape {
  if (error instanceof AscentError) {
    const shape = error.toShape()
    return {
      ...shape,
      message: shownMessage(shape.message),
      ...(shape.detail ? { detail: redactSecrets(shape.detail) } : {}),
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'INTERNAL', message: shownMessage(message) }
}
