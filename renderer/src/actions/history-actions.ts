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
    const [record, log] = await Promise.all([api().getRun(runId), api().getRunLog(runId)])
    useHistoryStore.setState((s) => runOpened(s, record, log.lines))
  } catch (error) {
    useHistoryStore.setState((s) => runOpenFailed(s, runId, errorMessage(error)))
  }
}
