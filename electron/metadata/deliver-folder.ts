import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { AppInfoText } from '../asc/app-infos'
import type { ReviewDetailFields } from '../asc/review-details'
import type { VersionTextFields } from '../asc/version-localizations'
import { AscentError } from '../../shared/errors'
import { readTextFile, TEXT_FILE_KINDS, TextFileError } from '../read-text-file'
import {
  acceptedSizesText,
  displayTypeForSize,
  displayTypeLabel,
  MAX_SCREENSHOTS_PER_SET,
} from './display-types'
import {
  APP_INFO_FILES,
  APP_STORE_LOCALES,
  fieldValue,
  REVIEW_FILES,
  TOP_FILES,
  VERSION_FILES,
  type CategoryKey,
} from './fields'
import { readImageHeader } from './image-header'

/**
 * A fastlane `deliver` folder read into what it would send, or every reason it cannot be sent as it is:
 *
 *   metadata/<locale>/*.txt            the version's text and the app's name, subtitle, privacy URL
 *   metadata/default/*.txt             fills any locale that lacks a value
 *   metadata/*.txt                     copyright and categories
 *   metadata/review_information/*.txt  the App Review contact
 *   screenshots/<locale>/*.png|jpg     the display type comes from the pixel size
 */

export interface LocaleText {
  readonly version: VersionTextFields
  readonly appInfo: AppInfoText
}

export interface FolderScreenshot {
  readonly locale: string
  readonly displayType: string
  /** Absolute path. */
  readonly file: string
  /** Path relative to the folder, for messages. */
  readonly relative: string
  readonly fileName: string
  readonly fileSize: number
}

export interface DeliverFolder {
  readonly dir: string
  /** Locales with their own folder under metadata/ or screenshots/, in name order. */
  readonly locales: readonly string[]
  readonly text: ReadonlyMap<string, LocaleText>
  /** metadata/default: fills a locale's missing values. */
  readonly defaults: LocaleText | null
  readonly copyright: string | null
  readonly categories: Partial<Record<CategoryKey, string>>
  readonly review: ReviewDetailFields
  /** In upload order: by locale, display type, then natural file-name order. */
  readonly screenshots: readonly FolderScreenshot[]
}

/** One reason the folder cannot be sent: the file (relative to the folder) and why. */
export interface FolderProblem {
  readonly file: string
  readonly message: string
}

export type FolderReading =
  | { readonly ok: true; readonly folder: DeliverFolder }
  | { readonly ok: false; readonly problems: readonly FolderProblem[] }

const IMAGE = /\.(png|jpe?g)$/i
/** Folders fastlane keeps beside the locales that Ascent has nothing to send from. */
const IGNORED_METADATA_DIRS = ['trade_representative_contact_information']
/**
 * Names in the order a person counts (2 before 10). Made when first needed: a collator loads ICU's collation
 * data (about 17 ms), which every CLI command that imports this module paid at start even without a folder.
 */
let collator: Intl.Collator | null = null
function naturalOrder(a: string, b: string): number {
  collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
  return collator.compare(a, b)
}

