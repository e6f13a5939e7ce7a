import { create } from 'zustand'
import { formatUtc, zonedHourToIso, zoneOffsetMinutes, parseReleaseDate } from '../../../shared/release-date'
import {
  defaultReleaseSettings,
  whatsNewFor,
  type ReleaseSettings,
  type ReleaseType,
  type WhatsNew,
} from '../../../shared/release-settings'

/**
 * What the release panel edits. The earliest release date is held as the person typed or picked it
 * (a wall-clock `YYYY-MM-DD HH:00` in a named time zone) and turned into ISO 8601 with an offset only
 * when it is valid, so a half-typed date never reaches the settings.
 */
export interface ScheduleDraft {
  readonly text: string
  /** The hour the hour selector shows, kept when the text is empty or being retyped. */
  readonly hour: number
  readonly timeZone: string
}

export interface ReleaseState {
  readonly settings: ReleaseSettings
  readonly schedule: ScheduleDraft
  /** Once the person typed a copyright, a suggestion from App Store Connect no longer replaces it. */
  readonly copyrightEdited: boolean
  /**
   * The What's New fields as typed: `EVERY_LOCALE` holds the primary locale's text, which the other locales
   * share unless their own field has text.
   */
  readonly whatsNewFields: Readonly<Record<string, string>>
}

/** The What's New field key of the text every locale shares (the primary locale's field). */
const EVERY_LOCALE = '*'

const DEFAULT_RELEASE_HOUR = 10

function systemTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export function initialRelease(timeZone: string = systemTimeZone()): ReleaseState {
  return {
    settings: defaultReleaseSettings,
    schedule: { text: '', hour: DEFAULT_RELEASE_HOUR, timeZone },
    copyrightEdited: false,
    whatsNewFields: {},
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function scheduleText(date: string, hour: number): string {
  return `${date} ${pad(hour)}:00`
}

export type ParsedScheduleText =
  | { readonly ok: true; readonly date: string; readonly hour: number }
  | { readonly ok: false; readonly reason: string }

/**
 * Accepts `YYYY-MM-DD HH:00` (or with a T); minutes are refused rather than rounded, as App Store Connect refuses
 * them. A date alone takes `menuHour`, the hour the Hour menu beside the field shows, so the two never disagree.
 */
export function parseScheduleText(text: string, menuHour?: number): ParsedScheduleText {
  const trimmed = text.trim()
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]+(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(trimmed)
  if (!m)
    return {
      ok: false,
      reason: `"${trimmed}" is not a date and hour: write it as YYYY-MM-DD HH:00, e.g. 2031-12-01 14:00`,
    }
  const [, y, mo, d, h, mi, s] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    return { ok: false, reason: `${y}-${mo}-${d} is not a calendar date` }
  }
  if (h === undefined) {
    if (menuHour !== undefined) return { ok: true, date: `${y}-${mo}-${d}`, hour: menuHour }
    return { ok: false, reason: 'needs an hour too: write it as YYYY-MM-DD HH:00, e.g. 2031-12-01 14:00' }
  }
  const hour = Number(h)
  if (hour > 23) return { ok: false, reason: `${h}:00 is not an hour of the day (0–23)` }
  if ((mi !== undefined && mi !== '00') || (s !== undefined && s !== '00')) {
    return {
      ok: false,
      reason: `${pad(hour)}:${mi ?? '00'} is not on the hour: App Store Connect accepts whole hours only, e.g. ${pad(hour)}:00`,
    }
  }
  return { ok: true, date: `${y}-${mo}-${d}`, hour }
}

export type ScheduleCheck =
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'valid'; readonly iso: string; readonly epochMs: number; readonly utc: string }

/** The inline verdict on the date fields; `now` is injected so tests and the clock agree. */
export function checkSchedule(releaseType: ReleaseType, schedule: ScheduleDraft, now: number): ScheduleCheck {
  if (schedule.text.trim() === '') {
    return releaseType === 'SCHEDULED'
      ? { kind: 'invalid', reason: 'A Scheduled release needs the date and hour it may go live.' }
      : { kind: 'empty' }
  }
  const parsed = parseScheduleText(schedule.text, schedule.hour)
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason }
  const zoned = zonedHourToIso(parsed.date, parsed.hour, schedule.timeZone)
  if (!zoned.ok) return { kind: 'invalid', reason: zoned.reason }
  if (releaseType !== 'SCHEDULED') {
    return {
      kind: 'invalid',
      reason:
        'An earliest release date applies only when Release type is Scheduled: choose Scheduled, or clear the date.',
    }
  }
  if (zoned.epochMs <= now) {
    return {
      kind: 'invalid',
      reason: `${scheduleText(parsed.date, parsed.hour)} (${formatUtc(zoned.epochMs)}) is in the past: choose a later hour.`,
    }
  }
  return { kind: 'valid', iso: zoned.iso, epochMs: zoned.epochMs, utc: formatUtc(zoned.epochMs) }
}

