import { exportCodemagicYaml } from '../../shared/codemagic-yaml'
import { readReleaseConfig, writeReleaseConfig } from '../config/codemagic-file'
import type { ConfigService } from './types'

/** codemagic.yaml import/export for the window, over the same functions `ascent config` uses. */
export function createConfigService(): ConfigService {
  return {
    async importConfig(path, workflow) {
      const imported = await readReleaseConfig(path, { workflow })
      return {
        workflows: [...imported.workflows],
        workflow: imported.workflow,
        settings: imported.settings,
        issues: imported.issues.map((i) => ({ path: i.path, message: i.message })),
      }
    },
    async exportConfig(path, workflow, settings) {
      if (path === null) return { text: exportCodemagicYaml(null, settings, { workflow }), writtenTo: null }
      return { text: await writeReleaseConfig(path, settings, { workflow }), writtenTo: path }
    },
  }
}
