import type { Platform } from '../../shared/build-summary'
import { whatsNewFor, type WhatsNew } from '../../shared/release-settings'
import type { ReviewDetailFields } from '../asc/review-details'
import type { VersionText } from '../asc/version-localizations'
import { localeText, type DeliverFolder } from './deliver-folder'
import { displayTypeLabel, requiredDisplayTypes } from './display-types'
import { APP_INFO_FILES, REVIEW_FILES, VERSION_FILES } from './fields'
import type { StoreSnapshot } from './store-snapshot'

/**
 * Whether App Review would take a version, from what App Store Connect shows plus what Ascent was given
 * (a deliver folder, the release settings). Every row App Store Connect can show is checked; the one it
 * cannot (App Privacy answers) is a reminder, never a blocker.
 */
interface MissingItem {
  /** App Store Connect's attribute or resource name: description, privacyPolicyUrl, primaryCategory, screenshots, … */
  readonly field: string
  readonly locale?: string
  /** What is missing and where it is filled: Ascent's form, the deliver folder's file, the App Store Connect page. */
  readonly message: string
  /** The App Store Connect page where it is filled (left out against a stand-in App Store Connect). */
  readonly page?: string
  /** What is missing in a few words ("support URL", "6.9-inch iPhone screenshots"), for a summary line. */
  readonly label: string
}

export interface Readiness {
  readonly ready: boolean
  readonly missing: readonly MissingItem[]
  /** What App Store Connect's API cannot show or does not require but App Review may ask for. */
  readonly reminders: readonly MissingItem[]
}

/** What Ascent will send besides the folder: the release settings of a publish run. */
export interface GivenSettings {
  readonly copyright?: string | null
  readonly whatsNew?: WhatsNew | null
}

const ASC_WEB = 'https://appstoreconnect.apple.com'
const PLATFORM_PATH: Record<Platform, string> = {
  IOS: 'ios',
  TV_OS: 'tvos',
  MAC_OS: 'macos',
  VISION_OS: 'visionos',
}
const PLATFORM_WORDS: Record<Platform, string> = {
  IOS: 'iOS App',
  TV_OS: 'tvOS App',
  MAC_OS: 'macOS App',
  VISION_OS: 'visionOS App',
}

function pages(s: StoreSnapshot) {
  const app = `${ASC_WEB}/apps/${s.app.id}/distribution`
  const inApp = `App Store Connect → ${s.app.name}`
  return {
    version: {
      url: `${app}/${PLATFORM_PATH[s.platform]}/version/inflight`,
      words: `${inApp} → ${PLATFORM_WORDS[s.platform]} ${s.versionString}`,
    },
    info: { url: `${app}/info`, words: `${inApp} → App Information` },
    pricing: { url: `${app}/pricing`, words: `${inApp} → Pricing and Availability` },
    privacy: { url: `${app}/privacy`, words: `${inApp} → App Privacy` },
  }
}

const has = (v: string | null | undefined): boolean => v !== null && v !== undefined && v.trim() !== ''

/**
 * A field's label inside a sentence ("no description"). Labels that are App Store Connect's names for a field
 * ("What’s New", "Support URL", "Notes for App Review") keep their capitals.
 */
function label(file: string): string {
  const spec = [...VERSION_FILES, ...APP_INFO_FILES, ...REVIEW_FILES].find((f) => f.file === file)
  if (!spec) return file
  const name = /[A-Z]/.test(spec.label.slice(1))
  return name ? spec.label : spec.label.charAt(0).toLowerCase() + spec.label.slice(1)
}

/** Screenshots App Store Connect will keep: a FAILED or never-finished upload does not count. */
function usableCount(s: StoreSnapshot, locale: string, type: string): number {
  const set = s.screenshots.get(locale)?.find((x) => x.displayType === type)
  return (
    set?.screenshots.filter(
      (x) => x.state === null || x.state === 'COMPLETE' || x.state === 'UPLOAD_COMPLETE',
    ).length ?? 0
  )
}

/**
 * The version's locales after the folder: the ones it has (for a version not created yet, the ones it will copy),
 * plus any the folder adds. A first version with nothing to copy is created in every language of the app, the
 * locales of its App Information, primary first: it is judged in all of them before it exists as after.
 */
export function versionLocales(s: StoreSnapshot, folder: DeliverFolder | null): string[] {
  const existing =
    s.versionSource === 'none'
      ? [
          s.app.primaryLocale,
          ...s.appInfoLocalizations.map((l) => l.locale).filter((l) => l !== s.app.primaryLocale),
        ]
      : s.versionTexts.map((t) => t.locale)
  const added = folder ? folder.locales.filter((l) => !existing.includes(l)) : []
  const all = [...existing, ...added]
  return all.length > 0 ? all : [s.app.primaryLocale]
}

/**
 * Whether the version's own rows (text, screenshots, review contact) can be judged. They can when the version
 * exists or will copy the previous one. With no version of the platform at all there is nothing to read: on
 * Apple every app record is made with its first version, so this is a record whose versions live elsewhere
 * (a stand-in App Store Connect); when its App Information is filled in, the app was set up and its first
 * version is not judged unseen, while a record without it is new and its first version starts empty.
 */
