import { AscentError } from '../../../shared/errors'
import type { AscentServices, CallHandlers, ConfigService } from '../types'

export const CONFIG_CALLS = ['chooseConfigFile', 'importConfig', 'exportConfig'] as const
export type ConfigCall = (typeof CONFIG_CALLS)[number]

function configOf(services: AscentServices): ConfigService {
  if (!services.config)
    throw new AscentError(
      'INTERNAL',
      'codemagic.yaml import and export are not available yet in this build of Ascent.',
    )
  return services.config
}

export function configCalls(services: AscentServices): Pick<CallHandlers, ConfigCall> {
  return {
    async chooseConfigFile(ctx) {
      const path = ctx.pickFile ? await ctx.pickFile('config') : null
      return path === null ? null : services.files.register(path)
    },
    async importConfig(_ctx, file, workflow) {
      const imported = await configOf(services).importConfig(services.files.resolve(file), workflow)
      return { ...imported, file }
    },
    async exportConfig(_ctx, { file, workflow, settings }) {
      const path = file === null ? null : services.files.resolve(file)
      const exported = await configOf(services).exportConfig(path, workflow, settings)
      // Say where it went the way the window knows the file (a bridge upload's temp path stays private).
      return {
        text: exported.text,
        writtenTo: exported.writtenTo === null || file === null ? null : file.path,
      }
    },
  }
}