async function entries(dir: string): Promise<{ name: string; isDir: boolean }[] | null> {
  try {
    const list = await readdir(dir, { withFileTypes: true })
    return list
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
      .sort((a, b) => naturalOrder(a.name, b.name))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

function localeProblem(name: string): string {
  const near = APP_STORE_LOCALES.find((l) => l.toLowerCase() === name.toLowerCase().replace('_', '-'))
  return `"${name}" is not an App Store Connect locale${near ? `: did you mean ${near}?` : ''} (use codes like en-US, de-DE, ja, zh-Hans)`
}

interface Spec {
  readonly file: string
  readonly key: string
  readonly label: string
  readonly kind: Parameters<typeof fieldValue>[1]['kind']
  readonly max?: number
}

/** Reads the `.txt` files of one folder against a table of known names; unknown `.txt` names are problems. */
async function readTextFiles(
  dir: string,
  relative: string,
  specs: readonly Spec[],
  problems: FolderProblem[],
  skipDirs: (name: string) => boolean = () => false,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const list = (await entries(dir)) ?? []
  for (const entry of list) {
    const rel = path.posix.join(relative, entry.name)
    if (entry.isDir) {
      if (!skipDirs(entry.name))
        problems.push({ file: rel, message: 'is a folder Ascent does not know here' })
      continue
    }
    if (!entry.name.endsWith('.txt')) continue
    const spec = specs.find((s) => `${s.file}.txt` === entry.name)
    if (!spec) {
      problems.push({
        file: rel,
        message: `is not a file deliver reads here; the names are ${specs.map((s) => `${s.file}.txt`).join(', ')}`,
      })
      continue
    }
    let raw: string
    try {
      raw = await readTextFile(path.join(dir, entry.name), TEXT_FILE_KINDS.metadataText)
    } catch (error) {
      if (error instanceof TextFileError) {
        problems.push({ file: rel, message: error.message })
        continue
      }
      throw error
    }
    const result = fieldValue(raw, spec)
    if ('problem' in result) problems.push({ file: rel, message: result.problem })
    else if (result.value !== null) out[spec.key] = result.value
  }
  return out
}

const LOCALE_SPECS: readonly Spec[] = [...VERSION_FILES, ...APP_INFO_FILES]
const VERSION_KEYS = new Set<string>(VERSION_FILES.map((f) => f.key))

function splitLocaleText(values: Record<string, string>): LocaleText {
  const version: Record<string, string> = {}
  const appInfo: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) (VERSION_KEYS.has(key) ? version : appInfo)[key] = value
  return { version, appInfo }
}

async function readMetadata(dir: string, problems: FolderProblem[]) {
  const metadataDir = path.join(dir, 'metadata')
  const text = new Map<string, LocaleText>()
  let defaults: LocaleText | null = null
  const list = await entries(metadataDir)
  const top =
    list === null ? {} : await readTextFiles(metadataDir, 'metadata', TOP_FILES, problems, () => true)
  let review: ReviewDetailFields = {}
  for (const entry of list ?? []) {
    if (!entry.isDir) continue
    const sub = path.join(metadataDir, entry.name)
    const rel = `metadata/${entry.name}`
    if (entry.name === 'review_information') {
      const values = await readTextFiles(sub, rel, REVIEW_FILES, problems)
      // fastlane has no file for it: a demo user name means App Review needs the demo account.
      review = { ...values, ...(values.demoAccountName ? { demoAccountRequired: true } : {}) }
    } else if (entry.name === 'default') {
      defaults = splitLocaleText(await readTextFiles(sub, rel, LOCALE_SPECS, problems))
    } else if (IGNORED_METADATA_DIRS.includes(entry.name)) {
      continue
    } else if (!APP_STORE_LOCALES.includes(entry.name)) {
      problems.push({ file: rel, message: localeProblem(entry.name) })
    } else {
      text.set(entry.name, splitLocaleText(await readTextFiles(sub, rel, LOCALE_SPECS, problems)))
    }
  }
  const { copyright, ...categories } = top
  return { text, defaults, copyright: copyright ?? null, categories, review }
}

async function readScreenshotsOf(
  dir: string,
  rel: string,
  locale: string,
  problems: FolderProblem[],
): Promise<FolderScreenshot[]> {
  const found: FolderScreenshot[] = []
  const images = ((await entries(dir)) ?? []).filter((e) => !e.isDir && IMAGE.test(e.name))
  // fastlane: when any framed screenshot exists, only the framed ones are uploaded.
  const framed = images.filter((e) => /_framed\.(png|jpe?g)$/i.test(e.name))
  for (const entry of framed.length > 0 ? framed : images) {
    const file = path.join(dir, entry.name)
    const relative = `${rel}/${entry.name}`
    const header = await readImageHeader(file)
    if (typeof header === 'string') {
      problems.push({ file: relative, message: `${header}; screenshots must be PNG or JPEG` })
      continue
    }
    const type = displayTypeForSize(header.width, header.height, relative)
    if (type === null) {
      problems.push({
        file: relative,
        message: `is ${header.width}x${header.height} pixels, a size no screenshot slot takes; accepted sizes (portrait, or turned for iPhone and iPad): ${acceptedSizesText()}`,
      })
      continue
    }
    if (header.hasAlpha) {
      problems.push({
        file: relative,
        message: `has an alpha channel (transparency); App Store Connect takes screenshots without one: export it as JPEG or as PNG without alpha`,
      })
      continue
    }
    found.push({
      locale,
      displayType: type,
      file,
      relative,
      fileName: entry.name,
      fileSize: (await stat(file)).size,
    })
  }
  return found
}

async function readScreenshots(dir: string, problems: FolderProblem[]): Promise<FolderScreenshot[]> {
  const root = path.join(dir, 'screenshots')
  const shots: FolderScreenshot[] = []
  for (const entry of (await entries(root)) ?? []) {
    if (!entry.isDir) continue
    const rel = `screenshots/${entry.name}`
    // fastlane keeps iMessage and Apple TV screenshots one folder deeper: screenshots/iMessage/<locale>/.
    if (entry.name === 'iMessage' || entry.name === 'appleTV') {
      for (const inner of (await entries(path.join(root, entry.name))) ?? []) {
        if (!inner.isDir) continue
        if (!APP_STORE_LOCALES.includes(inner.name)) {
          problems.push({ file: `${rel}/${inner.name}`, message: localeProblem(inner.name) })
          continue
        }
        shots.push(
          ...(await readScreenshotsOf(
            path.join(root, entry.name, inner.name),
            `${rel}/${inner.name}`,
            inner.name,
            problems,
          )),
        )
      }
      continue
    }
    if (!APP_STORE_LOCALES.includes(entry.name)) {
      problems.push({ file: rel, message: localeProblem(entry.name) })
      continue
    }
    shots.push(...(await readScreenshotsOf(path.join(root, entry.name), rel, entry.name, problems)))
  }
  const bySet = new Map<string, FolderScreenshot[]>()
  for (const s of shots) {
    const key = `${s.locale}/${s.displayType}`
    bySet.set(key, [...(bySet.get(key) ?? []), s])
  }
  for (const set of bySet.values()) {
    if (set.length > MAX_SCREENSHOTS_PER_SET) {
      const first = set[0]!
      problems.push({
        file: path.posix.dirname(first.relative),
        message: `has ${set.length} ${displayTypeLabel(first.displayType)} screenshots (${first.displayType}); a slot takes at most ${MAX_SCREENSHOTS_PER_SET}`,
      })
    }
  }
  return [...bySet.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, set]) => set)
}

