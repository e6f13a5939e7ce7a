import { create } from 'zustand'
import type { BuildSummary } from '../../../shared/build-summary'
import type { AppInfo, FileRef } from '../../../shared/ipc'

/** The build the user dropped or chose, what inspection says about it, and its App Store Connect app. */
export interface BuildState {
  readonly phase: 'empty' | 'inspecting' | 'ready' | 'failed'
  readonly file: FileRef | null
  readonly summary: BuildSummary | null
  readonly error: string | null
  readonly appPhase: 'idle' | 'loading' | 'found' | 'missing' | 'failed'
  readonly app: AppInfo | null
  readonly appError: string | null
}

export const emptyBuild: BuildState = {
  phase: 'empty',
  file: null,
  summary: null,
  error: null,
  appPhase: 'idle',
  app: null,
  appError: null,
}

export function inspectStarted(_state: BuildState, file: FileRef): BuildState {
  return { ...emptyBuild, phase: 'inspecting', file }
}

/** A result for a file that is no longer the current one (the user dropped another) is dropped. */
export function inspectSucceeded(state: BuildState, file: FileRef, summary: BuildSummary): BuildState {
  if (state.file?.id !== file.id) return state
  return { ...state, phase: 'ready', summary, error: null }
}

export function inspectFailed(state: BuildState, file: FileRef, message: string): BuildState {
  if (state.file?.id !== file.id) return state
  return { ...state, phase: 'failed', summary: null, error: message }
}

export function appLookupStarted(state: BuildState): BuildState {
  return { ...state, appPhase: 'loading', app: null, appError: null }
}

export function appLookupFinished(state: BuildState, bundleId: string, app: AppInfo | null): BuildState {
  if (state.summary?.bundleId !== bundleId) return state
  return { ...state, appPhase: app ? 'found' : 'missing', app, appError: null }
}

export function appLookupFailed(state: BuildState, bundleId: string, message: string): BuildState {
  if (state.summary?.bundleId !== bundleId) return state
  return { ...state, appPhase: 'failed', app: null, appError: message }
}

/**
 * A file that could not be opened as a build: a build already loaded stays (with the message beside it);
 * with none, the message is all there is.
 */
export function fileRejected(state: BuildState, message: string): BuildState {
  if (state.summary && state.phase === 'ready') return { ...state, error: message }
  return { ...emptyBuild, phase: 'failed', error: message }
}

export function clearBuild(): BuildState {
  return emptyBuild
}

export const useBuildStore = create<BuildState>(() => emptyBuild)
