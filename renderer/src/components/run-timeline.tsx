import { formatDuration, formatUploadLine, percent, readableDetail } from '../format'
import { windowSentence } from '../window-words'
import { LongText } from './long-text'
import type { StepView } from '../stores/run-store'

const STATUS_GLYPH: Readonly<Record<StepView['status'], string>> = {
  pending: '○',
  running: '●',
  done: '✓',
  skipped: '–',
  failed: '✕',
  stopped: '■',
}

const STATUS_TEXT: Readonly<Record<StepView['status'], string>> = {
  pending: 'waiting',
  running: 'in progress',
  done: 'done',
  skipped: 'skipped',
  failed: 'failed',
  stopped: 'stopped',
}

function stepDuration(step: StepView): string {
  if (!step.startedAt || !step.finishedAt) return ''
  return formatDuration(Date.parse(step.finishedAt) - Date.parse(step.startedAt))
}

/** Before the first progress event: an empty bar saying Starting…, so the row does not grow when bytes arrive. */
const NOT_STARTED = { bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: null }

function UploadBar({ step }: { readonly step: StepView }) {
  const progress = step.progress ?? NOT_STARTED
  const value = percent(progress.bytesDone, progress.bytesTotal)
  const line =
    step.status === 'failed' || step.status === 'stopped'
      ? formatUploadLine({ ...progress, complete: true, stopped: true })
      : formatUploadLine({ ...progress, complete: step.status === 'done' })
  return (
    <div className="upload">
      <div
        className="progress"
        role="progressbar"
        aria-label="Upload"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={line}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${value / 100})` }} />
      </div>
      <span className="upload-line" data-testid="upload-line">
        {line}
      </span>
    </div>
  )
}

/** The steps of a run, live or from History; every row keeps its size as numbers change (no layout jump). */
export function RunTimeline({ steps }: { readonly steps: readonly StepView[] }) {
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step) => (
        <li
          key={step.step}
          className={`timeline-step is-${step.status}`}
          data-step={step.step}
          data-status={step.status}
        >
          <span className="timeline-glyph" aria-hidden="true">
            {STATUS_GLYPH[step.status]}
          </span>
          <div className="timeline-body">
            <div className="timeline-head">
              <span className="timeline-title">{step.title}</span>
              <span className="visually-hidden">: {STATUS_TEXT[step.status]}</span>
              <span className="timeline-duration">{stepDuration(step)}</span>
            </div>
            {step.step === 'upload' &&
            (step.progress ? step.status !== 'skipped' : step.status === 'running') ? (
              <UploadBar step={step} />
            ) : null}
            {step.status === 'running' && (step.state || step.message) ? (
              <div className="timeline-detail">
                {step.state ? (
                  <span className="state-pill">{step.state.replaceAll('_', ' ').toLowerCase()}</span>
                ) : null}
                {step.message ? <span>{windowSentence(step.message)}</span> : null}
              </div>
            ) : null}
            {step.summary && step.status !== 'running' ? (
              <div className="timeline-detail">
                <LongText text={windowSentence(step.summary)} />
              </div>
            ) : null}
            {step.status === 'pending' && step.detail ? (
              <div className="timeline-detail muted">
                <LongText text={windowSentence(step.detail)} />
              </div>
            ) : null}
            {step.error ? (
              <div className="timeline-error">
                <strong>{windowSentence(step.error.message)}</strong>
                {step.error.detail ? (
                  <div className="mono error-detail">
                    {readableDetail(step.error.detail, step.error.message)}
                  </div>
                ) : null}
              </div>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  )
}
