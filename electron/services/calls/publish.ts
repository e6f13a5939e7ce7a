import { AscentError } from '../../../shared/errors'
import type { PublishRequest } from '../../../shared/ipc'
import type { AscentServices, CallHandlers, PublisherService, PublishJob } from '../types'

export const PUBLISH_CALLS = [
  'planPublish',
  'startPublish',
  'cancelPublish',
  'resumePublish',
  'listRuns',
  'getRun',
] as const
export type PublishCall = (typeof PUBLISH_CALLS)[number]

function publisherOf(services: AscentServices): PublisherService {
  if (!services.publisher)
    throw new AscentError('INTERNAL', 'publishing is not available yet in this build of Ascent.')
  return services.publisher
}

function jobFor(services: AscentServices, request: PublishRequest): PublishJob {
  return {
    file: request.file,
    filePath: services.files.resolve(request.file),
    settings: request.settings,
    options: request.options,
  }
}

export function publishCalls(services: AscentServices): Pick<CallHandlers, PublishCall> {
  return {
    async planPublish(_ctx, request) {
      const plan = await publisherOf(services).plan(jobFor(services, request))
      // As in inspectBuild: the window sees the path it chose, not where a bridge upload was stored.
      return { ...plan, build: { ...plan.build, file: request.file.path } }
    },
    async startPublish(_ctx, request) {
      const { runId } = await publisherOf(services).start(jobFor(services, request))
      return { runId }
    },
    async cancelPublish(_ctx, runId) {
      await publisherOf(services).cancel(runId)
      return { ok: true }
    },
    async resumePublish(_ctx, runId) {
      const { runId: resumed } = await publisherOf(services).resume(runId)
      return { runId: resumed }
    },
    listRuns: async () => [...(await publisherOf(services).listRuns())],
    getRun: async (_ctx, runId) => publisherOf(services).getRun(runId),
  }
}
