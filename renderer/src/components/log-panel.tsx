import { useState } from 'react'
import { logText, type LogLine } from '../../../shared/run-progress'
import { api, errorMessage } from '../api'

/**
 * The run's log, collapsed by default. Copy puts the whole log file on the clipboard for a support ticket
 * (the window keeps only the latest lines); Show log file opens its folder, or says where it is.
 */
export function LogPanel({ runId, log }: { readonly runId: string; readonly log: readonly LogLine[] }) {
  const [status, setStatus] = useState<string | null>(null)
  const copy = async (): Promise<void> => {
    const whole = await api()
      .getRunLog(runId)
      .then((file) => (file.lines.length >= log.length ? file.lines : log))
      .catch(() => log)
    try {
      await navigator.clipboard.writeText(logText(whole))
      setStatus('Log copied.')
    } catch {
      setStatus('Copy failed: select the text and copy it.')
    }
  }
  const reveal = async (): Promise<void> => {
    try {
      const { path, revealed } = await api().revealRunLog(runId)
      setStatus(revealed ? `Shown in its folder: ${path}` : `The log file is ${path}`)
    } catch (error) {
      setStatus(errorMessage(error))
    }
  }
  return (
    <details className="log-panel">
      <summary>
        Log ({log.length} {log.length === 1 ? 'line' : 'lines'})
      </summary>
      <div className="log-toolbar">
        <button
          type="button"
          className="button button-small"
          onClick={() => void copy()}
          disabled={log.length === 0}
        >
          Copy log
        </button>
        <button type="button" className="button button-small" onClick={() => void reveal()}>
          Show log file
        </button>
        <span className="muted log-status" role="status">
          {status}
        </span>
      </div>
      <pre className="log" tabIndex={0} aria-label="Log">
        {log.length === 0 ? 'Nothing logged yet.' : logText(log)}
      </pre>
    </details>
  )
}
