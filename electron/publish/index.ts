// The pipeline's public surface: the app's services, the CLI and the soak import from here.
import type { PublishEvent } from '../../shared/publish-events'
import { inspectBuild } from '../ipa'
import { defaultUploaderFactory } from './default-uploader'
import { createPublisher } from './publisher'
import type { Publisher, RunCredentials } from './types'

export { createPublisher, isFinished, requiredSubsteps, runKeyOf } from './publisher'
export { defaultUploaderFactory, type DefaultUploaderOptions } from './default-uploader'
export { createAscGateway, type AscGateway, type AscConnection } from './asc-gateway'
export { createPublishConnection, type PublishConnection } from './connection'
export type {
  Publisher,
  PublisherDeps,
  PublishJob,
  RunCredentials,
  UploaderFactory,
  UploaderRequest,
  PollIntervals,
} from './types'

/**
 * The publisher as the app composes it (electron/services): the active connection's URL and key, the
 * Build Upload API uploader, real inspection, and every event handed to `emit` (the event hub).
 */
export function createAppPublisher(deps: {
  readonly dataDir: string
  readonly connection: () => Promise<RunCredentials>
  readonly emit: (event: PublishEvent) => void
  readonly fetch?: typeof fetch
}): Publisher {
  const publisher = createPublisher({
    dataDir: deps.dataDir,
    credentials: async () => {
      const active = await deps.connection()
      return { apiUrl: active.apiUrl, tokens: active.tokens }
    },
    uploaderFactory: defaultUploaderFactory(),
    inspect: (path) => inspectBuild(path),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  })
  publisher.onEvent(deps.emit)
  return publisher
}
