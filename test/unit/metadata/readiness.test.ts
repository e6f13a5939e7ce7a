import { describe, expect, it } from 'vitest'
import { readDeliverFolder, type DeliverFolder } from '../../../electron/metadata/deliver-folder'
import { checkReadiness } from '../../../electron/metadata/readiness'
import type { SetWithShots, StoreSnapshot } from '../../../electron/metadata/store-snapshot'
import type { Screenshot } from '../../../electron/asc/screenshots'
import { useTempDir } from '../../support/temp-dir'
import { COMPLETE_TEXT, iphoneScreenshots, writeFolder } from '../../fixtures/deliver-folder-factory'

const tempDir = useTempDir('ascent-readiness-')

const text = (locale: string, fill: boolean, whatsNew: string | null = null) => ({
  id: `loc-${locale}`,
  locale,
  description: fill ? 'A description' : null,
  keywords: fill ? 'a,b' : null,
  marketingUrl: null,
  promotionalText: null,
  supportUrl: fill ? 'https://example.com/support' : null,
  whatsNew,
})

const shot = (state: Screenshot['state']): Screenshot => ({
  id: `shot-${state}`,
  fileName: '1.png',
  fileSize: 10,
  checksum: 'abc',
  state,
  errors: [],
  uploadOperations: [],
  templateUrl: null,
  width: 1290,
  height: 2796,
})

function snapshot(over: Partial<StoreSnapshot> = {}): StoreSnapshot {
  return {
    app: { id: '1', bundleId: 'com.example.fresh', name: 'Fresh', primaryLocale: 'en-US' },
    platform: 'IOS',
    versionString: '1.0',
    version: null,
    update: false,
    versionSource: 'version',
    appInfo: { id: 'info', state: 'PREPARE_FOR_SUBMISSION' },
    appInfoLocalizations: [
      {
        id: 'ail',
        locale: 'en-US',
        name: 'Fresh',
        subtitle: null,
        privacyPolicyUrl: null,
        privacyChoicesUrl: null,
        privacyPolicyText: null,
      },
    ],
    primaryCategory: null,
    versionTexts: [text('en-US', false)],
    screenshots: new Map(),
    reviewDetail: null,
    contentRights: 'set',
    priceSchedule: 'set',
    availability: 'set',
    ageRatingUnanswered: [],
    ...over,
  }
}

function complete(over: Partial<StoreSnapshot> = {}): StoreSnapshot {
  const sets: SetWithShots[] = [{ id: 'set', displayType: 'APP_IPHONE_65', screenshots: [shot('COMPLETE')] }]
  return snapshot({
    appInfoLocalizations: [
      {
        id: 'ail',
        locale: 'en-US',
        name: 'Fresh',
        subtitle: null,
        privacyPolicyUrl: 'https://example.com/p',
        privacyChoicesUrl: null,
        privacyPolicyText: null,
      },
    ],
    primaryCategory: 'PRODUCTIVITY',
    versionTexts: [text('en-US', true)],
    screenshots: new Map([['en-US', sets]]),
    reviewDetail: {
      id: 'rd',
      contactFirstName: 'Ada',
      contactLastName: 'Lovelace',
      contactPhone: '+1 555 0100',
      contactEmail: 'a@example.com',
      demoAccountRequired: false,
      demoAccountName: null,
      demoAccountPassword: null,
      notes: null,
    },
    ...over,
  })
}

async function folderOf(files: Record<string, string | Buffer>): Promise<DeliverFolder> {
  const reading = await readDeliverFolder(await writeFolder(await tempDir(), files))
  if (!reading.ok) throw new Error(JSON.stringify(reading.problems))
  return reading.folder
}

