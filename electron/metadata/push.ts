import { AscentError } from '../../shared/errors'
import { isAscApiError } from '../asc/api-error'
import {
  createAppInfoLocalization,
  listAppCategories,
  updateAppInfoCategories,
  updateAppInfoLocalization,
  type AppInfoText,
} from '../asc/app-infos'
import type { AscClient } from '../asc/client'
import {
  createReviewDetail,
  getReviewDetail,
  updateReviewDetail,
  type ReviewDetailFields,
} from '../asc/review-details'
import {
  createScreenshotSet,
  deleteScreenshot,
  listScreenshots,
  listScreenshotSets,
  reorderScreenshots,
  type Screenshot,
} from '../asc/screenshots'
import {
  createVersionText,
  listVersionTexts,
  updateVersionText,
  type VersionText,
  type VersionTextFields,
} from '../asc/version-localizations'
import { createAppStoreVersion, updateAppStoreVersion } from '../asc/versions'
import { hashFile } from '../upload/checksum'
import {
  FolderRefusedError,
  localeText,
  type DeliverFolder,
  type FolderProblem,
  type FolderScreenshot,
} from './deliver-folder'
import { displayTypeLabel, displayTypeOnPlatform } from './display-types'
import type { CategoryKey } from './fields'
import { uploadScreenshot } from './screenshot-upload'
import type { StoreSnapshot } from './store-snapshot'
import { versionLocales } from './readiness'

/** What a push reports as it goes: a line per change, and bytes while a screenshot is sent. */
export type PushProgress =
  | { readonly kind: 'step'; readonly message: string }
  | {
      readonly kind: 'screenshot'
      readonly file: string
      readonly bytesDone: number
      readonly bytesTotal: number
    }

export interface PushResult {
  /** One line per change made, in order. */
  readonly changes: readonly string[]
  /** What was given but not sent, and why (What's New on a first version). */
  readonly notes: readonly string[]
  readonly screenshotsUploaded: number
  readonly screenshotsKept: number
  readonly screenshotsDeleted: number
}

type Changed<T> = Partial<Record<keyof T, unknown>>

/** The fields whose value differs from what App Store Connect holds: only those are sent. */
function changedFields<T extends object>(
  given: T,
  now: Partial<Record<keyof T, unknown>> | null,
): Partial<T> {
  const out: Partial<T> = {}
  for (const key of Object.keys(given) as (keyof T)[]) {
    if (given[key] !== undefined && (now === null || now[key] !== given[key])) out[key] = given[key]
  }
  return out
}

const nonEmpty = (o: object): boolean => Object.keys(o).length > 0

const CATEGORY_FILES: Record<CategoryKey, string> = {
  primary: 'primary_category',
  secondary: 'secondary_category',
  primarySubcategoryOne: 'primary_first_sub_category',
  primarySubcategoryTwo: 'primary_second_sub_category',
  secondarySubcategoryOne: 'secondary_first_sub_category',
  secondarySubcategoryTwo: 'secondary_second_sub_category',
}

/**
 * Checks what needs App Store Connect before anything is sent: category ids it offers, a name for every
 * app-information locale the folder adds. Problems here are the folder's (exit 2), and nothing was sent.
 */
async function remoteProblems(
  client: AscClient,
  s: StoreSnapshot,
  folder: DeliverFolder,
  signal: AbortSignal | undefined,
): Promise<FolderProblem[]> {
  const problems: FolderProblem[] = []
  const named = Object.entries(folder.categories) as [CategoryKey, string][]
  if (named.length > 0) {
    let offered: readonly string[] | null
    try {
      offered = await listAppCategories(client, s.platform, { signal })
    } catch (error) {
      if (!isAscApiError(error, 404)) throw error
      offered = null
    }
    for (const [key, id] of named) {
      // Subcategories (GAMES_ACTION, …) are children: only the top-level list is fetched, so they are left to Apple.
      if (offered !== null && (key === 'primary' || key === 'secondary') && !offered.includes(id))
        problems.push({
          file: `metadata/${CATEGORY_FILES[key]}.txt`,
          message: `"${id}" is not a ${s.platform} category of App Store Connect; it offers ${offered.join(', ')}`,
        })
    }
  }
  if (s.appInfo === null && folder.locales.some((l) => nonEmpty(localeText(folder, l).appInfo)))
    problems.push({
      file: 'metadata/',
      message: `${s.app.bundleId} has no App Information record in App Store Connect yet`,
    })
  const existing = new Set(s.appInfoLocalizations.map((l) => l.locale))
  for (const locale of folder.locales) {
    const info = localeText(folder, locale).appInfo
    if (!existing.has(locale) && nonEmpty(info) && info.name === undefined)
      problems.push({
        file: `metadata/${locale}/name.txt`,
        message: `is missing: the app has no ${locale} App Information yet, and App Store Connect needs its name to add it`,
      })
  }
  return problems
}

/**
 * Applies a deliver folder to one version: text per locale (only fields that change, never What's New on a
 * first version), app information, categories, copyright, the App Review contact, then the screenshots of
 * each display type the folder has (the folder's images in the folder's order: same files are kept,
 * others deleted, new ones uploaded). A version that does not exist yet is created first.
 */
