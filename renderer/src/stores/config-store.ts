import { create } from 'zustand'
import type { ExportedConfig, FileRef, ImportedConfig } from '../../../shared/ipc'

/** The codemagic.yaml the settings came from (and go back to). */
export interface ConfigState {
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly file: FileRef | null
  readonly workflows: readonly string[]
  readonly workflow: string | null
  readonly issues: readonly { readonly path: string; readonly message: string }[]
  readonly error: string | null
  readonly exported: ExportedConfig | null
  readonly exporting: boolean
  /** The file's settings are in the form (a file with problems, or awaiting a workflow choice, applied nothing). */
  readonly applied: boolean
  /** The form holds the settings remembered for this app (bundle id) since it was chosen, not the file's. */
  readonly rememberedFor: string | null
}

export const emptyConfig: ConfigState = {
  phase: 'idle',
  file: null,
  workflows: [],
  workflow: null,
  issues: [],
  error: null,
  exported: null,
  exporting: false,
  applied: false,
  rememberedFor: null,
}

export function importStarted(state: ConfigState, file: FileRef): ConfigState {
  return { ...state, phase: 'loading', file, error: null, exported: null, applied: false }
}

export function importFinished(state: ConfigState, imported: ImportedConfig): ConfigState {
  if (state.file?.id !== imported.file.id) return state
  return {
    ...state,
    phase: 'ready',
    file: imported.file,
    workflows: imported.workflows,
    workflow: imported.workflow,
    issues: imported.issues,
    error: null,
    applied: imported.settings !== null,
    rememberedFor: imported.settings !== null ? null : state.rememberedFor,
  }
}

/** The remembered settings of the chosen build's app replaced the form: the header says so, not the file. */
export function settingsRemembered(state: ConfigState, bundleId: string): ConfigState {
  return { ...state, applied: false, rememberedFor: bundleId }
}

export function importFailed(state: ConfigState, message: string): ConfigState {
  return { ...state, phase: 'failed', error: message }
}

/** Several workflows and none chosen yet: the person picks one before settings are applied. */
export function needsWorkflowChoice(state: ConfigState): boolean {
  return state.phase === 'ready' && state.workflow === null && state.workflows.length > 1
}

export function exportStarted(state: ConfigState): ConfigState {
  return { ...state, exporting: true, error: null }
}

export function exportFinished(state: ConfigState, exported: ExportedConfig): ConfigState {
  return { ...state, exporting: false, exported }
}

export function exportFailed(state: ConfigState, message: string): ConfigState {
  return { ...state, exporting: false, error: message }
}

export function exportDismissed(state: ConfigState): ConfigState {
  return { ...state, exported: null }
}

export const useConfigStore = create<ConfigState>(() => emptyConfig)