describe('readiness of an App Store version', () => {
  it('lists every row a fresh app record lacks, each with its field, locale and where to fill it', () => {
    const result = checkReadiness(snapshot())
    expect(result.ready).toBe(false)
    expect(result.missing.map((m) => [m.field, m.locale ?? null])).toEqual([
      ['description', 'en-US'],
      ['keywords', 'en-US'],
      ['supportUrl', 'en-US'],
      ['screenshots', 'en-US'],
      ['privacyPolicyUrl', 'en-US'],
      ['primaryCategory', null],
      ['contactFirstName', null],
      ['contactLastName', null],
      ['contactPhone', null],
      ['contactEmail', null],
    ])
    const byField = Object.fromEntries(result.missing.map((m) => [m.field, m]))
    expect(byField.privacyPolicyUrl!.message).toMatch(
      /en-US: no privacy policy URL.*metadata\/en-US\/privacy_url\.txt.*App Store Connect → Fresh → App Information/,
    )
    expect(byField.screenshots!.message).toMatch(
      /6\.9-inch iPhone \(APP_IPHONE_67\) or 6\.5-inch iPhone \(APP_IPHONE_65\)/,
    )
    expect(byField.description!.message).toMatch(/App Store Connect → Fresh → iOS App 1\.0/)
    expect(byField.primaryCategory!.page).toBe('https://appstoreconnect.apple.com/apps/1/distribution/info')
    // What the API cannot show is a reminder with a link, never a blocker.
    expect(result.reminders.find((r) => r.field === 'appPrivacy')!.message).toMatch(
      /https:\/\/appstoreconnect\.apple\.com\/apps\/1\/distribution\/privacy/,
    )
  })

  it('judges no version rows when no version exists and the app record is set up; a new record’s first version starts empty', () => {
    const unseen = complete({
      versionSource: 'none',
      versionTexts: [],
      screenshots: new Map(),
      reviewDetail: null,
    })
    expect(checkReadiness(unseen)).toMatchObject({ ready: true, missing: [] })
    const fresh = checkReadiness(snapshot({ versionSource: 'none', versionTexts: [] }))
    expect(fresh.missing.map((m) => m.field)).toEqual(
      expect.arrayContaining(['description', 'screenshots', 'contactEmail']),
    )
  })

  it('names no appstoreconnect.apple.com page for a stand-in App Store Connect', () => {
    const result = checkReadiness(snapshot(), { links: false })
    expect(result.missing.length).toBeGreaterThan(0)
    expect(JSON.stringify(result)).not.toMatch(/appstoreconnect\.apple\.com/)
    expect(result.reminders.find((r) => r.field === 'appPrivacy')!.message).toMatch(
      /App Store Connect → Fresh → App Privacy/,
    )
  })

  it('counts what a deliver folder would fill', async () => {
    const folder = await folderOf({ ...COMPLETE_TEXT, ...iphoneScreenshots() })
    expect(checkReadiness(snapshot(), { folder })).toMatchObject({ ready: true, missing: [] })
  })

  it('needs the iPad slot when the build runs on iPad, and does not count a FAILED screenshot', () => {
    const failed = complete({
      screenshots: new Map([
        ['en-US', [{ id: 's', displayType: 'APP_IPHONE_67', screenshots: [shot('FAILED')] }]],
      ]),
    })
    expect(checkReadiness(failed).missing.map((m) => m.field)).toEqual(['screenshots'])
    const ipad = checkReadiness(complete(), { deviceFamilies: ['iphone', 'ipad'] })
    expect(ipad.missing).toEqual([
      expect.objectContaining({ field: 'screenshots', message: expect.stringMatching(/13-inch iPad/) }),
    ])
  })

  it('requires What’s New in every locale of an update, unless the release settings give it', () => {
    const update = complete({
      update: true,
      versionTexts: [text('en-US', true), text('de-DE', true, 'Fehlerbehebungen')],
    })
    expect(checkReadiness(update).missing.map((m) => [m.field, m.locale])).toEqual([['whatsNew', 'en-US']])
    // App Store Connect's names for a field keep their capitals in the sentence; plain labels do not.
    expect(checkReadiness(update).missing[0]?.message).toMatch(/^en-US: no What’s New;/)
    const bare = complete({ versionTexts: [text('en-US', false)] })
    expect(checkReadiness(bare).missing.map((m) => m.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^en-US: no description;/),
        expect.stringMatching(/^en-US: no Support URL;/),
      ]),
    )
    expect(checkReadiness(update, { settings: { whatsNew: { 'en-US': 'Bug fixes' } } }).ready).toBe(true)
    expect(checkReadiness(update, { settings: { whatsNew: 'Bug fixes' } }).ready).toBe(true)
  })

  it('on a first version What’s New is not required, and a folder’s release notes are a reminder that they are not sent', async () => {
    const folder = await folderOf({ 'metadata/en-US/release_notes.txt': 'First!' })
    const result = checkReadiness(complete(), { folder })
    expect(result.ready).toBe(true)
    expect(result.reminders.map((r) => r.field)).toContain('whatsNew')
  })

  it('checks the rows App Store Connect shows beyond the version: content rights, age rating, price, availability', () => {
    const result = checkReadiness(
      complete({
        contentRights: 'missing',
        priceSchedule: 'missing',
        availability: 'missing',
        ageRatingUnanswered: ['gambling'],
      }),
    )
    expect(result.missing.map((m) => m.field)).toEqual([
      'contentRightsDeclaration',
      'ageRatingDeclaration',
      'priceSchedule',
      'availability',
    ])
    // Rows this App Store Connect does not show are not reported.
    expect(
      checkReadiness(
        complete({
          contentRights: 'unknown',
          priceSchedule: 'unknown',
          availability: 'unknown',
          ageRatingUnanswered: null,
        }),
      ).ready,
    ).toBe(true)
  })

  it('needs the demo account when App Review needs one, and Apple TV apps need privacy policy text', async () => {
    const folder = await folderOf({ 'metadata/review_information/demo_user.txt': 'demo' })
    expect(checkReadiness(complete(), { folder }).missing.map((m) => m.field)).toEqual([
      'demoAccountPassword',
    ])
    const tv = checkReadiness(
      complete({
        platform: 'TV_OS',
        screenshots: new Map([
          ['en-US', [{ id: 's', displayType: 'APP_APPLE_TV', screenshots: [shot('COMPLETE')] }]],
        ]),
      }),
    )
    expect(tv.missing.map((m) => m.field)).toEqual(['privacyPolicyText'])
  })

  it('a locale the folder adds needs its full text', async () => {
    const folder = await folderOf({ 'metadata/fr-FR/description.txt': 'Une description' })
    expect(checkReadiness(complete(), { folder }).missing.map((m) => [m.field, m.locale])).toEqual([
      ['keywords', 'fr-FR'],
      ['supportUrl', 'fr-FR'],
    ])
  })
})
