import type { Platform } from '../../shared/build-summary'
import type { UploadOperation } from '../asc/build-uploads'
import type { ChecksumAlgorithm, FileChecksum } from './checksum'

export type { UploadOperation } from '../asc/build-uploads'

/**
 * The narrow slice of App Store Connect the API uploader needs. It is an interface
 * so tests can bend one call (an MD5 algorithm, a proxy in front of the part URLs); createAscBuildUploadApi backs
 * it with the client's build-upload resources, where the request and response shapes live.
 */
/** Which build an upload is for: the app, and the version, build number and platform of the build. */
interface UploadTarget {
  readonly appId: string
  readonly version: string
  readonly buildNumber: string
  readonly platform: Platform
}

export interface BuildUploadApi {
  createBuildUpload(input: UploadTarget, signal?: AbortSignal): Promise<BuildUploadRecord>
  /** null when App Store Connect no longer knows the upload (404). */
  readBuildUpload(id: string, signal?: AbortSignal): Promise<BuildUploadRecord | null>
  /** The newest upload of this version, build and platform still awaiting its bytes, with its files; or null. */
  findAwaitingUpload(input: UploadTarget, signal?: AbortSignal): Promise<AwaitingUpload | null>
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
  /** null when App Store Connect no longer knows the file (404). */
  readBuildUploadFile(id: string, signal?: AbortSignal): Promise<BuildUploadFileRecord | null>
  commitBuildUploadFile(
    id: string,
    input: { readonly checksum: FileChecksum | null },
    signal?: AbortSignal,
  ): Promise<BuildUploadFileRecord>
  /** Polls until COMPLETE (or a build exists); FAILED throws ASC_ERROR with Apple's codes verbatim. */
  waitForBuildUpload(
    id: string,
    options: {
      readonly signal?: AbortSignal
      readonly intervalMs: number
      readonly timeoutMs: number
      readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
      readonly now: () => number
      /** When this run sent its commit: the looks are timed from then. Absent: look at once. */
      readonly committedAt?: number
    },
  ): Promise<BuildUploadRecord>
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

interface AwaitingUpload {
  readonly upload: BuildUploadRecord
  readonly files: readonly {
    readonly id: string
    readonly fileName: string
    readonly fileSize: number | null
    readonly deliveryState: string | null
  }[]
}

export interface BuildUploadFileRecord {
  readonly id: string
  readonly uploadOperations: readonly UploadOperation[]
  /** The algorithm Apple names in sourceFileChecksums, when it names one. */
  readonly checksumAlgorithm: ChecksumAlgorithm | null
  readonly deliveryState: string | null
  readonly errors: readonly StateDetail[]
}
