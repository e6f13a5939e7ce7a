import { describe, expect, it } from 'vitest'
import {
  applyImportedSettings,
  applySuggestedCopyright,
  checkSchedule,
  clearSchedule,
  deselectGroups,
  initialRelease,
  keepEditsOver,
  localesWithoutWhatsNew,
  parseScheduleText,
  pickScheduleDate,
  selectGroups,
  setCopyright,
  setOption,
  setPhasedRelease,
  setReleaseType,
  setScheduleHour,
  setScheduleText,
  setTimeZone,
  setWhatsNewText,
  toggleGroup,
  wallClockIn,
  whatsNewField,
} from '../../../renderer/src/stores/release-store'
import { defaultReleaseSettings } from '../../../shared/release-settings'

const NOW = Date.UTC(2030, 0, 1, 12)

describe('parseScheduleText', () => {
  it('accepts YYYY-MM-DD HH:00 and the T form', () => {
    expect(parseScheduleText('2031-12-01 14:00')).toEqual({ ok: true, date: '2031-12-01', hour: 14 })
    expect(parseScheduleText(' 2031-12-01T09:00 ')).toEqual({ ok: true, date: '2031-12-01', hour: 9 })
  })
  it('gives a date alone the Hour menu’s hour, when there is one', () => {
    expect(parseScheduleText('2031-12-01', 10)).toEqual({ ok: true, date: '2031-12-01', hour: 10 })
    expect(parseScheduleText('2031-12-01 14:00', 10)).toEqual({ ok: true, date: '2031-12-01', hour: 14 })
  })
  it('refuses minutes with the reason', () => {
    const r = parseScheduleText('2031-12-01 14:30')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(/whole hours only, e\.g\. 14:00/)
  })
  it('refuses a date without an hour, an impossible date and garbage', () => {
    expect(parseScheduleText('2031-12-01')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/needs an hour/),
    })
    expect(parseScheduleText('2031-02-30 10:00')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a calendar date/),
    })
    expect(parseScheduleText('2031-02-03 24:00')).toMatchObject({ ok: false })
    expect(parseScheduleText('next tuesday')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/YYYY-MM-DD HH:00/),
    })
  })
})

describe('schedule in the release state', () => {
  it('turns a typed date into ISO with the zone offset, only for Scheduled', () => {
    let s = setTimeZone(initialRelease('UTC'), 'Europe/Riga')
    s = setScheduleText(s, '2031-12-01 14:00')
    expect(s.settings.earliestReleaseDate).toBeNull()
    s = setReleaseType(s, 'SCHEDULED')
    expect(s.settings.earliestReleaseDate).toBe('2031-12-01T14:00:00+02:00')
    const check = checkSchedule(s.settings.releaseType, s.schedule, NOW)
    expect(check).toEqual({
      kind: 'valid',
      iso: '2031-12-01T14:00:00+02:00',
      epochMs: Date.UTC(2031, 11, 1, 12),
      utc: '2031-12-01 12:00 UTC',
    })
  })

  it('refuses a date with a non-Scheduled release type, inline', () => {
    const s = setScheduleText(initialRelease('UTC'), '2031-12-01 14:00')
    const check = checkSchedule('MANUAL', s.schedule, NOW)
    expect(check).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/only when Release type is Scheduled/),
    })
    expect(checkSchedule('MANUAL', clearSchedule(s).schedule, NOW)).toEqual({ kind: 'empty' })
  })

  it('refuses the past and requires a date for Scheduled', () => {
    let s = setReleaseType(initialRelease('UTC'), 'SCHEDULED')
    expect(checkSchedule('SCHEDULED', s.schedule, NOW)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/needs the date and hour/),
    })
    s = setScheduleText(s, '2029-06-01 10:00')
    expect(checkSchedule('SCHEDULED', s.schedule, NOW)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/in the past/),
    })
    s = setScheduleText(s, '2030-01-01 12:00')
    expect(checkSchedule('SCHEDULED', s.schedule, NOW)).toMatchObject({ kind: 'invalid' })
    s = setScheduleText(s, '2030-01-01 13:00')
    expect(checkSchedule('SCHEDULED', s.schedule, NOW)).toMatchObject({ kind: 'valid' })
  })

  it('refuses an hour skipped by daylight saving', () => {
    let s = setReleaseType(setTimeZone(initialRelease('UTC'), 'Europe/Riga'), 'SCHEDULED')
    s = setScheduleText(s, '2031-03-30 03:00')
    expect(checkSchedule('SCHEDULED', s.schedule, NOW)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/does not exist/),
    })
    expect(s.settings.earliestReleaseDate).toBeNull()
  })

  it('keeps the hour when a day is picked, and the day when the hour changes', () => {
    let s = setScheduleHour(initialRelease('UTC'), 16)
    expect(s.schedule.text).toBe('')
    s = pickScheduleDate(s, '2031-05-04')
    expect(s.schedule.text).toBe('2031-05-04 16:00')
    s = setScheduleHour(s, 8)
    expect(s.schedule).toMatchObject({ text: '2031-05-04 08:00', hour: 8 })
    s = setScheduleText(s, '2031-05-05 21:00')
    expect(s.schedule.hour).toBe(21)
  })

  it('moves the instant, not the wall clock, when the zone changes', () => {
    let s = setReleaseType(setScheduleText(initialRelease('UTC'), '2031-12-01 14:00'), 'SCHEDULED')
    expect(s.settings.earliestReleaseDate).toBe('2031-12-01T14:00:00+00:00')
    s = setTimeZone(s, 'America/New_York')
    expect(s.settings.earliestReleaseDate).toBe('2031-12-01T14:00:00-05:00')
  })
})

