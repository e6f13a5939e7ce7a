import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { DayPicker } from 'react-day-picker'
import { zoneOffsetMinutes } from '../../../shared/release-date'
import { changeRelease } from '../actions/release-actions'
import { useNow } from './use-now'
import {
  checkSchedule,
  clearSchedule,
  pickScheduleDate,
  scheduleDate,
  setScheduleHour,
  setScheduleText,
  setTimeZone,
  useReleaseStore,
} from '../stores/release-store'

const HOURS = Array.from({ length: 24 }, (_, h) => h)

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** Every zone Intl knows, with UTC and the chosen one guaranteed to be there. */
function timeZones(current: string): readonly string[] {
  let zones: string[]
  try {
    zones = Intl.supportedValuesOf('timeZone')
  } catch {
    zones = []
  }
  return [...new Set(['UTC', current, ...zones])].sort((a, b) =>
    a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b),
  )
}

/** Today's date in `timeZone` as a local Date at midnight, which is how the calendar counts days. */
function todayIn(timeZone: string, now: number): Date {
  const wall = new Date(now + zoneOffsetMinutes(timeZone, now) * 60_000)
  return new Date(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate())
}

function toLocalDate(date: string | null): Date | undefined {
  if (!date) return undefined
  const [y, m, d] = date.split('-').map(Number)
  return y && m && d ? new Date(y, m - 1, d) : undefined
}

function toDateString(day: Date): string {
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`
}

const DAY_NAME = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})

/**
 * A day's name for a screen reader starts with the number the button shows ("3 December 2031, Wednesday"),
 * so the name a person sees is the name they can say (react-day-picker's default reads "December 3rd").
 */
function dayButtonLabel(
  day: Date,
  modifiers: { readonly today?: boolean; readonly selected?: boolean },
): string {
  const parts = Object.fromEntries(DAY_NAME.formatToParts(day).map((p) => [p.type, p.value]))
  const name = `${parts.day} ${parts.month} ${parts.year}, ${parts.weekday}`
  return `${name}${modifiers.today ? ', today' : ''}${modifiers.selected ? ', selected' : ''}`
}

function offsetLabel(timeZone: string, now: number): string {
  const minutes = zoneOffsetMinutes(timeZone, now)
  const sign = minutes < 0 ? '−' : '+'
  const abs = Math.abs(minutes)
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/**
 * Earliest release date: a text field that takes `YYYY-MM-DD HH:00`, a calendar popover, an hour
 * selector and a time zone; the UTC instant App Store Connect will get is shown under it.
 */
export function ReleaseDatePicker({ disabled }: { readonly disabled: boolean }) {
  const schedule = useReleaseStore((s) => s.schedule)
  const releaseType = useReleaseStore((s) => s.settings.releaseType)
  const now = useNow()
  const check = checkSchedule(releaseType, schedule, now)
  const zones = useMemo(() => timeZones(schedule.timeZone), [schedule.timeZone])
  const [open, setOpen] = useState(false)
  const popover = useRef<HTMLDivElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)
  const ids = useId()
  const messageId = `${ids}-message`

  useEffect(() => {
    if (!open) return
    const onPointer = (e: PointerEvent): void => {
      const target = e.target as Node
      if (!popover.current?.contains(target) && !toggle.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])

  const selected = toLocalDate(scheduleDate(schedule))
  const today = todayIn(schedule.timeZone, now)
  const notScheduled = releaseType !== 'SCHEDULED'

  return (
    <fieldset className="date-picker" disabled={disabled}>
      <legend className="field-label">Earliest release date</legend>
      <div className="date-row">
        <input
          id={`${ids}-text`}
          className="input input-date"
          type="text"
          inputMode="numeric"
          placeholder="YYYY-MM-DD HH:00"
          aria-label="Earliest release date"
          aria-invalid={check.kind === 'invalid'}
          aria-describedby={messageId}
          autoComplete="off"
          spellCheck={false}
          value={schedule.text}
          onChange={(e) => {
            const value = e.currentTarget.value
            changeRelease((s) => setScheduleText(s, value))
          }}
          // A date typed without an hour takes the Hour menu's; leaving the field writes that hour out.
          onBlur={() => {
            if (/^\d{4}-\d{2}-\d{2}$/.test(schedule.text.trim()))
              changeRelease((s) => setScheduleHour(s, s.schedule.hour))
          }}
        />
        <button
          ref={toggle}
          type="button"
          className="button button-icon"
          aria-label="Choose a day in the calendar"
          aria-expanded={open}
          aria-controls={`${ids}-calendar`}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">▦</span>
        </button>
        <label className="inline-field">
          <span className="field-label-inline">Hour</span>
          <select
            className="input select"
            value={schedule.hour}
            onChange={(e) => {
              const hour = Number(e.currentTarget.value)
              changeRelease((s) => setScheduleHour(s, hour))
            }}
          >
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {pad(h)}:00
              </option>
            ))}
          </select>
        </label>
        {schedule.text !== '' ? (
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => changeRelease((s) => clearSchedule(s))}
          >
            Clear
          </button>
        ) : null}
      </div>
      {open ? (
        <div
          ref={popover}
          id={`${ids}-calendar`}
          className="popover"
          role="dialog"
          aria-label="Earliest release date calendar"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              setOpen(false)
              toggle.current?.focus()
            }
          }}
        >
          <DayPicker
            mode="single"
            autoFocus
            selected={selected}
            defaultMonth={selected ?? today}
            disabled={{ before: today }}
            startMonth={today}
            weekStartsOn={1}
            labels={{ labelDayButton: dayButtonLabel }}
            onSelect={(day) => {
              if (!day) return
              changeRelease((s) => pickScheduleDate(s, toDateString(day)))
              setOpen(false)
              toggle.current?.focus()
            }}
          />
        </div>
      ) : null}
      <label className="field field-zone">
        <span className="field-label">Time zone</span>
        <span className="date-row">
          <select
            className="input select select-zone"
            value={schedule.timeZone}
            onChange={(e) => {
              const zone = e.currentTarget.value
              changeRelease((s) => setTimeZone(s, zone))
            }}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          {/* The chosen hour's offset (summer time or not), the one the UTC line below goes by. */}
          <span className="muted zone-offset">
            {offsetLabel(schedule.timeZone, check.kind === 'valid' ? check.epochMs : now)}
          </span>
        </span>
      </label>
      <p
        id={messageId}
        className={check.kind === 'invalid' ? 'field-error' : 'hint'}
        role={check.kind === 'invalid' ? 'alert' : undefined}
      >
        {check.kind === 'valid'
          ? `= ${check.utc}`
          : check.kind === 'invalid'
            ? check.reason
            : notScheduled
              ? 'Only for Scheduled releases.'
              : 'Type a date and hour, or pick a day.'}
      </p>
    </fieldset>
  )
}
