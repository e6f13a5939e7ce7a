import { describe, expect, it } from 'vitest'
import {
  parseReleaseSettings,
  settingsToYamlSection,
  defaultReleaseSettings,
} from '../../../shared/release-settings'

const NOW = Date.parse('2026-11-29T12:00:00Z')
const now = (): number => NOW
const parse = (raw: unknown) => parseReleaseSettings(raw, { now })

describe('release settings: valid input', () => {
  it.each([
    ['empty mapping gives the defaults', {}, { releaseType: 'MANUAL', phasedRelease: null, betaGroups: [] }],
    [
      'TestFlight with groups',
      { submit_to_testflight: true, beta_groups: ['QA', 'Beta'] },
      { submitToTestflight: true, betaGroups: ['QA', 'Beta'] },
    ],
    ['duplicate groups collapse', { beta_groups: ['QA', 'QA'] }, { betaGroups: ['QA'] }],
    ['phased release off is kept as false', { phased_release: false }, { phasedRelease: false }],
    ['phased release on', { phased_release: true }, { phasedRelease: true }],
    [
      'AFTER_APPROVAL',
      { submit_to_app_store: true, release_type: 'AFTER_APPROVAL' },
      { releaseType: 'AFTER_APPROVAL' },
    ],
    [
      'SCHEDULED with an offset date',
      {
        submit_to_app_store: true,
        release_type: 'SCHEDULED',
        earliest_release_date: '2031-12-01T14:00:00+02:00',
      },
      { releaseType: 'SCHEDULED', earliestReleaseDate: '2031-12-01T14:00:00+02:00' },
    ],
    [
      'SCHEDULED with a half-hour offset (India)',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01T09:00:00+05:30' },
      { earliestReleaseDate: '2031-12-01T09:00:00+05:30' },
    ],
    [
      'a Z date normalises to +00:00',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01T09:00:00Z' },
      { earliestReleaseDate: '2031-12-01T09:00:00+00:00' },
    ],
    [
      'a YAML 1.1 timestamp (Date) is accepted',
      { release_type: 'SCHEDULED', earliest_release_date: new Date('2031-12-01T09:00:00Z') },
      { earliestReleaseDate: '2031-12-01T09:00:00+00:00' },
    ],
    [
      'Codemagic inline credentials stay valid',
      { api_key: '$KEY', key_id: '$ID', issuer_id: '$ISS' },
      { auth: null },
    ],
    ['auth integration', { auth: 'integration' }, { auth: 'integration' }],
  ])('%s', (_name, raw, expected) => {
    const result = parse(raw)
    expect(result.issues).toEqual([])
    expect(result.ok && result.settings).toMatchObject(expected)
  })
})

