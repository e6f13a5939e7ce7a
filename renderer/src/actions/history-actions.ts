import { api, errorMessage } from '../api'
import {
  historyFailed,
  historyLoaded,
  historyRequested,
  runOpened,
  runOpenFailed,
  runOpening,
  useHistoryStore,
} from '../stores/history-store'

export async function loadHistory(): Promise<void> {
  useHistoryStore.setState((s) => historyRequested(s))
  try {
    const runs = await api().listRuns()
    useHistoryStore.setState((s) => historyLoaded(s, runs))
  } catch (error) {
    useHistoryStore.setState((s) => historyFailed(s, errorMessage(error)))
  }
}

export async function openRun(runId: string): Promise<void> {
  useHistoryStore.setState((s) => runOpening(s, runId))
  try {
    const record = await api().getRun(runId)
    useHistoryStore.setState((s) => runOpened(s, record))
  } catch (error) {
    useHistoryStore.setState((s) => runOpenFailed(s, runId, errorMessage(error)))
  }
}