function versionVisible(s: StoreSnapshot): boolean {
  if (s.versionSource !== 'none') return true
  const primary = s.appInfoLocalizations.find((l) => l.locale === s.app.primaryLocale)
  const appInfoFilled = has(s.primaryCategory) && has(primary?.name) && has(primary?.privacyPolicyUrl)
  return !appInfoFilled
}

export function checkReadiness(
  s: StoreSnapshot,
  options: {
    readonly folder?: DeliverFolder | null
    readonly settings?: GivenSettings
    /** What the build runs on (iphone, ipad, …); without a build, iPhone for iOS. */
    readonly deviceFamilies?: readonly string[]
    /** false against a stand-in App Store Connect (the sandbox): its apps have no appstoreconnect.apple.com pages. */
    readonly links?: boolean
  } = {},
): Readiness {
  const folder = options.folder ?? null
  const settings = options.settings ?? {}
  const page = pages(s)
  const links = options.links ?? true
  const at = (url: string): { page?: string } => (links ? { page: url } : {})
  const missing: MissingItem[] = []
  const reminders: MissingItem[] = []
  const add = (
    list: MissingItem[],
    field: string,
    locale: string | undefined,
    what: string,
    where: { url: string; words: string },
    file: string | null,
    shortLabel?: string,
  ): void => {
    const inAscent = file ? `in Ascent’s App Store information panel or ${file} of a deliver folder` : null
    const message = `${locale ? `${locale}: ` : ''}${what}; fill it ${inAscent ? `${inAscent}, or in ` : 'in '}${where.words}`
    const label = shortLabel ?? what.replace(/^no (App Review contact )?/, '').replace(/ \(.*\)$/, '')
    list.push({ field, ...(locale ? { locale } : {}), message, ...at(where.url), label })
  }

  const locales = versionLocales(s, folder)
  const primary = locales.includes(s.app.primaryLocale)
    ? s.app.primaryLocale
    : (locales[0] ?? s.app.primaryLocale)
  const current = new Map<string, VersionText>(s.versionTexts.map((t) => [t.locale, t]))
  const seen = versionVisible(s)

  // Version text in every locale: description, keywords, support URL; What's New on updates.
  for (const locale of seen ? locales : []) {
    const given = folder ? localeText(folder, locale).version : {}
    const now = current.get(locale)
    for (const spec of VERSION_FILES) {
      const value = given[spec.key] ?? now?.[spec.key] ?? null
      const required =
        spec.key === 'description' || spec.key === 'keywords' || spec.key === 'supportUrl'
          ? true
          : spec.key === 'whatsNew'
            ? s.update && whatsNewFor(settings.whatsNew ?? null, locale) === null
            : false
      if (required && !has(value))
        add(
          missing,
          spec.key,
          locale,
          `no ${label(spec.file)}`,
          page.version,
          `metadata/${locale}/${spec.file}.txt`,
        )
    }
  }

  // Screenshots: the primary locale's set for each device the app runs on (other locales fall back to it).
  const families = options.deviceFamilies ?? []
  for (const alternatives of seen ? requiredDisplayTypes(s.platform, families) : []) {
    const inFolder =
      folder?.screenshots.some((x) => x.locale === primary && alternatives.includes(x.displayType)) ?? false
    const inStore = alternatives.some((t) => usableCount(s, primary, t) > 0)
    if (!inFolder && !inStore) {
      const names = alternatives.map((t) => `${displayTypeLabel(t)} (${t})`).join(' or ')
      add(
        missing,
        'screenshots',
        primary,
        `no screenshots for ${names}`,
        page.version,
        `screenshots/${primary}/`,
        `screenshots (${alternatives.map(displayTypeLabel).join(' or ')})`,
      )
    }
  }

  // App information: a name in every locale, the privacy policy URL, the primary category.
  const infoNow = new Map(s.appInfoLocalizations.map((l) => [l.locale, l]))
  const infoLocales = [
    ...new Set([
      ...s.appInfoLocalizations.map((l) => l.locale),
      ...(folder ? folder.locales.filter((l) => Object.keys(localeText(folder, l).appInfo).length > 0) : []),
      s.app.primaryLocale,
    ]),
  ]
  for (const locale of infoLocales) {
    const given = folder ? localeText(folder, locale).appInfo : {}
    const now = infoNow.get(locale)
    const value = (key: 'name' | 'privacyPolicyUrl' | 'privacyPolicyText'): string | null =>
      given[key] ?? now?.[key] ?? null
    if (!has(value('name')))
      add(missing, 'name', locale, 'no app name', page.info, `metadata/${locale}/name.txt`)
    if (locale === s.app.primaryLocale && !has(value('privacyPolicyUrl')))
      add(
        missing,
        'privacyPolicyUrl',
        locale,
        'no privacy policy URL',
        page.info,
        `metadata/${locale}/privacy_url.txt`,
      )
    if (s.platform === 'TV_OS' && !has(value('privacyPolicyText')))
      add(
        missing,
        'privacyPolicyText',
        locale,
        'no privacy policy text (Apple TV apps need it)',
        page.info,
        `metadata/${locale}/apple_tv_privacy_policy.txt`,
      )
  }
  if (!has(folder?.categories.primary ?? s.primaryCategory))
    add(
      missing,
      'primaryCategory',
      undefined,
      'no primary category',
      page.info,
      'metadata/primary_category.txt',
    )

  // App Review contact of the version, and the demo account when App Review needs one.
  const review: ReviewDetailFields = { ...s.reviewDetail, ...folder?.review }
  const reviewPage = { url: page.version.url, words: `${page.version.words} → App Review Information` }
  for (const spec of seen ? REVIEW_FILES : []) {
    const demo = spec.key === 'demoAccountName' || spec.key === 'demoAccountPassword'
    const required = demo ? review.demoAccountRequired === true : spec.key.startsWith('contact')
    if (required && !has(review[spec.key]))
      add(
        missing,
        spec.key,
        undefined,
        `no App Review ${label(spec.file).replace(/^contact /, 'contact ')}`,
        reviewPage,
        `metadata/review_information/${spec.file}.txt`,
      )
  }

  // Rows of the app record App Store Connect shows when it can.
  if (s.contentRights === 'missing')
    add(
      missing,
      'contentRightsDeclaration',
      undefined,
      'no content rights declaration (whether the app uses third-party content)',
      { url: page.info.url, words: `${page.info.words} → Content Rights` },
      null,
    )
  if (s.ageRatingUnanswered !== null && s.ageRatingUnanswered.length > 0)
    add(
      missing,
      'ageRatingDeclaration',
      undefined,
      `the age rating questionnaire is not answered (${s.ageRatingUnanswered.join(', ')})`,
      { url: page.info.url, words: `${page.info.words} → Age Rating` },
      null,
    )
  if (s.priceSchedule === 'missing')
    add(
      missing,
      'priceSchedule',
      undefined,
      'no price (even a free app needs its price set)',
      page.pricing,
      null,
    )
  if (s.availability === 'missing')
    add(
      missing,
      'availability',
      undefined,
      'no availability (the countries or regions the app is sold in)',
      page.pricing,
      null,
    )

  // Reminders: what the API cannot show, and what only some reviews ask for.
  // Copyright is a release setting (Publish sends it), not a field of the App Store information panel.
  if (!has(folder?.copyright ?? settings.copyright ?? s.version?.copyright))
    reminders.push({
      field: 'copyright',
      label: 'copyright',
      message: `no copyright (App Review may ask for it); set copyright in codemagic.yaml (or metadata/copyright.txt of a deliver folder), pass --copyright TEXT, or fill Copyright in the App Store panel`,
      ...at(page.version.url),
    })
  reminders.push({
    field: 'appPrivacy',
    label: 'App Privacy answers',
    message: `App Privacy: App Store Connect’s API does not show whether the privacy answers are published, and App Review needs them; check ${page.privacy.words}${links ? ` (${page.privacy.url})` : ''}`,
    ...at(page.privacy.url),
  })
  if (!s.update && folder?.locales.some((l) => localeText(folder, l).version.whatsNew !== undefined))
    reminders.push({
      field: 'whatsNew',
      label: 'What’s New not sent',
      message: `What’s New is not sent: ${s.versionString} is the first App Store version of this app on ${s.platform}, and App Store Connect takes release notes only for updates`,
      ...at(page.version.url),
    })
  return { ready: missing.length === 0, missing, reminders }
}

