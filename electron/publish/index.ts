// The pipeline's public surface: the app's services, the CLI and the soak import from here.
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
