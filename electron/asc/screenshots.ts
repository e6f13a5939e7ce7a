import * as z from 'zod'
import { isAscApiError } from './api-error'
import { applied, notApplied, type AscClient } from './client'
import { StateDetails, UploadOperationSchema, type StateDetail, type UploadOperation } from './build-uploads'
import { AssetDeliveryStateSchema, optNumber, optString, type AssetDeliveryState } from './enums'
import { findIncluded, linkTo, resource, singleDocument, ToMany } from './json-api'

/** Screenshot sets of a version localization (one per display type) and the screenshots in them. */

export interface ScreenshotSet {
  readonly id: string
  /** APP_IPHONE_67, APP_IPAD_PRO_3GEN_129, …; kept as text (Apple adds values). */
  readonly displayType: string
}

export interface Screenshot {
  readonly id: string
  readonly fileName: string | null
  readonly fileSize: number | null
  /** Hex MD5 of the file, given at the commit. */
  readonly checksum: string | null
  readonly state: AssetDeliveryState | null
  /** Apple's reasons when the state is FAILED (IMAGE_INCORRECT_DIMENSIONS, …). */
  readonly errors: readonly StateDetail[]
  readonly uploadOperations: readonly UploadOperation[]
  /** Where the processed image can be fetched: a template with {w}, {h} and {f}. */
  readonly templateUrl: string | null
  readonly width: number | null
  readonly height: number | null
}

const ScreenshotSetResource = resource('appScreenshotSets', { screenshotDisplayType: z.string() }, {})

const ScreenshotResource = resource(
  'appScreenshots',
  {
    fileName: optString,
    fileSize: optNumber,
    sourceFileChecksum: optString,
    assetDeliveryState: z
      .object({ state: AssetDeliveryStateSchema, errors: StateDetails })
      .nullish()
      .transform((v) => v ?? { state: null, errors: [] }),
    uploadOperations: z
      .array(UploadOperationSchema)
      .nullish()
      .transform((v) => v ?? []),
    imageAsset: z
      .object({ templateUrl: optString, width: optNumber, height: optNumber })
      .nullish()
      .transform((v) => v ?? { templateUrl: null, width: null, height: null }),
  },
  {},
)

function toScreenshot(r: z.infer<typeof ScreenshotResource>): Screenshot {
  const a = r.attributes
  return {
    id: r.id,
    fileName: a.fileName,
    fileSize: a.fileSize,
    checksum: a.sourceFileChecksum,
    state: a.assetDeliveryState.state,
    errors: a.assetDeliveryState.errors,
    uploadOperations: a.uploadOperations,
    templateUrl: a.imageAsset.templateUrl,
    width: a.imageAsset.width,
    height: a.imageAsset.height,
  }
}

const SingleSet = singleDocument(ScreenshotSetResource).transform((d) => ({
  id: d.data.id,
  displayType: d.data.attributes.screenshotDisplayType,
}))
const SingleScreenshot = singleDocument(ScreenshotResource).transform((d) => toScreenshot(d.data))

