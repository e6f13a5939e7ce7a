import { useState } from 'react'
import type { LogLine } from '../stores/run-store'

function logText(log: readonly LogLine[]): string {
  return log.map((l) => `${l.at} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n')
}

/** The run's log, collapsed by default; Copy puts all of it on the clipboard for a support ticket. */
export function LogPanel({ log }: { readonly log: readonly LogLine[] }) {
  const [copied, setCopied] = useState<string | null>(null)
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(logText(log))
      setCopied('Log copied.')
    } catch {
      setCopied('Copy failed: select the text and copy it.')
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
        <span className="muted" role="status">
          {copied}
        </span>
      </div>
      <pre className="log" tabIndex={0} aria-label="Log">
        {log.length === 0 ? 'Nothing logged yet.' : logText(log)}
      </pre>
    </details>
  )
}
