import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type BuildsCall = 'chooseBuild' | 'inspectBuild'

export function buildsCalls(services: AscentServices): Pick<CallHandlers, BuildsCall> {
  return {
    async chooseBuild(ctx) {
      const path = ctx.pickFile ? await ctx.pickFile('build') : null
      return path === null ? null : services.files.register(path)
    },
    async inspectBuild(_ctx, file) {
      const summary = await services.builds.inspect(services.files.resolve(file))
      // The window sees the path it chose (for a bridge upload: the name), never a temp path.
      return { ...summary, file: file.path }
    },
  }
}
