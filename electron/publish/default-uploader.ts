import {
  createAscBuildUploadApi,
  createUploader,
  type AltoolUploaderOptions,
  type ApiUploaderOptions,
} from '../upload'
import type { UploaderFactory } from './types'

export interface DefaultUploaderOptions {
  /** Tuning for the Build Upload API uploader (tests shorten its polls). */
  readonly api?: Omit<ApiUploaderOptions, 'api' | 'journalDir'>
  /** Tuning for altool (xcrun path, environment, watchdog); the key comes from the run's credentials. */
  readonly altool?: Omit<AltoolUploaderOptions, 'credentials'>
  /** How `auto` asks whether `xcrun altool --version` works; default: run it. */
  readonly probeAltool?: () => Promise<boolean>
}

/**
 * The uploader the app and the CLI use: `auto` is altool where `xcrun altool` runs, the run talks to Apple and
 * the credentials carry a key for it; otherwise the Build Upload API through the run's client, resumable
 * from the run folder.
 */
export function defaultUploaderFactory(options: DefaultUploaderOptions = {}): UploaderFactory {
  return (request) => {
    const key = request.credentials.signingKey
    return createUploader({
      method: request.method,
      apiUrl: request.credentials.apiUrl,
      api: {
        ...options.api,
        api: createAscBuildUploadApi(request.connection.client),
        journalDir: request.journalDir,
      },
      ...(key ? { altool: { ...options.altool, credentials: key } } : {}),
      ...(options.probeAltool ? { probeAltool: options.probeAltool } : {}),
    })
  }
}