describe('groups selection', () => {
  it('toggles, selects the shown ones and deselects without touching others', () => {
    let s = toggleGroup(initialRelease('UTC'), 'QA')
    expect(s.settings.betaGroups).toEqual(['QA'])
    s = selectGroups(s, ['Beta', 'QA', 'Friends'])
    expect(s.settings.betaGroups).toEqual(['QA', 'Beta', 'Friends'])
    s = deselectGroups(s, ['Beta'])
    expect(s.settings.betaGroups).toEqual(['QA', 'Friends'])
    s = toggleGroup(s, 'QA')
    expect(s.settings.betaGroups).toEqual(['Friends'])
  })
})

describe('copyright and phased release', () => {
  it('takes the suggestion until the person types', () => {
    let s = applySuggestedCopyright(initialRelease('UTC'), '2031 Acme')
    expect(s.settings.copyright).toBe('2031 Acme')
    s = setCopyright(s, '2031 Acme Ltd')
    s = applySuggestedCopyright(s, '2031 Other')
    expect(s.settings.copyright).toBe('2031 Acme Ltd')
    expect(setCopyright(s, '  ').settings.copyright).toBeNull()
  })
  it('has three phased release states', () => {
    const s = initialRelease('UTC')
    expect(s.settings.phasedRelease).toBeNull()
    expect(setPhasedRelease(s, true).settings.phasedRelease).toBe(true)
    expect(setPhasedRelease(s, false).settings.phasedRelease).toBe(false)
  })
})

describe('imported settings', () => {
  it('shows an imported date in the chosen zone', () => {
    const s = applyImportedSettings(initialRelease('Europe/Riga'), {
      ...defaultReleaseSettings,
      releaseType: 'SCHEDULED',
      submitToAppStore: true,
      earliestReleaseDate: '2031-12-01T12:00:00+00:00',
      copyright: '2031 Acme',
    })
    expect(s.schedule).toMatchObject({ text: '2031-12-01 14:00', timeZone: 'Europe/Riga' })
    expect(s.settings.earliestReleaseDate).toBe('2031-12-01T14:00:00+02:00')
    expect(s.copyrightEdited).toBe(true)
  })
  it('falls back to UTC when the date is off the hour in the chosen zone', () => {
    expect(wallClockIn('2031-12-01T12:00:00+00:00', 'Asia/Kolkata')).toBeNull()
    const s = applyImportedSettings(initialRelease('Asia/Kolkata'), {
      ...defaultReleaseSettings,
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2031-12-01T12:00:00+00:00',
    })
    expect(s.schedule).toMatchObject({ text: '2031-12-01 12:00', timeZone: 'UTC' })
  })
})

