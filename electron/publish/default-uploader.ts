import {
  createAscBuildUploadApi,
  createUploader,
  type AltoolCredentials,
  type ApiUploaderOptions,
} from '../upload'
import type { UploaderFactory } from './types'

export interface DefaultUploaderOptions {
  /** For altool (macOS); without it `auto` always uses the Build Upload API. */
  readonly altool?: (keyId: string) => AltoolCredentials | null
  /** Tuning for the Build Upload API uploader (tests shorten its polls). */
  readonly api?: Omit<ApiUploaderOptions, 'api' | 'journalDir'>
}

/** The uploader the app and the CLI use: the Build Upload API through the run's client, resumable from the run folder. */
export function defaultUploaderFactory(options: DefaultUploaderOptions = {}): UploaderFactory {
  return (request) => {
    const altool = options.altool?.(request.credentials.tokens.keyId) ?? null
    return createUploader({
      method: request.method,
      api: {
        ...options.api,
        api: createAscBuildUploadApi(request.connection.client),
        journalDir: request.journalDir,
      },
      ...(altool ? { altool: { credentials: altool } } : {}),
    })
  }
}
