import { create } from 'zustand'
import type { RunRecord } from '../../../shared/ipc'
import { OUTCOME_HEADLINES, type RunOutcome } from '../../../shared/publish-events'
import type { LogLine } from '../../../shared/run-progress'

export interface HistoryState {
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly runs: readonly RunRecord[]
  readonly error: string | null
  readonly openRunId: string | null
  readonly openRun: RunRecord | null
  /** The open run's log file, once read. */
  readonly openLog: readonly LogLine[]
  readonly openError: string | null
}

export const emptyHistory: HistoryState = {
  phase: 'idle',
  runs: [],
  error: null,
  openRunId: null,
  openRun: null,
  openLog: [],
  openError: null,
}

export function historyRequested(state: HistoryState): HistoryState {
  return { ...state, phase: 'loading', error: null }
}

/** Newest first. */
export function historyLoaded(state: HistoryState, runs: readonly RunRecord[]): HistoryState {
  return {
    ...state,
    phase: 'ready',
    runs: [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    error: null,
  }
}

export function historyFailed(state: HistoryState, message: string): HistoryState {
  return { ...state, phase: 'failed', error: message }
}

export function runOpening(state: HistoryState, runId: string): HistoryState {
  const known = state.runs.find((r) => r.runId === runId) ?? null
  return { ...state, openRunId: runId, openRun: known, openLog: [], openError: null }
}

export function runOpened(
  state: HistoryState,
  record: RunRecord,
  log: readonly LogLine[] = [],
): HistoryState {
  if (state.openRunId !== record.runId) return state
  return {
    ...state,
    openRun: record,
    openLog: log,
    runs: state.runs.map((r) => (r.runId === record.runId ? record : r)),
  }
}

export function runOpenFailed(state: HistoryState, runId: string, message: string): HistoryState {
  if (state.openRunId !== runId) return state
  return { ...state, openError: message }
}

export function runClosed(state: HistoryState): HistoryState {
  return { ...state, openRunId: null, openRun: null, openLog: [], openError: null }
}

export function runDurationMs(record: Pick<RunRecord, 'startedAt' | 'finishedAt'>): number | null {
  if (!record.finishedAt) return null
  const ms = Date.parse(record.finishedAt) - Date.parse(record.startedAt)
  return Number.isFinite(ms) && ms >= 0 ? ms : null
}

export function outcomeLabel(outcome: string | null): string {
  return outcome === null ? 'Running' : (OUTCOME_HEADLINES[outcome as RunOutcome] ?? outcome)
}

export const useHistoryStore = create<HistoryState>(() => emptyHistory)
