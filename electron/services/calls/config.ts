import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type ConfigCall = 'chooseConfigFile' | 'importConfig' | 'exportConfig' | 'recallRelease' | 'rememberRelease'

export function configCalls(services: AscentServices): Pick<CallHandlers, ConfigCall> {
  return {
    async chooseConfigFile(ctx) {
      const path = ctx.pickFile ? await ctx.pickFile('config') : null
      return path === null ? null : services.files.register(path)
    },
    async importConfig(_ctx, file, workflow) {
      const imported = await services.config.importConfig(services.files.resolve(file), workflow)
      return { ...imported, file }
    },
    recallRelease: (_ctx, bundleId, platform) => services.config.recallRelease(bundleId, platform),
    async rememberRelease(_ctx, bundleId, platform, { settings, timeZone }) {
      await services.config.rememberRelease(bundleId, platform, {
        settings,
        timeZone,
        savedAt: new Date().toISOString(),
      })
      return { ok: true }
    },
    async exportConfig(_ctx, { file, workflow, settings }) {
      const path = file === null ? null : services.files.resolve(file)
      const exported = await services.config.exportConfig(path, workflow, settings)
      // Say where it went the way the window knows the file (a bridge upload's temp path stays private).
      return {
        text: exported.text,
        writtenTo: exported.writtenTo === null || file === null ? null : file.path,
      }
    },
  }
}
