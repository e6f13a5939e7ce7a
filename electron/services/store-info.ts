import { AscentError } from '../../shared/errors'
import type { FileRef } from '../../shared/ipc'
import type {
  ScreenshotProgress,
  ScreenshotSlot,
  StoreInfo,
  StoreInfoEdit,
  StoreTarget,
} from '../../shared/store-info'
import { isAscApiError } from '../asc/api-error'
import { getSecondaryCategory, listAppCategories, type AppInfoText } from '../asc/app-infos'
import type { AscClient } from '../asc/client'
import type { ReviewDetailFields } from '../asc/review-details'
import {
  createScreenshotSet,
  deleteScreenshot,
  listScreenshotSets,
  reorderScreenshots,
} from '../asc/screenshots'
import { createVersionText, listVersionTexts, type VersionTextFields } from '../asc/version-localizations'
import { createAppStoreVersion } from '../asc/versions'
import { FolderRefusedError, type DeliverFolder, type LocaleText } from '../metadata/deliver-folder'
import {
  acceptedSizesText,
  displayTypeForSize,
  displayTypeLabel,
  displayTypeSizesText,
  displayTypeTakes,
  MAX_SCREENSHOTS_PER_SET,
  requiredDisplayTypes,
} from '../metadata/display-types'
import { APP_INFO_FILES, fieldValue, REVIEW_FILES, TOP_FILES, VERSION_FILES } from '../metadata/fields'
import { readImageHeader } from '../metadata/image-header'
import { pushDeliverFolder } from '../metadata/push'
import { checkMetadata } from '../metadata/metadata-service'
import { versionLocales } from '../metadata/readiness'
import { uploadScreenshot } from '../metadata/screenshot-upload'
import { readStoreSnapshot, type StoreSnapshot } from '../metadata/store-snapshot'
import { hashFile } from '../upload/checksum'

/**
 * The window's App Store information panel over the metadata engine: the same snapshot and readiness
 * check as `ascent metadata check`, saving through the same push as a deliver folder (the form's fields
 * become an in-memory folder), and screenshots through the same upload, one slot at a time.
 */
export interface StoreInfoService {
  get(target: StoreTarget): Promise<StoreInfo>
  save(target: StoreTarget, edit: StoreInfoEdit): Promise<StoreInfo>
  upload(
    target: StoreTarget,
    displayType: string | null,
    files: readonly { readonly ref: FileRef; readonly path: string }[],
  ): Promise<StoreInfo>
  deleteScreenshot(target: StoreTarget, screenshotId: string): Promise<StoreInfo>
  reorder(target: StoreTarget, setId: string, ids: readonly string[]): Promise<StoreInfo>
}

/** How the form's problems name where they are: "Description (en-US)". */
const FORM = 'the App Store information form'

function snapshotOf(client: AscClient, target: StoreTarget): Promise<StoreSnapshot> {
  return readStoreSnapshot(client, target.bundleId, {
    versionString: target.versionString,
    platform: target.platform,
  })
}

/** The slots the panel shows: the ones App Review needs for what the build runs on, then any others that hold images. */
function slotsOf(s: StoreSnapshot, target: StoreTarget, locale: string): ScreenshotSlot[] {
  const sets = s.screenshots.get(locale) ?? []
  const required = requiredDisplayTypes(target.platform, target.deviceFamilies)
  const types = [...new Set([...required.flat(), ...sets.map((x) => x.displayType)])]
  return types.map((type) => {
    const group = required.find((alternatives) => alternatives.includes(type))
    const set = sets.find((x) => x.displayType === type)
    return {
      displayType: type,
      label: displayTypeLabel(type),
      sizes: displayTypeSizesText(type),
      required: group !== undefined,
      alternativeTo: group?.find((t) => t !== type) ?? null,
      // Sets of a version not created yet are the previous version's: nothing to edit in them here.
      setId: s.version !== null && set ? set.id : null,
      shots: (set?.screenshots ?? []).map((shot) => ({
        id: shot.id,
        fileName: shot.fileName,
        state: shot.state,
        errors: shot.errors.map((e) => ({ code: e.code ?? null, description: e.description ?? null })),
      })),
    }
  })
}

