import { exportCodemagicYaml } from '../../shared/codemagic-yaml'
import { readReleaseConfig, writeReleaseConfig } from '../config/codemagic-file'
import { createReleaseMemory } from './release-memory'
import type { ConfigService } from './types'

/**
 * codemagic.yaml import/export for the window, over the same functions `ascent config` uses, and the
 * release settings the window remembers per app (in `dataDir`).
 */
export function createConfigService(options: { readonly dataDir: string }): ConfigService {
  const memory = createReleaseMemory(options.dataDir)
  return {
    recallRelease: (bundleId, platform) => memory.recall(bundleId, platform),
    rememberRelease: (bundleId, platform, release) => memory.remember(bundleId, platform, release),
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
