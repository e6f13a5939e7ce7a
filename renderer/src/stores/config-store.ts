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
}

export function importStarted(state: ConfigState, file: FileRef): ConfigState {
  return { ...state, phase: 'loading', file, error: null, exported: null }
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
  }
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