/** The ISO date the settings carry for a draft: set only when it is a real hour in that zone. */
function isoFor(releaseType: ReleaseType, schedule: ScheduleDraft): string | null {
  if (releaseType !== 'SCHEDULED') return null
  const parsed = parseScheduleText(schedule.text, schedule.hour)
  if (!parsed.ok) return null
  const zoned = zonedHourToIso(parsed.date, parsed.hour, schedule.timeZone)
  return zoned.ok ? zoned.iso : null
}

function withSchedule(
  state: ReleaseState,
  schedule: ScheduleDraft,
  releaseType = state.settings.releaseType,
): ReleaseState {
  return {
    ...state,
    schedule,
    settings: { ...state.settings, releaseType, earliestReleaseDate: isoFor(releaseType, schedule) },
  }
}

export function setReleaseType(state: ReleaseState, releaseType: ReleaseType): ReleaseState {
  return withSchedule(state, state.schedule, releaseType)
}

export function setScheduleText(state: ReleaseState, text: string): ReleaseState {
  const parsed = parseScheduleText(text)
  return withSchedule(state, { ...state.schedule, text, hour: parsed.ok ? parsed.hour : state.schedule.hour })
}

/** A day picked in the calendar keeps the chosen hour. */
export function pickScheduleDate(state: ReleaseState, date: string): ReleaseState {
  const parsed = parseScheduleText(state.schedule.text)
  const hour = parsed.ok ? parsed.hour : state.schedule.hour
  return withSchedule(state, { ...state.schedule, text: scheduleText(date, hour), hour })
}

export function setScheduleHour(state: ReleaseState, hour: number): ReleaseState {
  const parsed = parseScheduleText(state.schedule.text)
  const datePart = parsed.ok ? parsed.date : /^(\d{4}-\d{2}-\d{2})/.exec(state.schedule.text.trim())?.[1]
  const text = datePart ? scheduleText(datePart, hour) : state.schedule.text
  return withSchedule(state, { ...state.schedule, text, hour })
}

export function setTimeZone(state: ReleaseState, timeZone: string): ReleaseState {
  return withSchedule(state, { ...state.schedule, timeZone })
}

export function clearSchedule(state: ReleaseState): ReleaseState {
  return withSchedule(state, { ...state.schedule, text: '' })
}

/** The date part of the draft, for the calendar's selected day. */
export function scheduleDate(schedule: ScheduleDraft): string | null {
  return /^(\d{4}-\d{2}-\d{2})/.exec(schedule.text.trim())?.[1] ?? null
}

export type BooleanOption =
  | 'submitToTestflight'
  | 'expireBuildSubmittedForReview'
  | 'submitToAppStore'
  | 'cancelPreviousSubmissions'
  | 'usesNonExemptEncryption'

export function setOption(state: ReleaseState, option: BooleanOption, value: boolean): ReleaseState {
  return { ...state, settings: { ...state.settings, [option]: value } }
}

export function setWhatToTest(state: ReleaseState, text: string): ReleaseState {
  return { ...state, settings: { ...state.settings, whatToTest: text === '' ? null : text } }
}

/** The text a locale's What's New field shows: its own, or (for the primary locale) the shared text. */
export function whatsNewField(state: ReleaseState, locale: string, primary: string): string {
  const own = state.whatsNewFields[locale]
  if (own !== undefined) return own
  return locale === primary ? (state.whatsNewFields[EVERY_LOCALE] ?? '') : ''
}

/**
 * One locale's What's New typed in the App Store panel. The primary locale's text goes to every locale whose
 * own field is empty: one text (a string) until another locale gets its own, then a text per locale.
 */
export function setWhatsNewText(
  state: ReleaseState,
  locales: readonly string[],
  locale: string,
  text: string,
): ReleaseState {
  const primary = locales[0] ?? locale
  const fields: Record<string, string> = { ...state.whatsNewFields }
  if (locale === primary) {
    delete fields[primary]
    fields[EVERY_LOCALE] = text
  } else fields[locale] = text
  const shared = fields[EVERY_LOCALE] ?? ''
  const own = locales.filter((l) => l !== primary && (fields[l] ?? '').trim() !== '')
  let whatsNew: WhatsNew | null
  if (own.length === 0) whatsNew = shared.trim() === '' ? null : shared
  else {
    const map: Record<string, string> = {}
    for (const l of locales) {
      const value = (fields[l] ?? '').trim() !== '' ? fields[l]! : shared
      if (value.trim() !== '') map[l] = value
    }
    whatsNew = map
  }
  return { ...state, whatsNewFields: fields, settings: { ...state.settings, whatsNew } }
}

/** The locales that would go to review without What's New: none in the settings, none on the version yet. */
export function localesWithoutWhatsNew(
  settings: ReleaseSettings,
  locales: readonly string[],
  present: readonly string[] = [],
): string[] {
  return locales.filter((l) => whatsNewFor(settings.whatsNew, l) === null && !present.includes(l))
}

