/**
 * Sizes in decimal units (1 MB = 1,000,000 bytes), as Finder, Transporter and App Store Connect show them:
 * one decimal below 100 and none above ("48.2 MB", "482 MB"). The one rule for the plan, step summaries,
 * the CLI and the window (whose upload bar shares one unit between bytes done and total).
 */
export interface ByteUnit {
  readonly divisor: number
  readonly suffix: 'B' | 'KB' | 'MB' | 'GB' | 'TB'
  readonly digits: number
}

const UNITS: readonly ByteUnit['suffix'][] = ['B', 'KB', 'MB', 'GB', 'TB']

export function byteUnit(bytes: number): ByteUnit {
  let divisor = 1
  let index = 0
  while (bytes / divisor >= 1000 && index < UNITS.length - 1) {
    divisor *= 1000
    index++
  }
  const digits = index === 0 || bytes / divisor >= 100 ? 0 : 1
  return { divisor, suffix: UNITS[index] ?? 'B', digits }
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  const unit = byteUnit(bytes)
  return `${(bytes / unit.divisor).toFixed(unit.digits)} ${unit.suffix}`
}