/** The screenshot sets of one version localization (filtered here: one report says Apple ignores the filter). */
export async function listScreenshotSets(
  client: AscClient,
  localizationId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly ScreenshotSet[]> {
  const page = await client.getAll(
    `/v1/appStoreVersionLocalizations/${encodeURIComponent(localizationId)}/appScreenshotSets`,
    {
      query: { 'fields[appScreenshotSets]': ['screenshotDisplayType'] },
      item: ScreenshotSetResource,
      signal: options.signal,
    },
  )
  return page.data.map((r) => ({ id: r.id, displayType: r.attributes.screenshotDisplayType }))
}

export interface ScreenshotSetWithShots extends ScreenshotSet {
  readonly screenshots: readonly Screenshot[]
}

const SetWithShotsResource = resource(
  'appScreenshotSets',
  { screenshotDisplayType: z.string() },
  { appScreenshots: ToMany },
)
/** Apple keeps 10 screenshots a set: an answer holding this many may have been cut, and the set is listed. */
const INCLUDED_SCREENSHOTS = 50

/**
 * The screenshot sets of one version localization with their screenshots in the same answer (`include`), in the
 * set's order. A set whose answer lacks the linkage (reported of Apple with this include) is listed on its own.
 */
export async function listScreenshotSetsWithShots(
  client: AscClient,
  localizationId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly ScreenshotSetWithShots[]> {
  const { signal } = options
  const page = await client.getAll(
    `/v1/appStoreVersionLocalizations/${encodeURIComponent(localizationId)}/appScreenshotSets`,
    {
      query: {
        'fields[appScreenshotSets]': ['screenshotDisplayType', 'appScreenshots'],
        include: ['appScreenshots'],
        'limit[appScreenshots]': INCLUDED_SCREENSHOTS,
      },
      item: SetWithShotsResource,
      signal,
    },
  )
  return Promise.all(
    page.data.map(async (r) => {
      const links = r.relationships.appScreenshots?.data
      const found = links?.map((l) => findIncluded(page.included, l, ScreenshotResource))
      const screenshots =
        links !== undefined && links.length < INCLUDED_SCREENSHOTS && found?.every((x) => x !== null)
          ? (found as z.infer<typeof ScreenshotResource>[]).map(toScreenshot)
          : await listScreenshots(client, r.id, { signal })
      return { id: r.id, displayType: r.attributes.screenshotDisplayType, screenshots }
    }),
  )
}

export async function createScreenshotSet(
  client: AscClient,
  input: { readonly localizationId: string; readonly displayType: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<ScreenshotSet> {
  return client.mutate({
    method: 'POST',
    path: '/v1/appScreenshotSets',
    body: {
      data: {
        type: 'appScreenshotSets',
        attributes: { screenshotDisplayType: input.displayType },
        relationships: {
          appStoreVersionLocalization: linkTo('appStoreVersionLocalizations', input.localizationId),
        },
      },
    },
    schema: SingleSet,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = (await listScreenshotSets(client, input.localizationId, { signal })).find(
        (s) => s.displayType === input.displayType,
      )
      return found ? applied(found) : notApplied
    },
  })
}

/** The screenshots of a set, in the set's order. */
export async function listScreenshots(
  client: AscClient,
  setId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly Screenshot[]> {
  const page = await client.getAll(`/v1/appScreenshotSets/${encodeURIComponent(setId)}/appScreenshots`, {
    item: ScreenshotResource,
    signal: options.signal,
  })
  return page.data.map(toScreenshot)
}

/** One screenshot, or null when App Store Connect no longer knows it. */
export async function getScreenshot(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Screenshot | null> {
  try {
    return await client.request('GET', `/v1/appScreenshots/${encodeURIComponent(id)}`, {
      schema: SingleScreenshot,
      signal: options.signal,
    })
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

/**
 * Reserves a screenshot in a set: the answer carries the upload operations (byte ranges and where to PUT them).
 * After an ambiguous failure a screenshot of the same name and size still awaiting its bytes is taken (Apple can
 * create the record and still answer 503, as fastlane found).
 */
export async function reserveScreenshot(
  client: AscClient,
  input: { readonly setId: string; readonly fileName: string; readonly fileSize: number },
  options: { readonly signal?: AbortSignal } = {},
): Promise<Screenshot> {
  return client.mutate({
    method: 'POST',
    path: '/v1/appScreenshots',
    body: {
      data: {
        type: 'appScreenshots',
        attributes: { fileName: input.fileName, fileSize: input.fileSize },
        relationships: { appScreenshotSet: linkTo('appScreenshotSets', input.setId) },
      },
    },
    schema: SingleScreenshot,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = (await listScreenshots(client, input.setId, { signal })).find(
        (s) =>
          s.state === 'AWAITING_UPLOAD' && s.fileName === input.fileName && s.fileSize === input.fileSize,
      )
      return found ? applied(found) : notApplied
    },
  })
}

/** Tells App Store Connect every byte was sent, with the file's MD5; the asset then goes to UPLOAD_COMPLETE. */
export async function commitScreenshot(
  client: AscClient,
  input: { readonly id: string; readonly md5: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<Screenshot> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/appScreenshots/${encodeURIComponent(input.id)}`,
    body: {
      data: {
        type: 'appScreenshots',
        id: input.id,
        attributes: { uploaded: true, sourceFileChecksum: input.md5 },
      },
    },
    schema: SingleScreenshot,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await getScreenshot(client, input.id, { signal })
      return found && found.state !== 'AWAITING_UPLOAD' ? applied(found) : notApplied
    },
  })
}

export async function deleteScreenshot(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'DELETE',
    path: `/v1/appScreenshots/${encodeURIComponent(id)}`,
    schema: z.undefined(),
    signal: options.signal,
    alreadyApplied: async (signal) =>
      (await getScreenshot(client, id, { signal })) === null ? applied(undefined) : notApplied,
  })
}

/** Puts a set's screenshots in this order (the full list of ids, as Apple wants it). */
export async function reorderScreenshots(
  client: AscClient,
  input: { readonly setId: string; readonly ids: readonly string[] },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'PATCH',
    path: `/v1/appScreenshotSets/${encodeURIComponent(input.setId)}/relationships/appScreenshots`,
    body: { data: input.ids.map((id) => ({ type: 'appScreenshots', id })) },
    schema: z.unknown(),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const now = (await listScreenshots(client, input.setId, { signal })).map((s) => s.id)
      return now.join(',') === input.ids.join(',') ? applied(undefined) : notApplied
    },
  })
}
