import {
  createAscBuildUploadApi,
  createUploader,
  resolveUploadMethod,
  type AltoolUploaderOptions,
  type ApiUploaderOptions,
} from '../upload'
import type { BuildUpload } from '../asc/build-uploads'
import type { Build } from '../asc/builds'
import type { AscClient } from '../asc/client'
import type { RunCredentials, UploaderFactory } from './types'

export interface DefaultUploaderOptions {
  /** Tuning for the Build Upload API uploader (tests shorten its polls). */
  readonly api?: Omit<ApiUploaderOptions, 'api' | 'resumeDir'>
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
  const altoolFor = (credentials: RunCredentials) =>
    credentials.signingKey ? { altool: { ...options.altool, credentials: credentials.signingKey } } : {}
  const probe = options.probeAltool ? { probeAltool: options.probeAltool } : {}
  const factory: UploaderFactory = (request) => {
    return createUploader({
      method: request.method,
      apiUrl: request.credentials.apiUrl,
      api: {
        ...options.api,
        api: createAscBuildUploadApi(
          request.onBuild
            ? reportingBuilds(request.connection.client, request.onBuild)
            : request.connection.client,
        ),
        resumeDir: request.resumeDir,
      },
      ...altoolFor(request.credentials),
      ...probe,
    })
  }
  factory.methodFor = (method, credentials) =>
    resolveUploadMethod({ method, apiUrl: credentials.apiUrl, ...altoolFor(credentials), ...probe })
  return factory
}

/**
 * The client the Build Upload API uploader sends through, reporting the build each read of an upload includes
 * (`GET /v1/buildUploads/{id}?include=build`): the uploader's last look has the build's processing state, which
 * the processing wait then need not ask for again.
 */
function reportingBuilds(client: AscClient, onBuild: (build: Build) => void): AscClient {
  const request = async (...[method, path, options]: Parameters<AscClient['request']>): Promise<unknown> => {
    const answer = await client.request(method, path, options)
    if (method === 'GET' && /^\/v1\/buildUploads\/[^/]+$/.test(path)) {
      const build = (answer as Partial<BuildUpload> | null)?.build
      if (build) onBuild(build)
    }
    return answer
  }
  return {
    baseUrl: client.baseUrl,
    request: request as AscClient['request'],
    getAll: (path, getAllOptions) => client.getAll(path, getAllOptions),
    mutate: (mutateOptions) => client.mutate(mutateOptions),
  }
}
