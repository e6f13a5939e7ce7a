import type { Problem } from '../../../shared/build-summary'

/** What one rule found in one bundle; the message reads `<bundle>: <what> (ITMS-n): <fix>`. */
export interface Finding {
  readonly severity: Problem['severity']
  readonly code: string
  /** Apple's number, without the ITMS- prefix; absent when Apple's refusal has no known number. */
  readonly itms?: number
  readonly what: string
  readonly fix: string
}

export function bundleProblem(bundle: string, finding: Finding): Problem {
  const itms = finding.itms === undefined ? undefined : `ITMS-${finding.itms}`
  return {
    severity: finding.severity,
    code: finding.code,
    message: `${bundle}: ${finding.what}${itms ? ` (${itms})` : ''}: ${finding.fix}`,
    ...(itms ? { itms } : {}),
    bundle,
    fix: finding.fix,
  }
}

/** Quotes a value from a plist for a message: short, printable, never the million digits it may hold. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not be echoed
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?')
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 40)}…` : printable)
}
