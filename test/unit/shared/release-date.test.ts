import { describe, expect, it } from 'vitest'
import { formatUtc, parseReleaseDate, zonedHourToIso, zoneOffsetMinutes } from '../../../shared/release-date'

describe('parseReleaseDate', () => {
  it.each([
    ['2031-12-01T14:00:00+02:00', '2031-12-01T12:00:00.000Z'],
    ['2031-12-01T14:00:00-07:00', '2031-12-01T21:00:00.000Z'],
    ['2031-12-01T14:00+0530', '2031-12-01T08:30:00.000Z'],
    ['2031-12-01T00:00:00+05:45', '2031-11-30T18:15:00.000Z'],
    ['2031-12-01 14:00:00 +01:00', '2031-12-01T13:00:00.000Z'],
    ['2031-12-01T14:00:00.000Z', '2031-12-01T14:00:00.000Z'],
    ['2032-02-29T10:00:00Z', '2032-02-29T10:00:00.000Z'],
  ])('%s is the instant %s', (text, instant) => {
    const parsed = parseReleaseDate(text)
    expect(parsed.ok && new Date(parsed.epochMs).toISOString()).toBe(instant)
  })

  it.each([
    ['2031-02-29T10:00:00Z', /calendar date/],
    ['2031-12-01T14:00:00+15:00', /beyond/],
    ['2031-12-01T14:00:00.5Z', /not on the hour/],
  ])('refuses %s', (text, reason) => {
    const parsed = parseReleaseDate(text)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.reason).toMatch(reason)
  })
})

describe('zonedHourToIso: the date picker in a named time zone', () => {
  it('uses the offset in force on that date (winter and summer in Riga)', () => {
    expect(zonedHourToIso('2031-01-15', 14, 'Europe/Riga')).toMatchObject({
      ok: true,
      iso: '2031-01-15T14:00:00+02:00',
    })
    expect(zonedHourToIso('2031-07-15', 14, 'Europe/Riga')).toMatchObject({
      ok: true,
      iso: '2031-07-15T14:00:00+03:00',
    })
  })

  it('refuses an hour skipped by the spring-forward jump', () => {
    // Europe/Berlin jumps from 02:00 to 03:00 on 30 March 2031.
    const result = zonedHourToIso('2031-03-30', 2, 'Europe/Berlin')
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/does not exist/)
    expect(zonedHourToIso('2031-03-30', 3, 'Europe/Berlin')).toMatchObject({
      ok: true,
      iso: '2031-03-30T03:00:00+02:00',
    })
  })

  it('takes the first of the two 01:00s when clocks fall back (New York)', () => {
    // America/New_York falls back from 02:00 EDT to 01:00 EST on 2 November 2031.
    const result = zonedHourToIso('2031-11-02', 1, 'America/New_York')
    expect(result).toMatchObject({ ok: true, iso: '2031-11-02T01:00:00-04:00' })
    expect(result.ok && formatUtc(result.epochMs)).toBe('2031-11-02 05:00 UTC')
  })

  it('handles half-hour and 45-minute zones', () => {
    expect(zonedHourToIso('2031-12-01', 9, 'Asia/Kolkata')).toMatchObject({
      ok: true,
      iso: '2031-12-01T09:00:00+05:30',
    })
    expect(zonedHourToIso('2031-12-01', 9, 'Asia/Kathmandu')).toMatchObject({
      ok: true,
      iso: '2031-12-01T09:00:00+05:45',
    })
  })

  it('agrees with parseReleaseDate on the instant', () => {
    const zoned = zonedHourToIso('2031-06-01', 23, 'Australia/Lord_Howe')
    expect(zoned.ok).toBe(true)
    const parsed = zoned.ok ? parseReleaseDate(zoned.iso) : null
    expect(parsed?.ok && parsed.epochMs).toBe(zoned.ok && zoned.epochMs)
    expect(zoneOffsetMinutes('Australia/Lord_Howe', Date.parse('2031-06-01T12:00:00Z'))).toBe(630)
  })

  it('refuses a malformed date or hour', () => {
    expect(zonedHourToIso('2031/12/01', 9, 'UTC').ok).toBe(false)
    expect(zonedHourToIso('2031-12-01', 24, 'UTC').ok).toBe(false)
  })
})
