import { AscentError } from '../../shared/errors'
import { printableExcerpt } from '../../shared/bounded-text'
import { APPLE_API_URL } from '../asc/client'

/**
 * Every numeric and URL option of every command is read here, so each refuses the same inputs the same
 * way: '' and '1.5' are not a port, 'not a url' and ftp:// are not App Store Connect. All are bad input (exit 2).
 */

export interface IntegerRange {
  readonly min: number
  readonly max: number
}

function quoted(value: string): string {
  return `"${printableExcerpt(value)}"`
}

/** A whole number written in plain digits (no sign, no spaces, no exponent), within the range. */
export function integerOption(flag: string, value: string, range: IntegerRange): number {
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new AscentError(
      'BAD_INPUT',
      `${flag} must be a whole number from ${range.min} to ${range.max}, not ${quoted(value)}`,
    )
  }
  return n
}

/** The same, for an option that may be left out. */
export function optionalIntegerOption(
  flag: string,
  value: string | undefined,
  range: IntegerRange,
): number | undefined {
  return value === undefined ? undefined : integerOption(flag, value, range)
}

/** A decimal fraction from 0 to 1 ("0", "0.25", "1"). */
export function fractionOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = /^(\d+(\.\d+)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 0 && n <= 1)) {
    throw new AscentError(
      'BAD_INPUT',
      `${flag} must be a number from 0 to 1, such as 0.1, not ${quoted(value)}`,
    )
  }
  return n
}

/**
 * The App Store Connect base URL: `--api-url`, else ASCENT_API_URL, else Apple's. Only an absolute
 * http(s) URL is one; anything else would fail later as "cannot reach App Store Connect" after retries.
 */
export function apiUrlOption(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const [source, value] =
    flagValue !== undefined
      ? ['--api-url', flagValue]
      : env.ASCENT_API_URL !== undefined
        ? ['ASCENT_API_URL', env.ASCENT_API_URL]
        : [null, APPLE_API_URL]
  if (source === null) return value
  let url: URL | null
  try {
    url = new URL(value)
  } catch {
    url = null
  }
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new AscentError(
      'BAD_INPUT',
      `${source} ${quoted(value)} is not an http:// or https:// URL; give one like ${APPLE_API_URL} (or http://127.0.0.1:PORT for a local sandbox)`,
    )
  }
  return value
}

/** A name (workflow, key id, bundle id): given means not blank. */
export function nameOption(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '')
    throw new AscentError('BAD_INPUT', `${flag} is empty: give a name, or leave the option out`)
  return value
}

const UPLOAD_METHODS = ['auto', 'api', 'altool'] as const
export type UploadMethodOption = (typeof UPLOAD_METHODS)[number]

/**
 * `--upload-method` of `publish` and `upload`, or its hidden alias `--method`: one name for one idea, the old
 * spelling still read. Both given and different is a contradiction, not a choice.
 */
export function uploadMethodOption(flags: { uploadMethod?: string; method?: string }): UploadMethodOption {
  if (flags.uploadMethod !== undefined && flags.method !== undefined && flags.uploadMethod !== flags.method) {
    throw new AscentError('BAD_INPUT', '--upload-method and --method say different things: give one')
  }
  const flag = flags.uploadMethod !== undefined ? '--upload-method' : '--method'
  const value = flags.uploadMethod ?? flags.method ?? 'auto'
  const method = UPLOAD_METHODS.find((m) => m === value)
  if (!method) throw new AscentError('BAD_INPUT', `${flag} must be auto, api or altool, not ${quoted(value)}`)
  return method
}
