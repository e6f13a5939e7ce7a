import * as z from 'zod'
import { AscentError } from '../../shared/errors'
import { isAscApiError } from './api-error'
import { applied, notApplied, type AscClient } from './client'
import {
  AssetDeliveryStateSchema,
  BuildUploadStateSchema,
  optNumber,
  optString,
  PlatformSchema,
  type AssetDeliveryState,
  type BuildUploadState,
  type Platform,
} from './enums'
import { BuildResource, toBuild, type Build } from './builds'
import { findIncluded, linkTo, resource, singleDocument, ToOne, type IncludedItem } from './json-api'

/** Build Upload API (App Store Connect API 4.1+): the only way to upload from Linux or Windows. */

export interface StateDetail {
  readonly code: string | null
  readonly description: string | null
}

export interface BuildUpload {
  readonly id: string
  readonly version: string
  readonly buildNumber: string
  readonly platform: Platform | 'UNKNOWN' | null
  readonly state: BuildUploadState | null
  readonly errors: readonly StateDetail[]
  readonly warnings: readonly StateDetail[]
  /** Set once Apple has turned the upload into a build. */
  readonly buildId: string | null
  /** The build itself when the answer included it (getBuildUpload asks for it): its processing state saves a look. */
  readonly build?: Build | null
  readonly createdDate: string | null
}

export interface UploadOperation {
  readonly method: string
  readonly url: string
  readonly offset: number
  readonly length: number
  readonly partNumber: number | null
  readonly requestHeaders: readonly { readonly name: string; readonly value: string }[]
  readonly expiration: string | null
}

const CHECKSUM_ALGORITHMS = ['MD5', 'SHA_256'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]
export type UploadUti =
  | 'com.apple.ipa'
  | 'com.apple.pkg'
  | 'com.pkware.zip-archive'
  | 'com.apple.xml-property-list'
  | 'com.apple.binary-property-list'
export type AssetType = 'ASSET' | 'ASSET_DESCRIPTION' | 'ASSET_SPI'

export interface BuildUploadFile {
  readonly id: string
  readonly fileName: string
  readonly fileSize: number | null
  readonly assetType: string | null
  readonly deliveryState: AssetDeliveryState | null
  readonly errors: readonly StateDetail[]
  /** Presigned part URLs: send without the API token. Empty once the file is committed. */
  readonly uploadOperations: readonly UploadOperation[]
  /**
   * The algorithm Apple names in `sourceFileChecksums.file.algorithm` (Checksums schema: MD5 or SHA_256), which the
   * commit's whole-file checksum must use; null when it names none or one this client does not know.
   */
  readonly checksumAlgorithm: ChecksumAlgorithm | null
}

const Detail = z.object({ code: optString, description: optString })
export const StateDetails = z
  .array(Detail)
  .nullish()
  .transform((v) => v ?? [])

const BuildUploadResource = resource(
  'buildUploads',
  {
    cfBundleShortVersionString: z.string(),
    cfBundleVersion: z.string(),
    platform: PlatformSchema,
    createdDate: optString,
    state: z
      .object({ state: BuildUploadStateSchema, errors: StateDetails, warnings: StateDetails })
      .nullish()
      .transform((v) => v ?? { state: null, errors: [], warnings: [] }),
  },
  { build: ToOne },
)

export const UploadOperationSchema = z.object({
  method: z
    .string()
    .nullish()
    .transform((v) => v || 'PUT'), // the asc CLI defaults an empty method to PUT as well
  url: z.string(),
  offset: z.number(),
  length: z.number(),
  partNumber: optNumber,
  expiration: optString,
  requestHeaders: z
    .array(z.object({ name: z.string(), value: z.string() }))
    .nullish()
    .transform((v) => v ?? []),
})

const BuildUploadFileResource = resource(
  'buildUploadFiles',
  {
    fileName: z.string(),
    fileSize: optNumber,
    assetType: optString,
    assetDeliveryState: z
      .object({ state: AssetDeliveryStateSchema, errors: StateDetails })
      .nullish()
      .transform((v) => v ?? { state: null, errors: [] }),
    uploadOperations: z
      .array(UploadOperationSchema)
      .nullish()
      .transform((v) => v ?? []),
    sourceFileChecksums: z
      .object({ file: z.object({ algorithm: optString }).nullish() })
      .nullish()
      .transform((v) => {
        const named = v?.file?.algorithm
        return CHECKSUM_ALGORITHMS.find((a) => a === named) ?? null
      }),
  },
  {},
)

