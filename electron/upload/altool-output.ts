import * as z from 'zod'

/**
 * Reading altool's output. altool's verdict is not its exit code: Xcode 26 can exit 0 after a failed upload
 * (codemagic-cli-tools PR #478), so success needs the success line or JSON success-message and
 * no product-errors; ERROR: lines fail a run unless altool also said UPLOAD SUCCEEDED (Xcode 16.4 prints a
 * harmless "ERROR: … option '-' is unknown: ignored").
 */

const ProductError = z.object({
  message: z.string().nullish(),
  code: z.union([z.number(), z.string()]).nullish(),
  'user-info': z.record(z.string(), z.unknown()).nullish(),
  userInfo: z.record(z.string(), z.unknown()).nullish(),
})
export const AltoolJson = z.object({
  'success-message': z.string().nullish(),
  'product-errors': z.array(ProductError).nullish(),
  details: z.object({ 'delivery-uuid': z.string().nullish(), transferred: z.string().nullish() }).nullish(),
  'tool-version': z.string().nullish(),
})
export type AltoolJson = z.infer<typeof AltoolJson>

interface AltoolProductError {
  readonly message: string
  readonly code: string | null
  /** Apple's reason (NSLocalizedFailureReason) and its iris code (e.g. ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE). */
  readonly reason: string | null
  readonly irisCode: string | null
}

export interface AltoolVerdict {
  readonly success: boolean
  readonly deliveryId: string | null
  readonly productErrors: readonly AltoolProductError[]
  readonly errorLines: readonly string[]
  /** A failure Apple or altool itself calls temporary. */
  readonly retryable: boolean
  readonly authFailed: boolean
}

const ERROR_LINE = /(?:\*\*\*\s*)?\bERROR:\s+(.+)/i
const SUCCESS_LINE = /UPLOAD SUCCEEDED|No errors uploading/i
const DELIVERY_LINE = /Delivery UUID:\s*([0-9a-fA-F-]{36})/
// From Codemagic's _run_retrying_command and fastlane's "exited abnormally; try retrying".
const RETRYABLE_TEXT = [
  /Unable to authenticate.*-19209/i,
  /server returned an invalid response.*try your request again/i,
  /The request timed out/i,
  /exited abnormally; try retrying/i,
  /Failed to upload part number/i,
]

/** The last JSON object altool printed: grow a tail from the end until it parses (what Codemagic does). */
export function findTrailingJson(output: string): AltoolJson | null {
  const lines = output.split(/\r?\n/)
  let tries = 0
  for (let i = lines.length - 1; i >= 0 && tries < 200; i--) {
    const line = lines[i] ?? ''
    if (!line.startsWith('{')) continue
    tries++
    try {
      const parsed = AltoolJson.safeParse(JSON.parse(lines.slice(i).join('\n')))
      if (parsed.success) return parsed.data
    } catch {
      // not the start of the object; keep walking up
    }
  }
  return null
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null
}

export function judgeAltoolOutput(input: {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
}): AltoolVerdict {
  const all = `${input.stdout}\n${input.stderr}`
  const json = findTrailingJson(input.stdout)
  const lines = all.split(/\r?\n/)
  const errorLines = lines.map((l) => ERROR_LINE.exec(l)?.[1]?.trim()).filter((l): l is string => !!l)
  const successLine = lines.some((l) => SUCCESS_LINE.test(l))
  const productErrors: AltoolProductError[] = (json?.['product-errors'] ?? []).map((e) => {
    const info = e['user-info'] ?? e.userInfo ?? {}
    return {
      message: e.message ?? 'altool reported an error',
      code: e.code == null ? null : String(e.code),
      reason: text(info['NSLocalizedFailureReason']) ?? text(info['detail']),
      irisCode: text(info['iris-code']) ?? text(info['code']),
    }
  })
  const deliveryId =
    json?.details?.['delivery-uuid'] ?? lines.map((l) => DELIVERY_LINE.exec(l)?.[1]).find(Boolean) ?? null
  const said = successLine || !!json?.['success-message']
  const success =
    input.exitCode === 0 &&
    input.signal === null &&
    said &&
    productErrors.length === 0 &&
    (errorLines.length === 0 || /UPLOAD SUCCEEDED/.test(all))
  const authFailed = productErrors.some((e) => e.code === '-19209') || /Unable to authenticate/i.test(all)
  const crashed =
    input.signal === 'SIGSEGV' ||
    input.signal === 'SIGTRAP' ||
    input.exitCode === -5 ||
    input.exitCode === -11
  const retryable =
    !success &&
    (crashed || productErrors.some((e) => e.code === '-19209') || RETRYABLE_TEXT.some((re) => re.test(all)))
  return { success, deliveryId, productErrors, errorLines, retryable, authFailed }
}

/** One sentence from Apple's own words, for the step's error message. */
export function describeAltoolFailure(verdict: AltoolVerdict, exitCode: number | null): string {
  const first = verdict.productErrors[0]
  if (first) {
    const parts = [first.message]
    if (first.reason && first.reason !== first.message) parts.push(first.reason)
    const codes = [first.irisCode, first.code].filter(Boolean).join(', ')
    return `${parts.join(' — ')}${codes ? ` (${codes})` : ''}`
  }
  if (verdict.errorLines.length > 0) return verdict.errorLines.join('; ')
  return exitCode === 0
    ? 'altool ended without saying the upload succeeded'
    : `altool exited with code ${exitCode} without an error message`
}

export interface AltoolProgress {
  readonly percent: number | null
  readonly bytesDone: number | null
  readonly bytesTotal: number | null
  readonly partsDone: number | null
}

const UNIT: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  BYTES: 1,
}
const OF_BYTES = /([\d.,]+)\s*(bytes|[KMG]i?B|B)\s+of\s+([\d.,]+)\s*(bytes|[KMG]i?B|B)/i
const PERCENT = /(\d{1,3}(?:\.\d+)?)\s?%/
const PART = /COMPLETED\s+-\s+PART\s+(\d+)/i

function amount(value: string, unit: string): number {
  return Math.round(Number(value.replace(/,/g, '')) * (UNIT[unit.toUpperCase()] ?? 1))
}

/**
 * altool has no documented progress format, so lines are read loosely:
 * "X MB of Y MB", a percentage on an upload line, or "COMPLETED - PART n". Returns null for other lines.
 */
export function parseAltoolProgress(line: string): AltoolProgress | null {
  const bytes = OF_BYTES.exec(line)
  const percentMatch = /upload|progress|part|transferr/i.test(line) ? PERCENT.exec(line) : null
  const part = PART.exec(line)
  if (!bytes && !percentMatch && !part) return null
  const percent = percentMatch ? Math.min(100, Number(percentMatch[1])) : null
  return {
    percent,
    bytesDone: bytes ? amount(bytes[1] ?? '0', bytes[2] ?? 'B') : null,
    bytesTotal: bytes ? amount(bytes[3] ?? '0', bytes[4] ?? 'B') : null,
    partsDone: part ? Number(part[1]) : null,
  }
}
