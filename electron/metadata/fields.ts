import type { AppInfoText } from '../asc/app-infos'
import type { ReviewDetailFields } from '../asc/review-details'
import type { VersionTextFields } from '../asc/version-localizations'

/**
 * Every text field Ascent reads from or writes to a fastlane `deliver` folder: its file, the App Store Connect
 * attribute it fills, Apple's length limit, and what kind of value it must be. One table for the folder reader,
 * the writer, the readiness check and the messages.
 */
export type FieldKind = 'text' | 'line' | 'url' | 'email' | 'category'

interface FieldSpec<K extends string> {
  /** The file name without `.txt`. */
  readonly file: string
  readonly key: K
  /** The name people see in App Store Connect. */
  readonly label: string
  readonly kind: FieldKind
  /** Apple's limit in characters. */
  readonly max?: number
}

type VersionKey = keyof VersionTextFields
type AppInfoKey = Exclude<keyof AppInfoText, 'privacyChoicesUrl'>
type ReviewKey = Exclude<keyof ReviewDetailFields, 'demoAccountRequired'>
export type CategoryKey =
  | 'primary'
  | 'secondary'
  | 'primarySubcategoryOne'
  | 'primarySubcategoryTwo'
  | 'secondarySubcategoryOne'
  | 'secondarySubcategoryTwo'

/** `metadata/<locale>/<file>.txt` that belong to the App Store version. */
export const VERSION_FILES: readonly FieldSpec<VersionKey>[] = [
  { file: 'description', key: 'description', label: 'Description', kind: 'text', max: 4000 },
  { file: 'keywords', key: 'keywords', label: 'Keywords', kind: 'line', max: 100 },
  { file: 'release_notes', key: 'whatsNew', label: 'What’s New', kind: 'text', max: 4000 },
  { file: 'support_url', key: 'supportUrl', label: 'Support URL', kind: 'url' },
  { file: 'marketing_url', key: 'marketingUrl', label: 'Marketing URL', kind: 'url' },
  { file: 'promotional_text', key: 'promotionalText', label: 'Promotional Text', kind: 'text', max: 170 },
]

/** `metadata/<locale>/<file>.txt` that belong to the app (App Information). */
export const APP_INFO_FILES: readonly FieldSpec<AppInfoKey>[] = [
  { file: 'name', key: 'name', label: 'Name', kind: 'line', max: 30 },
  { file: 'subtitle', key: 'subtitle', label: 'Subtitle', kind: 'line', max: 30 },
  { file: 'privacy_url', key: 'privacyPolicyUrl', label: 'Privacy Policy URL', kind: 'url' },
  {
    file: 'apple_tv_privacy_policy',
    key: 'privacyPolicyText',
    label: 'Privacy Policy Text (Apple TV)',
    kind: 'text',
  },
]

/** `metadata/review_information/<file>.txt`: the App Review contact of the version. */
export const REVIEW_FILES: readonly FieldSpec<ReviewKey>[] = [
  { file: 'first_name', key: 'contactFirstName', label: 'Contact first name', kind: 'line' },
  { file: 'last_name', key: 'contactLastName', label: 'Contact last name', kind: 'line' },
  { file: 'phone_number', key: 'contactPhone', label: 'Contact phone', kind: 'line' },
  { file: 'email_address', key: 'contactEmail', label: 'Contact email', kind: 'email' },
  { file: 'demo_user', key: 'demoAccountName', label: 'Demo account user name', kind: 'line' },
  { file: 'demo_password', key: 'demoAccountPassword', label: 'Demo account password', kind: 'line' },
  { file: 'notes', key: 'notes', label: 'Notes for App Review', kind: 'text', max: 4000 },
]

