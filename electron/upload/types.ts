import type { Platform } from '../../shared/build-summary'

/** What an uploader needs to know about a build (a subset of BuildSummary plus the app record id). */
export interface UploadBuild {
  readonly file: string
  readonly kind: 'ipa' | 'pkg'
  readonly bundleId: string
  readonly version: string
  readonly buildNumber: string
  readonly platform: Platform
  /** App Store Connect app id; the API method needs it, altool passes it as --apple-id when known. */
  readonly appId?: string
  readonly sizeBytes: number
}

export interface UploadProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  /** Smoothed over the last few seconds; 0 until there is a measurement. */
  readonly bytesPerSecond: number
  /** null while the rate is unknown. */
  readonly etaSeconds: number | null
  /** What the uploader is doing now: sending bytes, committing, waiting for Apple to accept the file. */
  readonly phase: 'preparing' | 'sending' | 'committing' | 'verifying'
}

export interface UploadOptions {
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: UploadProgress) => void
  /**
   * An earlier attempt may have started this upload and died before it could write down what App Store Connect
   * answered: look for its upload before starting another.
   */
  readonly resumed?: boolean
}

export type UploadResult =
  | { readonly method: 'api'; readonly buildUploadId: string; readonly buildId?: string | null }
  | { readonly method: 'altool'; readonly deliveryId: string }

export interface Uploader {
  readonly method: 'api' | 'altool'
  upload(build: UploadBuild, options?: UploadOptions): Promise<UploadResult>
}

export type UploadMethod = 'auto' | 'api' | 'altool'
