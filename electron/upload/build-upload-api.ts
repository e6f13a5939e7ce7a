import { z } from 'zod'
import type { Platform } from '../../shared/build-summary'
import type { ChecksumAlgorithm, FileChecksum } from './checksum'

/**
 * The narrow slice of App Store Connect the API uploader needs (app-store-connect-api.md §3). It is an interface
 * so the uploader does not care whether it is backed by Ascent's ASC client or a plain fetch.
 */
export interface BuildUploadApi {
  createBuildUpload(
    input: {
      readonly appId: string
      readonly version: string
      readonly buildNumber: string
      readonly platform: Platform
    },
    signal?: AbortSignal,
  ): Promise<BuildUploadRecord>
  readBuildUpload(id: string, signal?: AbortSignal): Promise<BuildUploadRecord | null>
  createBuildUploadFile(
    input: {
      readonly buildUploadId: string
      readonly fileName: string
      readonly fileSize: number
      readonly uti: 'com.apple.ipa' | 'com.apple.pkg'
      readonly assetType: 'ASSET'
    },
    signal?: AbortSignal,
  ): Promise<BuildUploadFileRecord>
  readBuildUploadFile(id: string, signal?: AbortSignal): Promise<BuildUploadFileRecord | null>
  commitBuildUploadFile(
    id: string,
    input: { readonly checksum: FileChecksum | null },
    signal?: AbortSignal,
  ): Promise<BuildUploadFileRecord>
}

export interface StateDetail {
  readonly code: string
  readonly description: string
}

export interface BuildUploadRecord {
  readonly id: string
  /** AWAITING_UPLOAD | PROCESSING | FAILED | COMPLETE (kept as a string: Apple adds values). */
  readonly state: string
  readonly errors: readonly StateDetail[]
  readonly buildId: string | null
}

export interface UploadOperation {
  readonly method: string
  readonly url: string
  readonly offset: number
  readonly length: number
  readonly partNumber: number | null
  /** ISO 8601; null when Apple gives none. */
  readonly expiration: string | null
  readonly requestHeaders: readonly { readonly name: string; readonly value: string }[]
}

export interface BuildUploadFileRecord {
  readonly id: string
  readonly uploadOperations: readonly UploadOperation[]
  /** The algorithm Apple names in sourceFileChecksums, when it names one. */
  readonly checksumAlgorithm: ChecksumAlgorithm | null
  readonly deliveryState: string | null
  readonly errors: readonly StateDetail[]
}

// Apple's responses as zod schemas: only what is read here, unknown keys tolerated, nullables as Apple sends them.
const StateDetailSchema = z.object({
  code: z.union([z.string(), z.number()]).nullish(),
  description: z.string().nullish(),
})

export const BuildUploadResponse = z.object({
  data: z.object({
    id: z.string(),
    type: z.literal('buildUploads'),
    attributes: z
      .object({
        state: z
          .object({
            state: z.string().nullish(),
            errors: z.array(StateDetailSchema).nullish(),
          })
          .nullish(),
      })
      .nullish(),
    relationships: z
      .object({ build: z.object({ data: z.object({ id: z.string() }).nullish() }).nullish() })
      .nullish(),
  }),
})

const ChecksumSchema = z.object({ hash: z.string().nullish(), algorithm: z.string().nullish() }).nullish()

export const BuildUploadFileResponse = z.object({
  data: z.object({
    id: z.string(),
    type: z.literal('buildUploadFiles'),
    attributes: z
      .object({
        assetDeliveryState: z
          .object({ state: z.string().nullish(), errors: z.array(StateDetailSchema).nullish() })
          .nullish(),
        sourceFileChecksums: z.object({ file: ChecksumSchema, composite: ChecksumSchema }).nullish(),
        uploadOperations: z
          .array(
            z.object({
              method: z.string().nullish(),
              url: z.string(),
              length: z.number().int().positive(),
              offset: z.number().int().nonnegative(),
              partNumber: z.number().int().nullish(),
              expiration: z.string().nullish(),
              requestHeaders: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
            }),
          )
          .nullish(),
      })
      .nullish(),
  }),
})

function toDetails(errors: readonly z.infer<typeof StateDetailSchema>[] | null | undefined): StateDetail[] {
  return (errors ?? []).map((e) => ({
    code: e.code == null ? '' : String(e.code),
    description: e.description ?? '',
  }))
}

export function toBuildUploadRecord(body: z.infer<typeof BuildUploadResponse>): BuildUploadRecord {
  const state = body.data.attributes?.state
  return {
    id: body.data.id,
    state: state?.state ?? 'AWAITING_UPLOAD',
    errors: toDetails(state?.errors),
    buildId: body.data.relationships?.build?.data?.id ?? null,
  }
}

export function toBuildUploadFileRecord(
  body: z.infer<typeof BuildUploadFileResponse>,
): BuildUploadFileRecord {
  const attributes = body.data.attributes
  const algorithm = attributes?.sourceFileChecksums?.file?.algorithm
  return {
    id: body.data.id,
    uploadOperations: (attributes?.uploadOperations ?? []).map((op) => ({
      // ASC (asc CLI upload.go) sends PUT when Apple leaves the method empty.
      method: op.method && op.method.length > 0 ? op.method.toUpperCase() : 'PUT',
      url: op.url,
      offset: op.offset,
      length: op.length,
      partNumber: op.partNumber ?? null,
      expiration: op.expiration ?? null,
      requestHeaders: op.requestHeaders ?? [],
    })),
    checksumAlgorithm: algorithm === 'SHA_256' || algorithm === 'MD5' ? algorithm : null,
    deliveryState: attributes?.assetDeliveryState?.state ?? null,
    errors: toDetails(attributes?.assetDeliveryState?.errors),
  }
}
