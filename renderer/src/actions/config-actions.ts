import type { FileRef } from '../../../shared/ipc'
import { api, errorMessage } from '../api'
import {
  exportFailed,
  exportFinished,
  exportStarted,
  importFailed,
  importFinished,
  importStarted,
  useConfigStore,
} from '../stores/config-store'
import { applyImportedSettings, useReleaseStore } from '../stores/release-store'
import { schedulePlan } from './plan-actions'

/** "Could not import X: reason." — the file named, one sentence, as a build that cannot be opened is. */
function cannotImport(name: string, reason: string): string {
  const text = reason.trim().replace(/[.]$/, '')
  // Reasons written to follow a file name ("holds binary data, …") get a subject of their own.
  const subject = /^(holds|is|has|contains|does) /.test(text) ? 'it ' : ''
  return `Could not import ${name}: ${subject}${text}.`
}

export async function importConfigFile(file: File): Promise<void> {
  let ref: FileRef
  try {
    ref = await api().fileFromDrop(file)
  } catch (error) {
    useConfigStore.setState((s) => importFailed(s, cannotImport(file.name, errorMessage(error))))
    return
  }
  await importConfig(ref, null)
}

/** Electron's native dialog; false when the transport has none (the caller opens the file input instead). */
export async function chooseConfigNatively(): Promise<boolean> {
  if (api().transport !== 'electron') return false
  const ref = await api().chooseConfigFile()
  if (ref) await importConfig(ref, null)
  return true
}

async function importConfig(file: FileRef, workflow: string | null): Promise<void> {
  useConfigStore.setState((s) => importStarted(s, file))
  try {
    const imported = await api().importConfig(file, workflow)
    useConfigStore.setState((s) => importFinished(s, imported))
    if (imported.settings) {
      const settings = imported.settings
      useReleaseStore.setState((s) => applyImportedSettings(s, settings))
      schedulePlan(0)
    }
  } catch (error) {
    useConfigStore.setState((s) => importFailed(s, cannotImport(file.name, errorMessage(error))))
  }
}

export async function chooseWorkflow(workflow: string): Promise<void> {
  const file = useConfigStore.getState().file
  if (file) await importConfig(file, workflow)
}

export async function exportConfig(): Promise<void> {
  const { file, workflow } = useConfigStore.getState()
  useConfigStore.setState((s) => exportStarted(s))
  try {
    const exported = await api().exportConfig({
      file,
      workflow,
      settings: useReleaseStore.getState().settings,
    })
    useConfigStore.setState((s) => exportFinished(s, exported))
  } catch (error) {
    useConfigStore.setState((s) => exportFailed(s, errorMessage(error)))
  }
}
