import { createHash, randomUUID } from 'node:crypto'
import { acceptedSizes, seededScreenshotTypes, type ScreenshotDisplayType } from './screenshot-specs'
import type { App, AppStoreVersion, AppStoreVersionLocalization, SandboxStore } from './store'

/**
 * What the App Store product page and App Review need besides the build: the app's information (name,
 * privacy policy URL, categories), each version's text, screenshots and App Review contact. A complete
 * seeded app has all of it; a fresh app record (`"appStoreInfo": false`) has only its name.
 */

export const CATEGORY_SLOTS = [
  'primaryCategory',
  'primarySubcategoryOne',
  'primarySubcategoryTwo',
  'secondaryCategory',
  'secondarySubcategoryOne',
  'secondarySubcategoryTwo',
] as const
export type CategorySlot = (typeof CATEGORY_SLOTS)[number]

/**
 * An app's information (appInfos). An app on sale has a live one; creating its next version opens a second
 * one, edited with that version and made live when it goes on sale, as on App Store Connect.
 */
export type AppInfo = {
  id: string
  appId: string
  live: boolean
  categories: Record<CategorySlot, string | null>
}
export type AppInfoLocalization = {
  id: string
  appInfoId: string
  locale: string
  name: string | null
  subtitle: string | null
  privacyPolicyUrl: string | null
  privacyChoicesUrl: string | null
  privacyPolicyText: string | null
}
export type AppInfoText = Omit<AppInfoLocalization, 'id' | 'appInfoId' | 'locale'>

/** App Review's contact and sign-in for one version (appStoreReviewDetails). */
export type AppStoreReviewDetail = {
  id: string
  versionId: string
  contactFirstName: string | null
  contactLastName: string | null
  contactPhone: string | null
  contactEmail: string | null
  demoAccountName: string | null
  demoAccountPassword: string | null
  demoAccountRequired: boolean
  notes: string | null
}
export type ReviewDetailText = Omit<AppStoreReviewDetail, 'id' | 'versionId'>

export type AppScreenshotSet = {
  id: string
  localizationId: string
  displayType: ScreenshotDisplayType
  /** The set's screenshots in display order. */
  screenshotIds: string[]
}
type AssetState = 'AWAITING_UPLOAD' | 'UPLOAD_COMPLETE' | 'COMPLETE' | 'FAILED'
type ScreenshotPart = {
  readonly number: number
  readonly offset: number
  readonly length: number
  readonly token: string
  /** The part's bytes until processing has read them. */
  bytes: Buffer | null
  received: boolean
}
export type AppScreenshot = {
  id: string
  setId: string
  fileName: string
  fileSize: number
  sourceFileChecksum: string | null
  state: AssetState
  errors: { code: string; description: string }[]
  /** The image's pixel size once processing read it. */
  width: number | null
  height: number | null
  assetToken: string
  /** When processing of a committed upload ends (null: not committed, or done). */
  processedAt: number | null
  parts: ScreenshotPart[]
  /** The processed image the image host serves (null: seeded, served as a placeholder of its size). */
  image: Buffer | null
}

/** The App Review contact every complete seeded version has. */
const SEEDED_CONTACT = {
  contactFirstName: 'Ada',
  contactLastName: 'Lovelace',
  contactPhone: '+1 555 0100',
  contactEmail: 'review@example.com',
}

type VersionText = Omit<AppStoreVersionLocalization, 'id' | 'versionId' | 'locale'>

/** What a complete app's version says in a locale before anyone edits it. */
function defaultVersionText(app: App, locale: string, whatsNew: string | null): VersionText {
  return {
    description: `${app.name} (${locale}).`,
    keywords: app.name.toLowerCase().split(/\s+/).join(','),
    marketingUrl: null,
    promotionalText: null,
    supportUrl: `https://example.com/${app.bundleId}/support`,
    whatsNew,
  }
}

const EMPTY_VERSION_TEXT: VersionText = {
  description: null,
  keywords: null,
  marketingUrl: null,
  promotionalText: null,
  supportUrl: null,
  whatsNew: null,
}

function noCategories(): Record<CategorySlot, string | null> {
  return Object.fromEntries(CATEGORY_SLOTS.map((slot) => [slot, null])) as Record<CategorySlot, string | null>
}

export function addAppInfoLocalization(
  s: SandboxStore,
  appInfoId: string,
  locale: string,
  text: AppInfoText,
): AppInfoLocalization {
  const l: AppInfoLocalization = { id: randomUUID(), appInfoId, locale, ...text }
  s.appInfoLocalizations.set(l.id, l)
  return l
}

export function appInfoLocalizationsOf(s: SandboxStore, appInfoId: string): AppInfoLocalization[] {
  return [...s.appInfoLocalizations.values()].filter((l) => l.appInfoId === appInfoId)
}

export function appInfosOf(s: SandboxStore, appId: string): AppInfo[] {
  return [...s.appInfos.values()].filter((i) => i.appId === appId)
}

