import { useEffect, useRef } from 'react'
import { cancelPublish, dismissRun, resumeRun } from '../actions/run-actions'
import { outcomeLabel } from '../stores/history-store'
import { useNavigationStore } from '../stores/navigation-store'
import { outcomeText, outcomeTone } from '../outcome-text'
import { useRunStore, type WatchedRun } from '../stores/run-store'
import { LogPanel } from './log-panel'
import { inWindowWords } from '../window-words'
import { LongText } from './long-text'
import { RunTimeline } from './run-timeline'
import { ErrorAlert } from './error-alert'

export function RunOutcomeBox({
  run,
  onResume,
}: {
  readonly run: WatchedRun
  readonly onResume?: () => void
}) {
  // The sandbox's apps are not on appstoreconnect.apple.com: links there would open someone else's pages or none.
  const sandbox = useNavigationStore((s) => s.connection?.mode === 'sandbox')
  if (run.outcome === null) return null
  const tone = outcomeTone(run.outcome)
  const text = outcomeText({
    outcome: run.outcome,
    version: run.version,
    buildNumber: run.buildNumber,
    steps: run.steps,
    facts: run.facts,
    message: run.message === null ? null : inWindowWords(run.message),
  })
  return (
    <div className={`outcome outcome-${tone}`} data-outcome={run.outcome} data-tone={tone}>
      <h2 className="outcome-title">{text.headline}</h2>
      <p className="outcome-message">
        <LongText text={text.sentence} />
      </p>
      {run.links.length > 0 && !sandbox ? (
        <ul className="links">
          {run.links.map((link) => (
            <li key={link.url}>
              <a href={link.url} target="_blank" rel="noreferrer">
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {run.resumable && onResume ? (
        <button type="button" className="button button-primary" onClick={onResume}>
          Resume
        </button>
      ) : null}
    </div>
  )
}

/** The run whose heading last took focus: a run moves focus once when it appears, not on every event. */
let focusedRunId: string | null = null

/** The publish screen while a run is going or just ended. */
export function RunView({ run }: { readonly run: WatchedRun }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // After Publish the hand is on the run, not on the page the button left behind.
    if (run.runId === focusedRunId) return
    focusedRunId = run.runId
    heading.current?.focus()
  }, [run.runId])
  const busy = useRunStore((s) => s.busy)
  const error = useRunStore((s) => s.error)
  const active = run.outcome === null
  const current = run.steps.find((s) => s.status === 'running')
  return (
    <div className="run" aria-labelledby="run-heading">
      <header className="run-header">
        <h1 id="run-heading" className="screen-title" tabIndex={-1} ref={heading}>
          {active ? `Publishing ${run.title}` : run.title}
        </h1>
        {active ? (
          <button
            type="button"
            className="button"
            onClick={() => void cancelPublish()}
            disabled={busy === 'canceling'}
          >
            {busy === 'canceling' ? 'Canceling…' : 'Cancel'}
          </button>
        ) : (
          <button type="button" className="button" onClick={dismissRun}>
            Done
          </button>
        )}
      </header>
      <p className="visually-hidden" aria-live="polite">
        {active
          ? current
            ? `${current.title} in progress`
            : busy === 'resuming'
              ? 'Resuming'
              : 'Starting'
          : outcomeLabel(run.outcome)}
      </p>
      <ErrorAlert message={error} />
      <RunTimeline steps={run.steps} />
      <div className="run-live" aria-live="polite">
        <RunOutcomeBox run={run} onResume={() => void resumeRun(run)} />
      </div>
      <LogPanel runId={run.runId} log={run.log} />
    </div>
  )
}
