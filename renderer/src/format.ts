/**
 * Numbers as people read them in the window. Sizes are decimal (MB = 10^6 bytes), as App Store
 * Connect and Finder show them, so "48.2 MB" here matches what Apple shows.
 */

import { byteUnit } from '../../shared/format-bytes'

export { byteUnit, formatBytes } from '../../shared/format-bytes'

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '— MB/s'
  const mb = bytesPerSecond / 1_000_000
  // Below 0.1 MB/s "0.0 MB/s" would read as stalled: slow links get KB/s.
  if (mb < 0.1) return `${Math.max(1, Math.round(bytesPerSecond / 1000))} KB/s`
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB/s`
}

/** The rate as a part of the upload line, or nothing while there is no measured rate yet (a small upload never has one). */
function ratePart(bytesPerSecond: number): string[] {
  return Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? [formatRate(bytesPerSecond)] : []
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return 'estimating…'
  const s = Math.ceil(seconds)
  if (s < 60) return `${s} s left`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min ${s % 60} s left`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return ''
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min ${s % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** Done and total in the same unit, so the line does not change shape as the numbers grow. */
export function formatUploadLine(progress: {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly bytesPerSecond: number
  readonly etaSeconds: number | null
  /** The step has finished: no ETA, just what was sent and how fast. */
  readonly complete?: boolean
  /** The step stopped (failed or canceled): how far it got, nothing more. */
  readonly stopped?: boolean
}): string {
  const total = progress.bytesTotal
  // Both numbers in the total's unit, the same one the build card shows for this size.
  const { divisor, suffix, digits } = byteUnit(total)
  const done = (progress.bytesDone / divisor).toFixed(digits)
  const all = (total / divisor).toFixed(digits)
  const finished = progress.bytesDone >= total && total > 0
  if (progress.stopped) return `${done} / ${all} ${suffix} sent`
  // Before the first bytes there is no rate or ETA to show, only zeros and dashes.
  if (progress.bytesDone === 0 && !progress.complete) return 'Starting…'
  const rate = ratePart(progress.bytesPerSecond)
  if (finished && progress.complete) return [`${all} ${suffix}`, ...rate].join(' · ')
  return [
    `${done} / ${all} ${suffix}`,
    ...rate,
    finished ? 'finishing…' : formatEta(progress.etaSeconds),
  ].join(' · ')
}

export function percent(done: number, total: number): number {
  if (!(total > 0)) return 0
  return Math.max(0, Math.min(100, Math.round((done / total) * 1000) / 10))
}

/** "1 Dec 2031, 14:05" in the viewer's locale-independent form, for history rows. */
export function formatWhen(iso: string): string {
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return iso
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${t.getDate()} ${months[t.getMonth()]} ${t.getFullYear()}, ${pad(t.getHours())}:${pad(t.getMinutes())}`
}

export function platformLabel(platform: string): string {
  switch (platform) {
    case 'IOS':
      return 'iOS'
    case 'TV_OS':
      return 'tvOS'
    case 'MAC_OS':
      return 'macOS'
    case 'VISION_OS':
      return 'visionOS'
    default:
      return platform
  }
}

const DEVICE_LABELS: Readonly<Record<string, string>> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  tv: 'Apple TV',
  watch: 'Apple Watch',
  carplay: 'CarPlay',
  mac: 'Mac',
  vision: 'Apple Vision',
}

export function devicesLabel(families: readonly string[]): string {
  return families.map((f) => DEVICE_LABELS[f] ?? f).join(', ')
}

const PROFILE_LABELS: Readonly<Record<string, string>> = {
  'app-store': 'App Store',
  'ad-hoc': 'Ad Hoc',
  development: 'Development',
  enterprise: 'Enterprise',
  none: 'None',
}

export function profileLabel(type: string): string {
  return PROFILE_LABELS[type] ?? type
}

/**
 * Apple's error body, verbatim but readable: a JSON:API `errors` list becomes one line per error
 * ("CODE: title — detail"); anything else is shown as it came.
 */
export function readableDetail(detail: string, said = ''): string {
  try {
    const body = JSON.parse(detail) as { errors?: { code?: string; title?: string; detail?: string }[] }
    if (!Array.isArray(body.errors) || body.errors.length === 0) return detail
    // Words the message above already quotes are not repeated; Apple's code still shows.
    const fresh = (text: string | undefined): boolean => Boolean(text) && !said.includes(text ?? '')
    return body.errors
      .map((e) => [e.code, [e.title, e.detail].filter(fresh).join(' — ')].filter(Boolean).join(': '))
      .join('\n')
  } catch {
    return detail
  }
}

export interface AbbreviatedList {
  /** The text with the middle of its long list replaced by "… N more …". */
  readonly short: string
  /** How many list items the short form leaves out, and how many there are. */
  readonly hidden: number
  readonly total: number
}

/**
 * A message naming a thousand beta groups is a wall of text; shown whole it pushes everything else off
 * screen. When a text is a list of more than `threshold` comma-separated items, keep the first `head` and
 * the last `tail` (whatever precedes and follows the list stays: the verb before it, the fix after it) and
 * say how many are left out. null when the text is short enough to show as it is.
 */
export function abbreviateList(
  text: string,
  options: { readonly head?: number; readonly tail?: number; readonly threshold?: number } = {},
): AbbreviatedList | null {
  const head = options.head ?? 3
  const tail = options.tail ?? 1
  const threshold = Math.max(options.threshold ?? 12, head + tail + 1)
  const parts = text.split(', ')
  if (parts.length <= threshold) return null
  const hidden = parts.length - head - tail
  return {
    short: [...parts.slice(0, head), `… ${hidden} more …`, ...parts.slice(parts.length - tail)].join(', '),
    hidden,
    total: parts.length,
  }
}