function addAppInfo(s: SandboxStore, app: App, live: boolean, complete: boolean): AppInfo {
  const info: AppInfo = {
    id: randomUUID(),
    appId: app.id,
    live,
    categories: { ...noCategories(), ...(complete ? { primaryCategory: 'PRODUCTIVITY' } : {}) },
  }
  s.appInfos.set(info.id, info)
  for (const locale of app.locales) {
    addAppInfoLocalization(s, info.id, locale, {
      name: app.name,
      subtitle: null,
      privacyPolicyUrl: complete ? `https://example.com/${app.bundleId}/privacy` : null,
      privacyChoicesUrl: null,
      // Apple TV has no browser: an app on tvOS gives its privacy policy as text too.
      privacyPolicyText:
        complete && app.platforms.includes('TV_OS') ? `${app.name} collects no personal data.` : null,
    })
  }
  return info
}

/** Versions that are on sale or were replaced by a newer one: they no longer edit the app's information. */
const RELEASED_STATES: readonly string[] = ['READY_FOR_DISTRIBUTION', 'REPLACED_WITH_NEW_VERSION']

/** The seeded app's information: a live one when a version went on sale, one being prepared when one is on its way. */
export function seedAppInfos(s: SandboxStore, app: App, versions: readonly AppStoreVersion[]): void {
  const released = versions.some((v) => RELEASED_STATES.includes(v.state))
  const onItsWay = versions.length === 0 || versions.some((v) => !RELEASED_STATES.includes(v.state))
  if (released) addAppInfo(s, app, true, app.appStoreInfo)
  if (onItsWay) addAppInfo(s, app, false, app.appStoreInfo)
}

/** Creating a version opens the next app information, a copy of the live one. */
export function openNextAppInfo(s: SandboxStore, appId: string): void {
  const infos = appInfosOf(s, appId)
  const live = infos.find((i) => i.live)
  if (!live || infos.some((i) => !i.live)) return
  const next: AppInfo = { id: randomUUID(), appId, live: false, categories: { ...live.categories } }
  s.appInfos.set(next.id, next)
  for (const { id: _id, appInfoId: _info, locale, ...text } of appInfoLocalizationsOf(s, live.id))
    addAppInfoLocalization(s, next.id, locale, text)
}

/** A version went on sale: the information prepared with it becomes the live one. */
export function publishAppInfo(s: SandboxStore, appId: string): void {
  const infos = appInfosOf(s, appId)
  const next = infos.find((i) => !i.live)
  if (!next) return
  for (const old of infos.filter((i) => i.live)) {
    for (const l of appInfoLocalizationsOf(s, old.id)) s.appInfoLocalizations.delete(l.id)
    s.appInfos.delete(old.id)
  }
  next.live = true
}

/** The version the app's information is being prepared with: the latest one not yet on sale. */
function versionInPreparation(s: SandboxStore, appId: string): AppStoreVersion | undefined {
  return [...s.appStoreVersions.values()]
    .filter((v) => v.appId === appId && !RELEASED_STATES.includes(v.state))
    .at(-1)
}

const APP_INFO_STATE_OF_VERSION: Readonly<Record<string, string>> = {
  READY_FOR_REVIEW: 'READY_FOR_REVIEW',
  WAITING_FOR_REVIEW: 'WAITING_FOR_REVIEW',
  IN_REVIEW: 'IN_REVIEW',
  ACCEPTED: 'ACCEPTED',
  PENDING_DEVELOPER_RELEASE: 'PENDING_RELEASE',
  PENDING_APPLE_RELEASE: 'PENDING_RELEASE',
  PROCESSING_FOR_DISTRIBUTION: 'PENDING_RELEASE',
  REJECTED: 'REJECTED',
  METADATA_REJECTED: 'REJECTED',
  INVALID_BINARY: 'REJECTED',
  DEVELOPER_REJECTED: 'DEVELOPER_REJECTED',
}

/** appInfos.state: the live one is READY_FOR_DISTRIBUTION, the other follows the version it goes out with. */
export function appInfoState(s: SandboxStore, info: AppInfo): string {
  if (info.live) return 'READY_FOR_DISTRIBUTION'
  const v = versionInPreparation(s, info.appId)
  return (v && APP_INFO_STATE_OF_VERSION[v.state]) ?? 'PREPARE_FOR_SUBMISSION'
}

/** States in which App Store Connect takes changes to an app's information (fastlane's list, plus the draft state). */
const EDITABLE_APP_INFO_STATES: readonly string[] = [
  'PREPARE_FOR_SUBMISSION',
  'READY_FOR_REVIEW',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'WAITING_FOR_REVIEW',
]

export function isAppInfoEditable(s: SandboxStore, info: AppInfo): boolean {
  return EDITABLE_APP_INFO_STATES.includes(appInfoState(s, info))
}

/** The information App Review sees with the app's next version: the one being prepared, else the live one. */
export function appInfoForReview(s: SandboxStore, appId: string): AppInfo | undefined {
  const infos = appInfosOf(s, appId)
  return infos.find((i) => !i.live) ?? infos[0]
}