function toUpload(r: z.infer<typeof BuildUploadResource>, included?: readonly IncludedItem[]): BuildUpload {
  const a = r.attributes
  const build = included && findIncluded(included, r.relationships.build?.data, BuildResource)
  return {
    ...(included ? { build: build ? toBuild(build, included) : null } : {}),
    id: r.id,
    version: a.cfBundleShortVersionString,
    buildNumber: a.cfBundleVersion,
    platform: a.platform,
    state: a.state.state,
    errors: a.state.errors,
    warnings: a.state.warnings,
    buildId: r.relationships.build?.data?.id ?? null,
    createdDate: a.createdDate,
  }
}

function toFile(r: z.infer<typeof BuildUploadFileResource>): BuildUploadFile {
  const a = r.attributes
  return {
    id: r.id,
    fileName: a.fileName,
    fileSize: a.fileSize,
    assetType: a.assetType,
    deliveryState: a.assetDeliveryState.state,
    errors: a.assetDeliveryState.errors,
    uploadOperations: a.uploadOperations,
    checksumAlgorithm: a.sourceFileChecksums,
  }
}

const SingleUpload = singleDocument(BuildUploadResource).transform((d) => toUpload(d.data, d.included))
const SingleFile = singleDocument(BuildUploadFileResource).transform((d) => toFile(d.data))

export async function findBuildUploads(
  client: AscClient,
  input: {
    readonly appId: string
    readonly version?: string
    readonly buildNumber?: string
    readonly platform?: Platform
    readonly states?: readonly BuildUploadState[]
    readonly signal?: AbortSignal
  },
): Promise<readonly BuildUpload[]> {
  const page = await client.getAll(`/v1/apps/${encodeURIComponent(input.appId)}/buildUploads`, {
    query: {
      'filter[cfBundleShortVersionString]': input.version,
      'filter[cfBundleVersion]': input.buildNumber,
      'filter[platform]': input.platform,
      'filter[state]': input.states,
      sort: '-uploadedDate',
    },
    item: BuildUploadResource,
    signal: input.signal,
  })
  return page.data.map((r) => toUpload(r))
}

/** Starts an upload. After an ambiguous failure an upload of the same version/build/platform still awaiting bytes is reused. */
export async function createBuildUpload(
  client: AscClient,
  input: {
    readonly appId: string
    readonly version: string
    readonly buildNumber: string
    readonly platform: Platform
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BuildUpload> {
  return client.mutate({
    method: 'POST',
    path: '/v1/buildUploads',
    body: {
      data: {
        type: 'buildUploads',
        attributes: {
          cfBundleShortVersionString: input.version,
          cfBundleVersion: input.buildNumber,
          platform: input.platform,
        },
        relationships: { app: linkTo('apps', input.appId) },
      },
    },
    schema: SingleUpload,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const [found] = await findBuildUploads(client, { ...input, states: ['AWAITING_UPLOAD'], signal })
      return found ? applied(found) : notApplied
    },
  })
}

/** The upload's state and, once processed, its build: `include=build` makes this one call per poll. */
export async function getBuildUpload(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BuildUpload> {
  return client.request('GET', `/v1/buildUploads/${encodeURIComponent(id)}`, {
    query: { include: ['build'] },
    schema: SingleUpload,
    signal: options.signal,
  })
}

/** Abandons an upload (DELETE, 204). */
export async function deleteBuildUpload(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'DELETE',
    path: `/v1/buildUploads/${encodeURIComponent(id)}`,
    schema: z.undefined(),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      try {
        await getBuildUpload(client, id, { signal })
        return notApplied
      } catch (error) {
        if (isAscApiError(error, 404)) return applied(undefined)
        throw error
      }
    },
  })
}

