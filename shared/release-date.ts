/**
 * Earliest release dates: timezone-aware ISO 8601 with hour precision.
 * App Store Connect rejects minutes and seconds, and a date without an offset is ambiguous,
 * so both are refused here rather than silently rounded (fastlane rounds down; we say so instead).
 */

export type ParsedReleaseDate =
  | { readonly ok: true; readonly iso: string; readonly epochMs: number; readonly offsetMinutes: number }
  | { readonly ok: false; readonly reason: string }

const ISO_WITH_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0')
}

function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return '+00:00'
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0
  const sign = text.startsWith('-') ? -1 : 1
  const digits = text.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  return sign * (hours * 60 + minutes)
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Accepts a string or a Date (a YAML 1.1 timestamp); a Date carries no offset of its own, so it is read as UTC. */
export function parseReleaseDate(value: string | Date): ParsedReleaseDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, reason: 'is not a valid date' }
    return parseReleaseDate(value.toISOString())
  }
  const text = value.trim()
  const m = ISO_WITH_TIME.exec(text)
  if (!m) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      return {
        ok: false,
        reason: 'has no time: write the hour and the time zone, e.g. 2031-12-01T14:00:00+02:00',
      }
    }
    return { ok: false, reason: 'is not an ISO 8601 date and time, e.g. 2031-12-01T14:00:00+02:00' }
  }
  const [, y, mo, d, h, mi, s = '00', frac, offset] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
    string?,
    string?,
  ]
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `is not a calendar date (${y}-${mo}-${d})` }
  }
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: `has an invalid time (${h}:${mi}:${s})` }
  if (offset === undefined) {
    return {
      ok: false,
      reason:
        'has no time zone: add Z or an offset such as +02:00 (App Store Connect needs to know which 14:00 you mean)',
    }
  }
  if (minute !== 0 || second !== 0 || (frac !== undefined && /[1-9]/.test(frac))) {
    return {
      ok: false,
      reason: `is not on the hour (${h}:${mi}${s !== '00' ? ':' + s : ''}): App Store Connect accepts whole hours only, e.g. ${h}:00`,
    }
  }
  const offsetMinutes = parseOffset(offset)
  if (Math.abs(offsetMinutes) > 14 * 60)
    return { ok: false, reason: `has an offset beyond ±14:00 (${offset})` }
  const epochMs = Date.UTC(year, month - 1, day, hour) - offsetMinutes * 60_000
  const iso = `${y}-${mo}-${d}T${h}:00:00${formatOffset(offsetMinutes)}`
  return { ok: true, iso, epochMs, offsetMinutes }
}

/** The offset of `timeZone` at the instant `epochMs`, in minutes east of UTC. */
export function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs))
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0')
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000)
}

export type ZonedHour =
  | { readonly ok: true; readonly iso: string; readonly epochMs: number }
  | { readonly ok: false; readonly reason: string }

/**
 * A wall-clock date and hour in a named zone (what the date picker holds) to an ISO string with offset.
 * An hour skipped by a daylight-saving jump does not exist and is refused; an hour that happens twice
 * takes the first (earlier) instant, as calendars do.
 */
export function zonedHourToIso(date: string, hour: number, timeZone: string): ZonedHour {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m || !Number.isInteger(hour) || hour < 0 || hour > 23)
    return { ok: false, reason: 'needs a date YYYY-MM-DD and an hour 0–23' }
  const [, y, mo, d] = m as unknown as [string, string, string, string]
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), hour)
  const candidates = new Set<number>()
  for (const probe of [wall - 14 * 3_600_000, wall, wall + 14 * 3_600_000]) {
    candidates.add(wall - zoneOffsetMinutes(timeZone, probe) * 60_000)
  }
  const matches = [...candidates]
    .filter((instant) => instant + zoneOffsetMinutes(timeZone, instant) * 60_000 === wall)
    .sort((a, b) => a - b)
  const instant = matches[0]
  if (instant === undefined) {
    return {
      ok: false,
      reason: `${date} ${pad(hour)}:00 does not exist in ${timeZone} (clocks jump forward that night)`,
    }
  }
  const offset = zoneOffsetMinutes(timeZone, instant)
  return { ok: true, iso: `${y}-${mo}-${d}T${pad(hour)}:00:00${formatOffset(offset)}`, epochMs: instant }
}

/** "2031-12-01 12:00 UTC" for showing the UTC equivalent next to the picker. */
export function formatUtc(epochMs: number): string {
  const t = new Date(epochMs)
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} UTC`
}