export function setCopyright(state: ReleaseState, text: string): ReleaseState {
  return {
    ...state,
    copyrightEdited: true,
    settings: { ...state.settings, copyright: text.trim() === '' ? null : text },
  }
}

export function applySuggestedCopyright(state: ReleaseState, suggestion: string | null): ReleaseState {
  if (state.copyrightEdited || suggestion === null || suggestion === '') return state
  return { ...state, settings: { ...state.settings, copyright: suggestion } }
}

/** true = on, false = off, null = keep what the App Store version has. */
export function setPhasedRelease(state: ReleaseState, value: boolean | null): ReleaseState {
  return { ...state, settings: { ...state.settings, phasedRelease: value } }
}

export function toggleGroup(state: ReleaseState, name: string): ReleaseState {
  const chosen = state.settings.betaGroups
  const betaGroups = chosen.includes(name) ? chosen.filter((g) => g !== name) : [...chosen, name]
  return { ...state, settings: { ...state.settings, betaGroups } }
}

/** "Select all" applies to the groups shown (after search), keeping choices outside the filter. */
export function selectGroups(state: ReleaseState, names: readonly string[]): ReleaseState {
  const betaGroups = [...new Set([...state.settings.betaGroups, ...names])]
  return { ...state, settings: { ...state.settings, betaGroups } }
}

export function deselectGroups(state: ReleaseState, names: readonly string[]): ReleaseState {
  const drop = new Set(names)
  return {
    ...state,
    settings: { ...state.settings, betaGroups: state.settings.betaGroups.filter((g) => !drop.has(g)) },
  }
}

/** The wall-clock date and hour of an ISO instant in `timeZone`, or null when it is not on the hour there. */
export function wallClockIn(
  iso: string,
  timeZone: string,
): { readonly date: string; readonly hour: number } | null {
  const parsed = parseReleaseDate(iso)
  if (!parsed.ok) return null
  const wall = new Date(parsed.epochMs + zoneOffsetMinutes(timeZone, parsed.epochMs) * 60_000)
  if (wall.getUTCMinutes() !== 0) return null
  return {
    date: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    hour: wall.getUTCHours(),
  }
}

/** Settings read from a codemagic.yaml replace the panel; the date is shown in the chosen zone (or UTC if it is off the hour there). */
export function applyImportedSettings(state: ReleaseState, settings: ReleaseSettings): ReleaseState {
  let schedule: ScheduleDraft = { ...state.schedule, text: '' }
  if (settings.earliestReleaseDate) {
    const zone = wallClockIn(settings.earliestReleaseDate, state.schedule.timeZone)
      ? state.schedule.timeZone
      : 'UTC'
    const wall = wallClockIn(settings.earliestReleaseDate, zone)
    if (wall) schedule = { text: scheduleText(wall.date, wall.hour), hour: wall.hour, timeZone: zone }
  }
  const whatsNewFields: Record<string, string> =
    settings.whatsNew === null
      ? {}
      : typeof settings.whatsNew === 'string'
        ? { [EVERY_LOCALE]: settings.whatsNew }
        : { ...settings.whatsNew }
  const next: ReleaseState = {
    settings,
    schedule,
    copyrightEdited: settings.copyright !== null,
    whatsNewFields,
  }
  return withSchedule(next, schedule, settings.releaseType)
}

export const useReleaseStore = create<ReleaseState>(() => initialRelease())

/**
 * Settings recalled for an app arrive after the form is already shown: what the person changed in the
 * meantime (`edited`, against `before`) stays, everything else comes from `recalled`. Field by field, so a
 * checkbox ticked while the recall was on its way is not undone by it.
 */
export function keepEditsOver(
  recalled: ReleaseState,
  before: ReleaseState,
  edited: ReleaseState,
): ReleaseState {
  if (edited === before) return recalled
  const settings: ReleaseSettings = { ...recalled.settings }
  for (const key of Object.keys(edited.settings) as (keyof ReleaseSettings)[])
    if (edited.settings[key] !== before.settings[key])
      Object.assign(settings, { [key]: edited.settings[key] })
  const scheduleEdited = edited.schedule !== before.schedule
  const whatsNewEdited = edited.whatsNewFields !== before.whatsNewFields
  const merged: ReleaseState = {
    settings,
    schedule: scheduleEdited ? edited.schedule : recalled.schedule,
    copyrightEdited:
      edited.settings.copyright !== before.settings.copyright
        ? edited.copyrightEdited
        : recalled.copyrightEdited,
    whatsNewFields: whatsNewEdited ? edited.whatsNewFields : recalled.whatsNewFields,
  }
  // The date in the settings follows the schedule draft and the release type the form now holds.
  return scheduleEdited || merged.settings.releaseType !== recalled.settings.releaseType
    ? withSchedule(merged, merged.schedule, merged.settings.releaseType)
    : merged
}