/** A folder that cannot be sent as it is: every problem, each naming its file. Nothing was sent. */
export class FolderRefusedError extends AscentError {
  constructor(
    readonly dir: string,
    readonly problems: readonly FolderProblem[],
  ) {
    super('BAD_INPUT', problems.map((p) => `${path.join(dir, p.file)}: ${p.message}`).join('\n'))
    this.name = 'FolderRefusedError'
  }
}

/** The folder, or FolderRefusedError with every problem. */
export async function readDeliverFolderOrRefuse(dir: string): Promise<DeliverFolder> {
  const reading = await readDeliverFolder(dir)
  if (!reading.ok) throw new FolderRefusedError(dir, reading.problems)
  return reading.folder
}

/** Reads a deliver folder. Nothing is sent from a folder with problems: every problem is listed at once. */
export async function readDeliverFolder(dir: string): Promise<FolderReading> {
  const problems: FolderProblem[] = []
  let info
  try {
    info = await stat(dir)
  } catch {
    return { ok: false, problems: [{ file: '', message: 'no such folder' }] }
  }
  if (!info.isDirectory()) return { ok: false, problems: [{ file: '', message: 'is not a folder' }] }
  const hasMetadata = (await entries(path.join(dir, 'metadata'))) !== null
  const hasScreenshots = (await entries(path.join(dir, 'screenshots'))) !== null
  if (!hasMetadata && !hasScreenshots)
    return {
      ok: false,
      problems: [
        {
          file: '',
          message:
            'has neither a metadata/ nor a screenshots/ folder, so it is not a fastlane deliver folder',
        },
      ],
    }
  const metadata = await readMetadata(dir, problems)
  const screenshots = await readScreenshots(dir, problems)
  if (problems.length > 0) return { ok: false, problems }
  const locales = [...new Set([...metadata.text.keys(), ...screenshots.map((s) => s.locale)])].sort()
  return { ok: true, folder: { dir, locales, ...metadata, screenshots } }
}

/** A locale's text: its own values, then metadata/default for what it lacks. */
export function localeText(folder: DeliverFolder, locale: string): LocaleText {
  const own = folder.text.get(locale)
  const base = folder.defaults
  return {
    version: { ...base?.version, ...own?.version },
    appInfo: { ...base?.appInfo, ...own?.appInfo },
  }
}