/** `metadata/<file>.txt` at the top: the version's copyright and the app's categories. */
export const TOP_FILES: readonly FieldSpec<'copyright' | CategoryKey>[] = [
  { file: 'copyright', key: 'copyright', label: 'Copyright', kind: 'line' },
  { file: 'primary_category', key: 'primary', label: 'Primary category', kind: 'category' },
  { file: 'secondary_category', key: 'secondary', label: 'Secondary category', kind: 'category' },
  {
    file: 'primary_first_sub_category',
    key: 'primarySubcategoryOne',
    label: 'Primary subcategory 1',
    kind: 'category',
  },
  {
    file: 'primary_second_sub_category',
    key: 'primarySubcategoryTwo',
    label: 'Primary subcategory 2',
    kind: 'category',
  },
  {
    file: 'secondary_first_sub_category',
    key: 'secondarySubcategoryOne',
    label: 'Secondary subcategory 1',
    kind: 'category',
  },
  {
    file: 'secondary_second_sub_category',
    key: 'secondarySubcategoryTwo',
    label: 'Secondary subcategory 2',
    kind: 'category',
  },
]

/** App Store Connect's locale codes (folder names under metadata/ and screenshots/). */
export const APP_STORE_LOCALES: readonly string[] = [
  'ar-SA',
  'bn-BD',
  'ca',
  'cs',
  'da',
  'de-DE',
  'el',
  'en-AU',
  'en-CA',
  'en-GB',
  'en-US',
  'es-ES',
  'es-MX',
  'fi',
  'fr-CA',
  'fr-FR',
  'gu-IN',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'kn-IN',
  'ko',
  'ml-IN',
  'mr-IN',
  'ms',
  'nl-NL',
  'no',
  'or-IN',
  'pa-IN',
  'pl',
  'pt-BR',
  'pt-PT',
  'ro',
  'ru',
  'sk',
  'sl-SI',
  'sv',
  'ta-IN',
  'te-IN',
  'th',
  'tr',
  'uk',
  'ur-PK',
  'vi',
  'zh-Hans',
  'zh-Hant',
]

const CATEGORY_ID = /^[A-Z][A-Z0-9_]*$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * The value a file gives, or why it cannot be sent as written. Exactly one final line break is the file's
 * ending, not text (editors add it); anything else around the text is refused, never trimmed, because
 * what is sent must be what the file says. An empty file gives no value (fastlane writes empty files for
 * fields that have none).
 */
export function fieldValue(
  raw: string,
  spec: { readonly kind: FieldKind; readonly max?: number; readonly label: string },
): { readonly value: string | null } | { readonly problem: string } {
  const text = raw.endsWith('\r\n') ? raw.slice(0, -2) : raw.endsWith('\n') ? raw.slice(0, -1) : raw
  if (text === '') return { value: null }
  if (/^\s/u.test(text) || /\s$/u.test(text))
    return {
      problem: `${spec.label} ${/^\s/u.test(text) ? 'starts' : 'ends'} with spaces or blank lines; Ascent sends text exactly as written, so remove them`,
    }
  if (text.includes('\uFFFD'))
    return { problem: `${spec.label} is not valid UTF-8 text: save the file as UTF-8` }
  const length = [...text].length
  if (spec.max !== undefined && length > spec.max)
    return {
      problem: `${spec.label} is ${length} characters; App Store Connect accepts at most ${spec.max}: shorten it`,
    }
  if (spec.kind !== 'text' && /[\r\n]/.test(text))
    return { problem: `${spec.label} must be one line, and the file has ${text.split(/\r?\n/).length}` }
  if (spec.kind === 'url' && !isWebUrl(text))
    return {
      problem: `${spec.label} "${excerpt(text)}" is not a web address: write a full http:// or https:// URL`,
    }
  if (spec.kind === 'email' && !EMAIL.test(text))
    return { problem: `${spec.label} "${excerpt(text)}" is not an email address` }
  if (spec.kind === 'category' && !CATEGORY_ID.test(text))
    return {
      problem: `${spec.label} "${excerpt(text)}" is not an App Store Connect category id: write one like PRODUCTIVITY, GAMES_ACTION or HEALTH_AND_FITNESS`,
    }
  return { value: text }
}

function isWebUrl(text: string): boolean {
  if (/\s/.test(text)) return false
  try {
    const url = new URL(text)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.')
  } catch {
    return false
  }
}

function excerpt(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}