const VERSION_FIELDS: readonly string[] = [...VERSION_FILES.map((f) => f.key), 'screenshots']
const APP_INFO_FIELDS: readonly string[] = [
  'name',
  'privacyPolicyUrl',
  'privacyPolicyText',
  'primaryCategory',
]

/**
 * Every missing item in one line, grouped where a person fills them: the version's text and screenshots per
 * locale, App Information, the App Review contact, the app's other rows. A refusal shows this; `ascent
 * metadata check` lists each item with its page.
 */
export function summarizeMissing(items: readonly MissingItem[]): string {
  const groups = new Map<string, string[]>()
  const put = (group: string, label: string): void => {
    const list = groups.get(group) ?? []
    if (!list.includes(label)) list.push(label)
    groups.set(group, list)
  }
  for (const item of items) {
    if (VERSION_FIELDS.includes(item.field)) put(item.locale ?? 'version', item.label)
    else if (APP_INFO_FIELDS.includes(item.field))
      put(
        'App Information',
        item.locale && item.field !== 'primaryCategory' ? `${item.label} (${item.locale})` : item.label,
      )
    else if (item.field.startsWith('contact') || item.field.startsWith('demoAccount'))
      put('App Review contact', item.label)
    else put('the app', item.label)
  }
  return [...groups].map(([group, labels]) => `${group}: ${labels.join(', ')}`).join('; ')
}