export async function pushDeliverFolder(
  client: AscClient,
  snapshot: StoreSnapshot,
  given: DeliverFolder,
  options: { readonly signal?: AbortSignal; readonly onProgress?: (p: PushProgress) => void } = {},
): Promise<PushResult> {
  const { signal } = options
  // A folder may hold another platform's screenshots (fastlane's screenshots/appleTV/, a Mac size): the version
  // has no such slot, so they are left out and said so rather than sent to be refused.
  const elsewhere = given.screenshots.filter((x) => !displayTypeOnPlatform(x.displayType, snapshot.platform))
  const folder = {
    ...given,
    screenshots: given.screenshots.filter((x) => displayTypeOnPlatform(x.displayType, snapshot.platform)),
  }
  const step = (message: string): void => {
    changes.push(message)
    options.onProgress?.({ kind: 'step', message })
  }
  const changes: string[] = []
  const notes: string[] = elsewhere.map(
    (x) =>
      `${x.relative}: not sent: ${displayTypeLabel(x.displayType)} screenshots have no slot on ${snapshot.platform} version ${snapshot.versionString}`,
  )
  const problems = await remoteProblems(client, snapshot, folder, signal)
  if (problems.length > 0) throw new FolderRefusedError(folder.dir, problems)
  // Checksums before the first change: a file that cannot be read stops the push with nothing sent.
  const md5 = new Map<string, string>()
  for (const shot of folder.screenshots)
    md5.set(shot.file, (await hashFile(shot.file, 'MD5', { mode: 'inline', signal })).hash)

  let version = snapshot.version
  if (version === null) {
    version = await createAppStoreVersion(
      client,
      { appId: snapshot.app.id, platform: snapshot.platform, versionString: snapshot.versionString },
      { signal },
    )
    step(`created App Store version ${snapshot.versionString} (${snapshot.platform})`)
  }
  const versionId = version.id

  // Version text, per locale.
  const texts = new Map<string, VersionText>()
  if (snapshot.version !== null) for (const t of snapshot.versionTexts) texts.set(t.locale, t)
  else {
    for (const t of await listVersionTexts(client, versionId, { signal })) texts.set(t.locale, t)
  }
  const screenshotLocales = new Set(folder.screenshots.map((s) => s.locale))
  for (const locale of versionLocales(snapshot, folder)) {
    const given: VersionTextFields = { ...localeText(folder, locale).version }
    if (given.whatsNew !== undefined && !snapshot.update) {
      delete (given as { whatsNew?: string }).whatsNew
      if (!notes.some((n) => n.startsWith('What’s New')))
        notes.push(
          `What’s New is not sent: ${snapshot.versionString} is the first App Store version of this app on ${snapshot.platform}, and App Store Connect takes release notes only for updates`,
        )
    }
    const now = texts.get(locale) ?? null
    if (now === null) {
      if (!nonEmpty(given) && !screenshotLocales.has(locale)) continue
      texts.set(locale, await createVersionText(client, { versionId, locale, ...given }, { signal }))
      step(
        `${locale}: added the locale to version ${snapshot.versionString}${nonEmpty(given) ? ` with ${Object.keys(given).join(', ')}` : ''}`,
      )
      continue
    }
    const change = changedFields(given, now as Changed<VersionTextFields>)
    if (!nonEmpty(change)) continue
    texts.set(locale, await updateVersionText(client, { id: now.id, ...change }, { signal }))
    step(`${locale}: set ${Object.keys(change).join(', ')}`)
  }

  // App information: name, subtitle, privacy policy per locale; categories.
  if (snapshot.appInfo !== null) {
    const infoId = snapshot.appInfo.id
    const infos = new Map(snapshot.appInfoLocalizations.map((l) => [l.locale, l]))
    for (const locale of folder.locales) {
      const given: AppInfoText = localeText(folder, locale).appInfo
      if (!nonEmpty(given)) continue
      const now = infos.get(locale)
      if (!now) {
        await createAppInfoLocalization(
          client,
          { ...given, appInfoId: infoId, locale, name: given.name ?? '' },
          { signal },
        )
        step(`${locale}: added App Information with ${Object.keys(given).join(', ')}`)
        continue
      }
      const change = changedFields(given, now as Changed<AppInfoText>)
      if (!nonEmpty(change)) continue
      await updateAppInfoLocalization(client, { id: now.id, ...change }, { signal })
      step(`${locale}: set ${Object.keys(change).join(', ')}`)
    }
    const categories = folder.categories
    const categoryChange =
      (categories.primary !== undefined && categories.primary !== snapshot.primaryCategory) ||
      categories.secondary !== undefined
    if (categoryChange) {
      await updateAppInfoCategories(
        client,
        {
          id: infoId,
          ...(categories.primary !== undefined ? { primary: categories.primary } : {}),
          ...(categories.secondary !== undefined ? { secondary: categories.secondary } : {}),
        },
        { signal },
      )
      step(`set the category: ${[categories.primary, categories.secondary].filter(Boolean).join(', ')}`)
    }
  }

  if (folder.copyright !== null && folder.copyright !== version.copyright) {
    await updateAppStoreVersion(client, { id: versionId, copyright: folder.copyright }, { signal })
    step(`set copyright`)
  }

  // App Review contact of the version.
  if (nonEmpty(folder.review)) {
    // A version created here may have copied the previous version's contact: read it rather than create a second.
    const now =
      snapshot.version !== null ? snapshot.reviewDetail : await getReviewDetail(client, versionId, { signal })
    if (now === null) {
      await createReviewDetail(client, { versionId, ...folder.review }, { signal })
      step(`set the App Review contact: ${Object.keys(folder.review).join(', ')}`)
    } else {
      const change = changedFields(folder.review, now as Changed<ReviewDetailFields>)
      if (nonEmpty(change)) {
        await updateReviewDetail(client, { id: now.id, versionId, ...change }, { signal })
        step(`set the App Review contact: ${Object.keys(change).join(', ')}`)
      }
    }
  }

  const counts = await pushScreenshots(client, snapshot, folder, texts, md5, step, options)
  return { changes, notes, ...counts }
}