describe("What's New fields", () => {
  const locales = ['en-US', 'de-DE', 'fr-FR']

  it('the primary text goes to every locale until another gets its own', () => {
    let s = setWhatsNewText(initialRelease('UTC'), locales, 'en-US', 'Faster sync.')
    expect(s.settings.whatsNew).toBe('Faster sync.')
    expect(localesWithoutWhatsNew(s.settings, locales)).toEqual([])
    s = setWhatsNewText(s, locales, 'de-DE', 'Schneller.')
    expect(s.settings.whatsNew).toEqual({
      'en-US': 'Faster sync.',
      'de-DE': 'Schneller.',
      'fr-FR': 'Faster sync.',
    })
    expect(whatsNewField(s, 'fr-FR', 'en-US')).toBe('')
    s = setWhatsNewText(s, locales, 'de-DE', '')
    expect(s.settings.whatsNew).toBe('Faster sync.')
    s = setWhatsNewText(s, locales, 'en-US', '  ')
    expect(s.settings.whatsNew).toBeNull()
    expect(localesWithoutWhatsNew(s.settings, locales, ['fr-FR'])).toEqual(['en-US', 'de-DE'])
  })

  it('imported notes fill the fields', () => {
    const s = applyImportedSettings(initialRelease('UTC'), {
      ...initialRelease('UTC').settings,
      whatsNew: { 'en-US': 'A', 'de-DE': 'B' },
    })
    expect(whatsNewField(s, 'en-US', 'en-US')).toBe('A')
    expect(whatsNewField(s, 'de-DE', 'en-US')).toBe('B')
    const edited = setWhatsNewText(s, ['en-US', 'de-DE'], 'en-US', 'C')
    expect(edited.settings.whatsNew).toEqual({ 'en-US': 'C', 'de-DE': 'B' })
  })
})

describe('keepEditsOver', () => {
  const before = initialRelease('Europe/Riga')
  const remembered = {
    ...defaultReleaseSettings,
    submitToTestflight: true,
    betaGroups: ['QA'],
    whatToTest: 'Remembered.',
    releaseType: 'SCHEDULED' as const,
    earliestReleaseDate: '2031-12-01T14:00:00+02:00',
  }
  const recalled = applyImportedSettings(before, remembered)

  it('is the recalled form when nothing was changed meanwhile', () => {
    expect(keepEditsOver(recalled, before, before)).toBe(recalled)
  })
  it('keeps each setting changed while the recall was on its way, the rest recalled', () => {
    const edited = setOption(toggleGroup(before, 'Beta'), 'submitToAppStore', true)
    const merged = keepEditsOver(recalled, before, edited)
    expect(merged.settings).toEqual({ ...recalled.settings, submitToAppStore: true, betaGroups: ['Beta'] })
    expect(merged.schedule).toBe(recalled.schedule)
  })
  it('keeps a release type chosen meanwhile, with the recalled date only when it is Scheduled', () => {
    const merged = keepEditsOver(recalled, before, setReleaseType(before, 'AFTER_APPROVAL'))
    expect(merged.settings.releaseType).toBe('AFTER_APPROVAL')
    expect(merged.settings.earliestReleaseDate).toBeNull()
    expect(merged.schedule.text).toBe('2031-12-01 14:00')
  })
  it('keeps a date typed meanwhile, and a copyright typed meanwhile stays the person’s', () => {
    const edited = setCopyright(setScheduleText(before, '2032-01-05 09:00'), '2032 Mine')
    const merged = keepEditsOver(recalled, before, edited)
    expect(merged.schedule.text).toBe('2032-01-05 09:00')
    expect(merged.settings.releaseType).toBe('SCHEDULED')
    expect(merged.settings.earliestReleaseDate).toBe('2032-01-05T09:00:00+02:00')
    expect(merged.settings.copyright).toBe('2032 Mine')
    expect(merged.copyrightEdited).toBe(true)
  })
})
