import { AscentError } from '../../shared/errors'
import { APPLE_API_URL } from '../asc/client'
import { altoolAvailable, createAltoolUploader, type AltoolUploaderOptions } from './altool-uploader'
import { createApiUploader, type ApiUploaderOptions } from './api-uploader'
import type { Uploader, UploadMethod } from './types'

export interface CreateUploaderOptions {
  readonly method: UploadMethod
  /** Needed for 'api', and for 'auto' where altool is missing. */
  readonly api?: ApiUploaderOptions
  /** Needed for 'altool', and for 'auto' where altool exists. */
  readonly altool?: AltoolUploaderOptions
  /** How 'auto' asks whether `xcrun altool --version` works; injectable for tests. */
  readonly probeAltool?: () => Promise<boolean>
  /**
   * The App Store Connect the run talks to (default Apple's). altool always uploads to Apple and cannot be
   * pointed elsewhere, so against another one (the sandbox) 'auto' means the API.
   */
  readonly apiUrl?: string
}

/**
 * auto = altool where Apple's tool runs (a Mac with Xcode) and there is a key to hand it, the Build Upload
 * API everywhere else.
 */
export async function createUploader(options: CreateUploaderOptions): Promise<Uploader> {
  const method = await resolveUploadMethod(options)
  if (method === 'altool') {
    if (!options.altool) throw new AscentError('BAD_INPUT', 'the altool upload needs API key credentials')
    return createAltoolUploader(options.altool)
  }
  if (!options.api)
    throw new AscentError('BAD_INPUT', 'the Build Upload API upload needs an App Store Connect client')
  return createApiUploader(options.api)
}

/** What `method` means here: 'auto' resolved the way createUploader resolves it (the plan shows the same). */
export async function resolveUploadMethod(
  options: Pick<CreateUploaderOptions, 'method' | 'altool' | 'probeAltool' | 'apiUrl'>,
): Promise<'api' | 'altool'> {
  if (options.method !== 'auto') return options.method
  if (!options.altool || !sameOrigin(options.apiUrl ?? APPLE_API_URL, APPLE_API_URL)) return 'api'
  const probe =
    options.probeAltool ??
    (() =>
      altoolAvailable({
        xcrun: options.altool?.xcrun,
        env: options.altool?.env,
        spawn: options.altool?.spawn,
      }))
  return (await probe()) ? 'altool' : 'api'
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}