async function pushScreenshots(
  client: AscClient,
  snapshot: StoreSnapshot,
  folder: DeliverFolder,
  texts: ReadonlyMap<string, VersionText>,
  md5: ReadonlyMap<string, string>,
  step: (message: string) => void,
  options: { readonly signal?: AbortSignal; readonly onProgress?: (p: PushProgress) => void },
): Promise<{ screenshotsUploaded: number; screenshotsKept: number; screenshotsDeleted: number }> {
  const { signal } = options
  let uploaded = 0
  let kept = 0
  let deleted = 0
  const groups = new Map<string, FolderScreenshot[]>()
  for (const shot of folder.screenshots) {
    const key = `${shot.locale}\u0000${shot.displayType}`
    groups.set(key, [...(groups.get(key) ?? []), shot])
  }
  for (const shots of groups.values()) {
    const { locale, displayType } = shots[0]!
    const localization = texts.get(locale)
    if (!localization) throw new AscentError('INTERNAL', `no ${locale} localization to put screenshots in`)
    // A version created in this push has new ids: its copied sets are read again, not taken from the snapshot.
    const sameVersion =
      snapshot.version !== null && snapshot.versionTexts.some((t) => t.id === localization.id)
    const known = sameVersion
      ? snapshot.screenshots.get(locale)?.find((x) => x.displayType === displayType)
      : undefined
    let set: { readonly id: string; readonly screenshots: readonly Screenshot[] } | null = known ?? null
    if (set === null) {
      const found = (await listScreenshotSets(client, localization.id, { signal })).find(
        (x) => x.displayType === displayType,
      )
      set = found
        ? { id: found.id, screenshots: await listScreenshots(client, found.id, { signal }) }
        : {
            id: (
              await createScreenshotSet(client, { localizationId: localization.id, displayType }, { signal })
            ).id,
            screenshots: [],
          }
    }
    const setId = set.id
    // The folder is the truth for this slot: same files (by MD5) stay, the rest go, new ones are uploaded.
    const unused = [...set.screenshots]
    const ids = new Map<FolderScreenshot, string>()
    const toUpload: FolderScreenshot[] = []
    for (const shot of shots) {
      const index = unused.findIndex((x) => x.checksum === md5.get(shot.file) && x.state !== 'FAILED')
      if (index >= 0) {
        ids.set(shot, unused[index]!.id)
        unused.splice(index, 1)
        kept++
      } else toUpload.push(shot)
    }
    for (const stale of unused) {
      await deleteScreenshot(client, stale.id, { signal })
      deleted++
    }
    const label = `${locale} ${displayTypeLabel(displayType)}`
    for (const shot of toUpload) {
      let done = 0
      const uploadedShot = await uploadScreenshot(
        client,
        {
          setId,
          file: shot.file,
          relative: shot.relative,
          fileName: shot.fileName,
          fileSize: shot.fileSize,
          md5: md5.get(shot.file)!,
        },
        {
          signal,
          onBytes: (bytes) => {
            done += bytes
            options.onProgress?.({
              kind: 'screenshot',
              file: shot.relative,
              bytesDone: done,
              bytesTotal: shot.fileSize,
            })
          },
        },
      )
      ids.set(shot, uploadedShot.id)
      uploaded++
      step(`${label}: uploaded ${shot.relative}`)
    }
    if (unused.length > 0 || toUpload.length > 0) {
      const order = shots.map((shot) => ids.get(shot)!)
      if (order.length > 1) await reorderScreenshots(client, { setId, ids: order }, { signal })
      if (unused.length > 0)
        step(
          `${label}: removed ${unused.length} screenshot${unused.length === 1 ? '' : 's'} not in the folder`,
        )
    }
  }
  return { screenshotsUploaded: uploaded, screenshotsKept: kept, screenshotsDeleted: deleted }
}