async function viewOf(client: AscClient, target: StoreTarget): Promise<StoreInfo> {
  // The same answer as `ascent metadata check` and preflight give, with the snapshot it judged.
  const { snapshot: s, ...readiness } = await checkMetadata(
    client,
    { bundleId: target.bundleId, versionString: target.versionString, platform: target.platform },
    { deviceFamilies: target.deviceFamilies, ...(target.release ? { settings: target.release } : {}) },
  )
  const [offered, secondary] = await Promise.all([
    listAppCategories(client, s.platform).catch((error: unknown) => {
      if (isAscApiError(error, 404)) return []
      throw error
    }),
    s.appInfo ? getSecondaryCategory(client, s.appInfo.id) : Promise.resolve(null),
  ])
  const locales = versionLocales(s, null)
  const ordered = [
    ...locales.filter((l) => l === s.app.primaryLocale),
    ...locales.filter((l) => l !== s.app.primaryLocale),
  ]
  const texts = new Map(s.versionTexts.map((t) => [t.locale, t]))
  const infos = new Map(s.appInfoLocalizations.map((l) => [l.locale, l]))
  const infoLocales = [
    s.app.primaryLocale,
    ...s.appInfoLocalizations.map((l) => l.locale).filter((l) => l !== s.app.primaryLocale),
  ]
  const review = s.reviewDetail
  const screenshotLocale = ordered[0] ?? s.app.primaryLocale
  return {
    appName: s.app.name,
    primaryLocale: s.app.primaryLocale,
    versionString: s.versionString,
    versionExists: s.version !== null,
    update: s.update,
    locales: ordered,
    versionTexts: ordered.map((locale) => {
      const t = texts.get(locale)
      return {
        locale,
        description: t?.description ?? null,
        keywords: t?.keywords ?? null,
        supportUrl: t?.supportUrl ?? null,
        marketingUrl: t?.marketingUrl ?? null,
        promotionalText: t?.promotionalText ?? null,
        whatsNew: t?.whatsNew ?? null,
      }
    }),
    appInfoTexts: infoLocales.map((locale) => {
      const l = infos.get(locale)
      return {
        locale,
        name: l?.name ?? null,
        subtitle: l?.subtitle ?? null,
        privacyPolicyUrl: l?.privacyPolicyUrl ?? null,
        privacyPolicyText: l?.privacyPolicyText ?? null,
      }
    }),
    categories: { primary: s.primaryCategory, secondary, offered: [...offered] },
    review: {
      contactFirstName: review?.contactFirstName ?? null,
      contactLastName: review?.contactLastName ?? null,
      contactPhone: review?.contactPhone ?? null,
      contactEmail: review?.contactEmail ?? null,
      notes: review?.notes ?? null,
    },
    copyright: s.version?.copyright ?? null,
    screenshotLocale,
    slots: slotsOf(s, target, screenshotLocale),
    readiness: {
      ready: readiness.ready,
      missing: [...readiness.missing],
      reminders: [...readiness.reminders],
    },
  }
}