describe('release settings: every rule has a message naming the key and the fix', () => {
  it.each([
    ['phased_release: "sometimes"', { phased_release: 'sometimes' }, 'phased_release', /true or false/],
    [
      'unknown release type',
      { release_type: 'LATER' },
      'release_type',
      /MANUAL, AFTER_APPROVAL or SCHEDULED/,
    ],
    [
      'a misspelt release type suggests the right one',
      { release_type: 'schedulled' },
      'release_type',
      /did you mean SCHEDULED/,
    ],
    [
      'a typo in a key',
      { submit_to_testfligth: true },
      'submit_to_testfligth',
      /did you mean "submit_to_testflight"/,
    ],
    ['a key with no near match', { colour: 'blue' }, 'colour', /^unknown key "colour"$/],
    ['boolean as a string', { submit_to_app_store: 'yes' }, 'submit_to_app_store', /true or false/],
    ['beta groups as a number', { beta_groups: 3 }, 'beta_groups', /list of beta group names/],
    ['an empty group name', { beta_groups: ['QA', ''] }, 'beta_groups', /entry 2 is empty/],
    ['a blank group name', { beta_groups: ['  '] }, 'beta_groups', /entry 1 is empty/],
    [
      'a group name that is not text',
      { beta_groups: ['QA', 7] },
      'beta_groups',
      /entry 2 must be a beta group name/,
    ],
    [
      'one group name as a string, not a list',
      { beta_groups: 'QA team' },
      'beta_groups',
      /must be a list of beta group names, e.g. beta_groups: \["QA team"\], found "QA team"/,
    ],
    [
      'copyright as a number',
      { copyright: 2031 },
      'copyright',
      /must be text \(put it in quotes\), found 2031/,
    ],
    ['what to test as a list', { what_to_test: ['a'] }, 'what_to_test', /must be text, found a list/],
    ['auth other than integration', { auth: 'password' }, 'auth', /must be "integration"/],
    [
      'date without a time zone',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01T14:00:00' },
      'earliest_release_date',
      /no time zone/,
    ],
    [
      'date with minutes',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01T14:30:00+02:00' },
      'earliest_release_date',
      /not on the hour.*14:00/,
    ],
    [
      'date with seconds',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01T14:00:05Z' },
      'earliest_release_date',
      /not on the hour/,
    ],
    [
      'date only',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-12-01' },
      'earliest_release_date',
      /has no time/,
    ],
    [
      'not a calendar date',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-02-30T10:00:00Z' },
      'earliest_release_date',
      /not a calendar date/,
    ],
    [
      'an hour of 24',
      { release_type: 'SCHEDULED', earliest_release_date: '2031-02-03T24:00:00Z' },
      'earliest_release_date',
      /invalid time/,
    ],
    [
      'garbage date',
      { release_type: 'SCHEDULED', earliest_release_date: 'next tuesday' },
      'earliest_release_date',
      /not an ISO 8601/,
    ],
    [
      'date in the past',
      { release_type: 'SCHEDULED', earliest_release_date: '2026-11-29T11:00:00Z' },
      'earliest_release_date',
      /in the past/,
    ],
    [
      'date equal to now is past',
      { release_type: 'SCHEDULED', earliest_release_date: '2026-11-29T12:00:00Z' },
      'earliest_release_date',
      /in the past/,
    ],
    [
      'past because of the offset: 13:00+02:00 is 11:00 UTC',
      { release_type: 'SCHEDULED', earliest_release_date: '2026-11-29T13:00:00+02:00' },
      'earliest_release_date',
      /in the past/,
    ],
    [
      'date with MANUAL',
      { release_type: 'MANUAL', earliest_release_date: '2031-12-01T14:00:00Z' },
      'earliest_release_date',
      /release_type: SCHEDULED/,
    ],
    [
      'date without a release type',
      { earliest_release_date: '2031-12-01T14:00:00Z' },
      'earliest_release_date',
      /release_type is MANUAL/,
    ],
    [
      'SCHEDULED App Store submission needs a date',
      { submit_to_app_store: true, release_type: 'SCHEDULED' },
      'earliest_release_date',
      /is required/,
    ],
    [
      'expire without TestFlight',
      { expire_build_submitted_for_review: true },
      'expire_build_submitted_for_review',
      /submit_to_testflight: true/,
    ],
    [
      'a date of the wrong type',
      { release_type: 'SCHEDULED', earliest_release_date: 20311201 },
      'earliest_release_date',
      /date and hour/,
    ],
  ])('%s', (_name, raw, key, message) => {
    const result = parse(raw)
    expect(result.ok).toBe(false)
    const issue = result.issues.find((i) => i.path === `app_store_connect.${key}`)
    expect(issue, JSON.stringify(result.issues)).toBeDefined()
    expect(issue!.message).toMatch(message)
  })

  it('reads release_type in any case, as the CLI reads --release-type', () => {
    const result = parse({ submit_to_app_store: true, release_type: 'after_approval' })
    expect(result).toMatchObject({ ok: true, settings: { releaseType: 'AFTER_APPROVAL' } })
  })

  it('refuses a section that is not a mapping', () => {
    expect(parse(['a'])).toMatchObject({
      ok: false,
      issues: [{ path: 'app_store_connect', message: /mapping/ }],
    })
    expect(parse(null).ok).toBe(false)
  })

  it('reports every problem at once, not only the first', () => {
    const result = parse({ release_type: 'NOPE', phased_release: 'x', submit_to_testfligth: true })
    expect(result.issues).toHaveLength(3)
  })

  it('uses the injected clock: the same date is fine a day earlier', () => {
    const raw = { release_type: 'SCHEDULED', earliest_release_date: '2026-11-29T13:00:00Z' }
    expect(parseReleaseSettings(raw, { now: () => NOW }).ok).toBe(true)
    expect(parseReleaseSettings(raw, { now: () => NOW + 2 * 3_600_000 }).ok).toBe(false)
  })
})

describe('settings to yaml section', () => {
  it('leaves defaults out and keeps explicit choices', () => {
    expect(settingsToYamlSection(defaultReleaseSettings)).toEqual({})
    const section = settingsToYamlSection({
      ...defaultReleaseSettings,
      submitToAppStore: true,
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2031-12-01T14:00:00+02:00',
      phasedRelease: false,
      betaGroups: ['QA'],
    })
    expect(section).toEqual({
      submit_to_app_store: true,
      release_type: 'SCHEDULED',
      earliest_release_date: '2031-12-01T14:00:00+02:00',
      phased_release: false,
      beta_groups: ['QA'],
    })
  })

  it('round-trips through the parser', () => {
    const raw = {
      submit_to_testflight: true,
      beta_groups: ['QA'],
      submit_to_app_store: true,
      release_type: 'AFTER_APPROVAL',
      copyright: '2031 Acme',
      phased_release: true,
    }
    const first = parse(raw)
    expect(first.ok).toBe(true)
    const again = parse(settingsToYamlSection(first.ok ? first.settings : defaultReleaseSettings))
    expect(again.ok && again.settings).toEqual(first.ok && first.settings)
  })
})
