import type { PublishPlan, PublishRequest } from '../../../shared/ipc'
import type { PublishJob } from '../../publish/types'
import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type PublishCall =
  | 'planPublish'
  | 'startPublish'
  | 'cancelPublish'
  | 'resumePublish'
  | 'listRuns'
  | 'getRun'
  | 'getLiveRun'
  | 'getRunLog'
  | 'revealRunLog'

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
      const plan = await services.publisher.plan(jobFor(services, request))
      const sandbox = (await services.connection.info()).mode === 'sandbox'
      // As in inspectBuild: the window sees the path it chose, not where a bridge upload was stored.
      const shown = { ...plan, build: { ...plan.build, file: request.file.path } }
      return sandbox ? inSandboxWords(shown) : shown
    },
    async startPublish(_ctx, request) {
      const { runId } = await services.publisher.start(jobFor(services, request))
      return { runId }
    },
    async cancelPublish(_ctx, runId) {
      await services.publisher.cancel(runId)
      return { ok: true }
    },
    async resumePublish(_ctx, runId) {
      const { runId: resumed } = await services.publisher.resume(runId)
      return { runId: resumed }
    },
    listRuns: async () => [...(await services.publisher.listRuns())],
    getRun: async (_ctx, runId) => services.publisher.getRun(runId),
    getLiveRun: async () => services.runLogs.live(),
    getRunLog: async (_ctx, runId) => services.runLogs.read(runId),
    async revealRunLog(ctx, runId) {
      const { path } = await services.runLogs.read(runId)
      if (!ctx.revealFile) return { path, revealed: false }
      ctx.revealFile(path)
      return { path, revealed: true }
    },
  }
}

/** In the sandbox a missing app is one click away (Add this app to the sandbox), not an App Store Connect chore. */
function inSandboxWords(plan: PublishPlan): PublishPlan {
  const reword = new Map<string, string>()
  for (const p of plan.problems) {
    if (p.code !== 'APP_NOT_FOUND') continue
    const bundleId = /bundle id (\S+)/.exec(p.message)?.[1] ?? 'this bundle id'
    reword.set(
      p.message,
      `the sandbox has no app with bundle id ${bundleId}: add it with "Add this app to the sandbox"`,
    )
  }
  if (reword.size === 0) return plan
  const say = (text: string): string => reword.get(text) ?? text
  return {
    ...plan,
    problems: plan.problems.map((p) => ({ ...p, message: say(p.message) })),
    steps: plan.steps.map((s) => ({ ...s, actions: s.actions.map(say) })),
  }
}