/** Only fields with text are sent; each is checked as its deliver file would be (limits, URLs, spaces). */
function given<K extends string>(
  values: Partial<Record<K, string | undefined>> | undefined,
  specs: readonly {
    readonly key: K
    readonly label: string
    readonly kind: Parameters<typeof fieldValue>[1]['kind']
    readonly max?: number
  }[],
  where: string,
  problems: string[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {}
  for (const spec of specs) {
    const raw = values?.[spec.key]
    if (raw === undefined || raw === '') continue
    // The form has no file ending: a final line break typed in a field is text, and refused like any other.
    const result = fieldValue(raw.endsWith('\n') ? `${raw}\n` : raw, spec)
    if ('problem' in result) problems.push(`${where}${result.problem}`)
    else if (result.value !== null) out[spec.key] = result.value
  }
  return out
}

/** The form's changes as the deliver folder the push applies, or every reason they cannot be sent. */
function folderOf(edit: StoreInfoEdit): DeliverFolder {
  const problems: string[] = []
  const locales = [
    ...new Set([...Object.keys(edit.versionTexts ?? {}), ...Object.keys(edit.appInfoTexts ?? {})]),
  ]
  const text = new Map<string, LocaleText>()
  for (const locale of locales) {
    const version: VersionTextFields = given(
      edit.versionTexts?.[locale],
      VERSION_FILES,
      `${locale}: `,
      problems,
    )
    const appInfo: AppInfoText = given(edit.appInfoTexts?.[locale], APP_INFO_FILES, `${locale}: `, problems)
    text.set(locale, { version, appInfo })
  }
  const top = given(
    {
      copyright: edit.copyright,
      primary: edit.primaryCategory,
      secondary: edit.secondaryCategory,
    },
    TOP_FILES,
    '',
    problems,
  )
  const review: ReviewDetailFields = given(edit.review, REVIEW_FILES, 'App Review: ', problems)
  if (problems.length > 0) throw new AscentError('BAD_INPUT', `Nothing was sent: ${problems.join('; ')}`)
  return {
    dir: FORM,
    locales: locales.filter((l) => {
      const t = text.get(l)
      return t !== undefined && Object.keys(t.version).length + Object.keys(t.appInfo).length > 0
    }),
    text,
    defaults: null,
    copyright: top.copyright ?? null,
    categories: {
      ...(top.primary !== undefined ? { primary: top.primary } : {}),
      ...(top.secondary !== undefined ? { secondary: top.secondary } : {}),
    },
    review,
    screenshots: [],
  }
}

interface CheckedImage {
  readonly ref: FileRef
  readonly path: string
  readonly displayType: string
}

/** Every image checked before anything is sent: a format App Store Connect takes, a size the slot takes, no alpha. */
async function checkImages(
  displayType: string | null,
  files: readonly { readonly ref: FileRef; readonly path: string }[],
): Promise<CheckedImage[]> {
  const problems: string[] = []
  const checked: CheckedImage[] = []
  for (const file of files) {
    const name = file.ref.name
    const header = await readImageHeader(file.path)
    if (typeof header === 'string') {
      problems.push(`${name}: ${header}; screenshots must be PNG or JPEG`)
      continue
    }
    const size = `${header.width}x${header.height}`
    const type = displayType ?? displayTypeForSize(header.width, header.height, name)
    if (type === null) {
      problems.push(
        `${name} is ${size} pixels, a size no screenshot slot takes; accepted sizes (portrait, or turned for iPhone and iPad): ${acceptedSizesText()}`,
      )
      continue
    }
    if (!displayTypeTakes(type, header.width, header.height)) {
      problems.push(
        `${name} is ${size} pixels; the ${displayTypeLabel(type)} slot takes ${displayTypeSizesText(type)} (portrait, or turned)`,
      )
      continue
    }
    if (header.hasAlpha) {
      problems.push(
        `${name} has an alpha channel (transparency); App Store Connect takes screenshots without one: export it as JPEG or as PNG without alpha`,
      )
      continue
    }
    checked.push({ ref: file.ref, path: file.path, displayType: type })
  }
  if (problems.length > 0) throw new AscentError('BAD_INPUT', `Nothing was sent: ${problems.join('; ')}`)
  return checked
}

export function createStoreInfoService(options: {
  readonly client: () => Promise<AscClient>
  readonly onProgress: (progress: ScreenshotProgress) => void
}): StoreInfoService {
  function fresh(client: AscClient, target: StoreTarget): Promise<StoreInfo> {
    return viewOf(client, target)
  }

  /** The version's localization for the screenshot locale, creating the version and the locale when they are not there yet. */
  async function localizationFor(client: AscClient, s: StoreSnapshot, locale: string): Promise<string> {
    const versionId =
      s.version?.id ??
      (
        await createAppStoreVersion(client, {
          appId: s.app.id,
          platform: s.platform,
          versionString: s.versionString,
        })
      ).id
    const texts = await listVersionTexts(client, versionId)
    return (
      texts.find((t) => t.locale === locale)?.id ??
      (await createVersionText(client, { versionId, locale })).id
    )
  }

  return {
    async get(target) {
      return fresh(await options.client(), target)
    },

    async save(target, edit) {
      const folder = folderOf(edit)
      const client = await options.client()
      try {
        await pushDeliverFolder(client, await snapshotOf(client, target), folder)
      } catch (error) {
        if (error instanceof FolderRefusedError)
          throw new AscentError('BAD_INPUT', `Nothing was sent: ${error.message}`)
        throw error
      }
      return fresh(client, target)
    },

    async upload(target, displayType, files) {
      const images = await checkImages(displayType, files)
      const client = await options.client()
      const s = await snapshotOf(client, target)
      const locale = versionLocales(s, null).includes(s.app.primaryLocale)
        ? s.app.primaryLocale
        : (versionLocales(s, null)[0] ?? s.app.primaryLocale)
      const current = s.version !== null ? (s.screenshots.get(locale) ?? []) : []
      const counts = new Map<string, number>()
      for (const image of images) counts.set(image.displayType, (counts.get(image.displayType) ?? 0) + 1)
      for (const [type, adding] of counts) {
        const held = current.find((x) => x.displayType === type)?.screenshots.length ?? 0
        if (held + adding > MAX_SCREENSHOTS_PER_SET)
          throw new AscentError(
            'BAD_INPUT',
            `Nothing was sent: the ${displayTypeLabel(type)} slot holds ${held} screenshot${held === 1 ? '' : 's'} and takes at most ${MAX_SCREENSHOTS_PER_SET}; delete some first`,
          )
      }
      const localizationId = await localizationFor(client, s, locale)
      const setIds = new Map(
        (await listScreenshotSets(client, localizationId)).map((x) => [x.displayType, x.id]),
      )
      for (const image of images) {
        let setId = setIds.get(image.displayType)
        if (setId === undefined) {
          setId = (await createScreenshotSet(client, { localizationId, displayType: image.displayType })).id
          setIds.set(image.displayType, setId)
        }
        const total = image.ref.sizeBytes
        const report = (
          phase: ScreenshotProgress['phase'],
          bytesDone: number,
          message: string | null = null,
        ) =>
          options.onProgress({
            type: 'screenshot-progress',
            bundleId: target.bundleId,
            fileId: image.ref.id,
            fileName: image.ref.name,
            displayType: image.displayType,
            phase,
            bytesDone,
            bytesTotal: total,
            message,
          })
        report('sending', 0)
        const md5 = (await hashFile(image.path, 'MD5', { mode: 'inline' })).hash
        let done = 0
        try {
          await uploadScreenshot(
            client,
            {
              setId,
              file: image.path,
              relative: image.ref.name,
              fileName: image.ref.name,
              fileSize: total,
              md5,
            },
            {
              onBytes: (bytes) => {
                done += bytes
                report(done >= total ? 'processing' : 'sending', done)
              },
            },
          )
          report('done', total)
        } catch (error) {
          // FAILED is App Store Connect's answer about this image: the slot shows it with Apple's reason.
          if (error instanceof AscentError && error.code === 'ASC_ERROR')
            report('failed', done, error.message)
          else throw error
        }
      }
      return fresh(client, target)
    },

    async deleteScreenshot(target, screenshotId) {
      const client = await options.client()
      await deleteScreenshot(client, screenshotId)
      return fresh(client, target)
    },

    async reorder(target, setId, ids) {
      const client = await options.client()
      await reorderScreenshots(client, { setId, ids: [...ids] })
      return fresh(client, target)
    },
  }
}