export function reviewDetailOf(s: SandboxStore, versionId: string): AppStoreReviewDetail | undefined {
  return [...s.appStoreReviewDetails.values()].find((d) => d.versionId === versionId)
}

export function addReviewDetail(
  s: SandboxStore,
  versionId: string,
  text: ReviewDetailText,
): AppStoreReviewDetail {
  const d: AppStoreReviewDetail = { id: randomUUID(), versionId, ...text }
  s.appStoreReviewDetails.set(d.id, d)
  return d
}

export function screenshotSetsOf(s: SandboxStore, localizationId: string): AppScreenshotSet[] {
  return [...s.appScreenshotSets.values()].filter((set) => set.localizationId === localizationId)
}

export function addScreenshotSet(
  s: SandboxStore,
  localizationId: string,
  displayType: ScreenshotDisplayType,
): AppScreenshotSet {
  const set: AppScreenshotSet = { id: randomUUID(), localizationId, displayType, screenshotIds: [] }
  s.appScreenshotSets.set(set.id, set)
  return set
}

/** A processed screenshot (seeded, or carried over to a new version with the same image): COMPLETE. */
function addProcessedScreenshot(
  s: SandboxStore,
  set: AppScreenshotSet,
  from: Pick<AppScreenshot, 'fileName' | 'fileSize' | 'sourceFileChecksum' | 'width' | 'height' | 'image'>,
): void {
  const id = randomUUID()
  s.appScreenshots.set(id, {
    id,
    setId: set.id,
    ...from,
    state: 'COMPLETE',
    errors: [],
    assetToken: `sandbox-screenshot-${id}`,
    processedAt: null,
    parts: [],
  })
  set.screenshotIds.push(id)
}

/** Deletes a screenshot set with its screenshots. */
export function deleteScreenshotSet(s: SandboxStore, set: AppScreenshotSet): void {
  for (const id of set.screenshotIds) s.appScreenshots.delete(id)
  s.appScreenshotSets.delete(set.id)
}

/**
 * A seeded version's text, screenshots and App Review contact. A complete app has them all (release notes only
 * on an update that went past submission); a fresh app record's versions start empty.
 */
export function seedVersionMetadata(
  s: SandboxStore,
  app: App,
  v: AppStoreVersion,
  whatsNew: string | null,
): void {
  for (const [index, locale] of app.locales.entries()) {
    const l = s.addLocalization(
      v.id,
      locale,
      app.appStoreInfo ? defaultVersionText(app, locale, whatsNew) : EMPTY_VERSION_TEXT,
    )
    // Screenshots of the primary locale stand in for the others, as on the App Store.
    if (app.appStoreInfo && index === 0) {
      for (const type of seededScreenshotTypes(v.platform)) {
        const [width, height] = acceptedSizes(type)[0] ?? [0, 0]
        const fileName = `${type.toLowerCase()}_1.png`
        addProcessedScreenshot(s, addScreenshotSet(s, l.id, type), {
          fileName,
          fileSize: width * height,
          sourceFileChecksum: createHash('md5').update(fileName).digest('hex'),
          width,
          height,
          image: null,
        })
      }
    }
  }
  if (app.appStoreInfo)
    addReviewDetail(s, v.id, {
      ...SEEDED_CONTACT,
      demoAccountName: null,
      demoAccountPassword: null,
      demoAccountRequired: false,
      notes: null,
    })
}

/**
 * A new version starts with the previous version's text in every locale (except its release notes), its
 * processed screenshots and its App Review information, as App Store Connect copies them.
 */
export function carryOverMetadata(s: SandboxStore, previous: AppStoreVersion, v: AppStoreVersion): void {
  for (const old of s.localizationsOf(previous.id)) {
    const { id: _id, versionId: _v, locale, ...text } = old
    const l = s.addLocalization(v.id, locale, { ...text, whatsNew: null })
    for (const oldSet of screenshotSetsOf(s, old.id)) {
      const set = addScreenshotSet(s, l.id, oldSet.displayType)
      for (const shotId of oldSet.screenshotIds) {
        const shot = s.appScreenshots.get(shotId)
        if (shot?.state === 'COMPLETE') addProcessedScreenshot(s, set, shot)
      }
    }
  }
  const detail = reviewDetailOf(s, previous.id)
  if (detail) {
    const { id: _id, versionId: _v, ...text } = detail
    addReviewDetail(s, v.id, text)
  }
}

/** Deletes a version's text, screenshots and App Review information with it. */
export function deleteVersionMetadata(s: SandboxStore, versionId: string): void {
  for (const l of s.localizationsOf(versionId)) deleteLocalizationMetadata(s, l.id)
  const detail = reviewDetailOf(s, versionId)
  if (detail) s.appStoreReviewDetails.delete(detail.id)
}

export function deleteLocalizationMetadata(s: SandboxStore, localizationId: string): void {
  for (const set of screenshotSetsOf(s, localizationId)) deleteScreenshotSet(s, set)
  s.appStoreVersionLocalizations.delete(localizationId)
}