export async function listBuildUploadFiles(
  client: AscClient,
  uploadId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly BuildUploadFile[]> {
  const page = await client.getAll(`/v1/buildUploads/${encodeURIComponent(uploadId)}/buildUploadFiles`, {
    item: BuildUploadFileResource,
    signal: options.signal,
  })
  return page.data.map(toFile)
}

/** Reserves a file of an upload; the answer carries the presigned `uploadOperations` (parts). */
export async function reserveBuildUploadFile(
  client: AscClient,
  input: {
    readonly uploadId: string
    readonly fileName: string
    readonly fileSize: number
    readonly uti: UploadUti
    readonly assetType?: AssetType
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BuildUploadFile> {
  const assetType = input.assetType ?? 'ASSET'
  const reserved = async (signal: AbortSignal | undefined): Promise<BuildUploadFile | null> =>
    (await listBuildUploadFiles(client, input.uploadId, { signal })).find(
      (f) => f.fileName === input.fileName && (f.assetType === null || f.assetType === assetType),
    ) ?? null
  try {
    return await client.mutate({
      method: 'POST',
      path: '/v1/buildUploadFiles',
      body: {
        data: {
          type: 'buildUploadFiles',
          attributes: { fileName: input.fileName, fileSize: input.fileSize, uti: input.uti, assetType },
          relationships: { buildUpload: linkTo('buildUploads', input.uploadId) },
        },
      },
      schema: SingleFile,
      signal: options.signal,
      alreadyApplied: async (signal) => {
        const found = await reserved(signal)
        return found ? applied(found) : notApplied
      },
    })
  } catch (error) {
    // A reservation Apple made whose answer was never recorded (the process was killed right after it): the upload
    // takes one file of the kind and refuses a second (409). That file is this one: read it, with fresh operations.
    if (!isAscApiError(error, 409)) throw error
    const found = await reserved(options.signal)
    if (!found) throw error
    return getBuildUploadFile(client, found.id, options)
  }
}

/** A file with its current upload operations (to resume after a restart: expired URLs come back fresh). */
export async function getBuildUploadFile(
  client: AscClient,
  id: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<BuildUploadFile> {
  return client.request('GET', `/v1/buildUploadFiles/${encodeURIComponent(id)}`, {
    schema: SingleFile,
    signal: options.signal,
  })
}

/**
 * Commits a file after every part was sent. `checksum` is the lowercase hex digest of the WHOLE file
 * (Apple verifies it); the composite checksum is undocumented and left out.
 */
export async function commitBuildUploadFile(
  client: AscClient,
  input: {
    readonly id: string
    readonly checksum?: { readonly hash: string; readonly algorithm: ChecksumAlgorithm }
  },
  options: { readonly signal?: AbortSignal } = {},
): Promise<BuildUploadFile> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/buildUploadFiles/${encodeURIComponent(input.id)}`,
    body: {
      data: {
        type: 'buildUploadFiles',
        id: input.id,
        attributes: {
          uploaded: true,
          ...(input.checksum
            ? {
                sourceFileChecksums: {
                  file: { hash: input.checksum.hash, algorithm: input.checksum.algorithm },
                },
              }
            : {}),
        },
      },
    },
    schema: SingleFile,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const file = await getBuildUploadFile(client, input.id, { signal })
      return file.deliveryState !== null && file.deliveryState !== 'AWAITING_UPLOAD'
        ? applied(file)
        : notApplied
    },
  })
}

export interface WaitOptions {
  readonly signal?: AbortSignal
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly now: () => number
  /** The longest wait between two looks; default 120 s (processing a big build takes minutes). */
  readonly intervalMs?: number
  /** Default 30 minutes. */
  readonly timeoutMs?: number
  /**
   * When this run sent its commit (`now()` then). Apple starts on the file when the commit arrives, not when its
   * answer gets back, so the looks are timed from the sending: the first comes the shortest wait after it (with
   * answers that take a second, not two seconds later), and none at once (Apple is never done at that instant: a
   * look fewer, 10 minutes of processing cost 12 looks at the upload and the build, not 13). Absent: look at
   * once (a resumed run: the upload may have finished while it was away).
   */
  readonly committedAt?: number
  readonly onState?: (upload: BuildUpload) => void
}

/**
 * Polls an upload until Apple has made a build of it (returns the upload with `buildId`), or it
 * COMPLETEs. FAILED throws with Apple's codes and descriptions (ITMS-90189 and the like).
 */
export async function waitForBuildUpload(
  client: AscClient,
  id: string,
  options: WaitOptions,
): Promise<BuildUpload> {
  const interval = options.intervalMs ?? 120_000
  const start = options.committedAt ?? options.now()
  const deadline = start + (options.timeoutMs ?? 30 * 60_000)
  // Small uploads are often COMPLETE within a second of the commit: each wait is the time waited so far plus
  // 1 s (at most the interval), looks at 1, 3, 7, 15… s, so a quick answer is seen at once and a long one
  // costs few looks.
  const shortest = Math.min(1_000, interval)
  if (options.committedAt !== undefined)
    await options.sleep(Math.max(0, start + shortest - options.now()), options.signal)
  for (;;) {
    const upload = await getBuildUpload(client, id, { signal: options.signal })
    options.onState?.(upload)
    if (upload.state === 'FAILED') {
      const reasons = upload.errors.map((e) => [e.code, e.description].filter(Boolean).join(': ')).join('; ')
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect rejected the upload of ${upload.version} (${upload.buildNumber}): ${reasons || 'no reason given'}`,
      )
    }
    if (upload.buildId !== null || upload.state === 'COMPLETE') return upload
    const wait = Math.min(options.now() - start + shortest, interval)
    if (options.now() + wait > deadline) {
      throw new AscentError(
        'ASC_ERROR',
        `App Store Connect is still processing the upload of ${upload.version} (${upload.buildNumber}) after ${Math.round((options.timeoutMs ?? 30 * 60_000) / 60_000)} minutes; run again later to continue.`,
      )
    }
    await options.sleep(wait, options.signal)
  }
}
