import { useEffect } from 'react'
import { loadHistory, openRun } from '../actions/history-actions'
import { watchApp } from '../actions/releases-actions'
import { resumeRecord } from '../actions/run-actions'
import { formatDuration, formatWhen, platformLabel } from '../format'
import { outcomeLabel, runClosed, runDurationMs, useHistoryStore } from '../stores/history-store'
import { outcomeTone } from '../outcome-text'
import { navigate, useNavigationStore } from '../stores/navigation-store'
import { watchedRunFromRecord } from '../stores/run-store'
import { LogPanel } from './log-panel'
import { RunOutcomeBox } from './run-view'
import { RunTimeline } from './run-timeline'
import { ErrorAlert, ScreenHeader } from './error-alert'

function OpenRun() {
  const record = useHistoryStore((s) => s.openRun)
  const log = useHistoryStore((s) => s.openLog)
  const error = useHistoryStore((s) => s.openError)
  if (error) return <ErrorAlert message={error} />
  if (!record) return <p className="muted">Loading the run…</p>
  const view = watchedRunFromRecord(record, log)
  return (
    <div className="run">
      <header className="run-header">
        <h1 className="screen-title">{view.title}</h1>
        <button
          type="button"
          className="button"
          onClick={() => useHistoryStore.setState((s) => runClosed(s))}
        >
          Back to History
        </button>
      </header>
      <p className="muted">
        {/* Each fact keeps its words together when the line wraps, and a dot never ends a line. */}
        <span className="nowrap">Started {formatWhen(record.startedAt)}</span>
        {' ·\u00a0'}
        <span className="nowrap">
          {record.finishedAt ? `finished ${formatWhen(record.finishedAt)}` : 'still running'}
        </span>
        {' ·\u00a0'}
        <span className="nowrap">{record.bundleId}</span>
        {' ·\u00a0'}
        {platformLabel(record.platform)}
      </p>
      <RunTimeline steps={view.steps} />
      <RunOutcomeBox
        run={view}
        onResume={() => {
          useNavigationStore.setState((s) => navigate(s, 'publish'))
          void resumeRecord(record, log)
        }}
      />
      <LogPanel runId={view.runId} log={view.log} />
    </div>
  )
}

/** "7 Dec 2026, 11:34": on a narrow window the line breaks between the day and the time, never inside either. */
function When({ iso }: { readonly iso: string }) {
  const [day, time] = formatWhen(iso).split(', ')
  return (
    <>
      <span className="nowrap">{day}</span>
      {time ? (
        <>
          , <span className="nowrap">{time}</span>
        </>
      ) : null}
    </>
  )
}

export function HistoryScreen() {
  const phase = useHistoryStore((s) => s.phase)
  const runs = useHistoryStore((s) => s.runs)
  const error = useHistoryStore((s) => s.error)
  const openRunId = useHistoryStore((s) => s.openRunId)
  useEffect(() => {
    void loadHistory()
  }, [])
  if (openRunId) {
    return (
      <div className="screen">
        <OpenRun />
      </div>
    )
  }
  return (
    <div className="screen history-screen">
      <ScreenHeader title="History" onRefresh={() => void loadHistory()} />
      <ErrorAlert message={error} />
      {phase === 'ready' && runs.length === 0 ? (
        <p className="empty-note">No runs yet. Published builds appear here.</p>
      ) : null}
      {runs.length > 0 ? (
        <table className="table history-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Build</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const ms = runDurationMs(run)
              return (
                <tr key={run.runId} data-run={run.runId}>
                  <td>
                    <When iso={run.startedAt} />
                  </td>
                  <td>
                    <span className="history-build">
                      {run.appName ? `${run.appName} ` : ''}
                      {run.version} ({run.buildNumber})
                    </span>{' '}
                    <span className="muted">
                      {run.bundleId} · {platformLabel(run.platform)}
                    </span>
                  </td>
                  <td>
                    <span className="history-outcome">
                      <span className={`status status-${outcomeTone(run.outcome)}`}>
                        {outcomeLabel(run.outcome)}
                      </span>
                      {run.sandbox ? (
                        <span className="badge run-sandbox" title="Published to the sandbox, not to Apple">
                          Sandbox
                        </span>
                      ) : null}
                    </span>
                  </td>
                  <td className="numeric">{ms === null ? '—' : formatDuration(ms)}</td>
                  <td className="row-actions">
                    {run.outcome === 'submitted-for-review' || run.outcome === 'published' ? (
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        aria-label={`Live status of ${run.bundleId}`}
                        onClick={() => {
                          useNavigationStore.setState((s) => navigate(s, 'releases'))
                          void watchApp(run.bundleId)
                        }}
                      >
                        Live status
                      </button>
                    ) : null}
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Open run of ${run.version} (${run.buildNumber}) from ${formatWhen(run.startedAt)}`}
                      onClick={() => void openRun(run.runId)}
                    >
                      Open
                    </button>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
