import { useEffect, useMemo, useRef } from 'react'
import {
  chooseConfigNatively,
  chooseWorkflow,
  exportConfig,
  importConfigFile,
} from '../actions/config-actions'
import { WHOLE_FILE } from '../../../shared/codemagic-yaml'
import { api } from '../api'
import { useFilePicker } from './file-picker'
import { exportDismissed, needsWorkflowChoice, useConfigStore } from '../stores/config-store'
import { ErrorAlert } from './error-alert'

function DownloadLink({ text, fileName }: { readonly text: string; readonly fileName: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/yaml' })), [text])
  useEffect(() => () => URL.revokeObjectURL(url), [url])
  return (
    <a className="button button-small" href={url} download={fileName}>
      Download {fileName}
    </a>
  )
}

/**
 * The exported file, floating under the Export button (it must not push the build down). Focus moves into
 * it so the text can be scrolled and read at once; Escape or Close puts focus back on Export.
 */
function ExportPopover(props: {
  readonly text: string
  readonly writtenTo: string | null
  readonly fileName: string
  readonly onClose: () => void
}) {
  const text = useRef<HTMLPreElement>(null)
  useEffect(() => text.current?.focus(), [])
  return (
    <div
      className="export"
      role="region"
      aria-label="Exported codemagic.yaml"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose()
      }}
    >
      <div className="export-header">
        <span>
          {props.writtenTo ? `Written to ${props.writtenTo}` : 'codemagic.yaml with these settings:'}
        </span>
        <div className="card-actions">
          {props.writtenTo ? null : <DownloadLink text={props.text} fileName={props.fileName} />}
          <button type="button" className="button button-small button-quiet" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
      <pre ref={text} className="log export-text" tabIndex={0}>
        {props.text}
      </pre>
    </div>
  )
}

/** Import settings from a codemagic.yaml and write them back (comments kept by main). */
export function ConfigBar() {
  const config = useConfigStore((s) => s)
  const picker = useFilePicker({
    accept: '.yaml,.yml',
    label: 'codemagic.yaml file',
    onFile: (file) => void importConfigFile(file),
    chooseNatively: chooseConfigNatively,
  })
  const exportButton = useRef<HTMLButtonElement>(null)
  const choosing = needsWorkflowChoice(config)
  // Through the web bridge the file main wrote is its upload copy, not the person's file: offer the download instead.
  const writtenTo = api().transport === 'electron' ? (config.exported?.writtenTo ?? null) : null
  return (
    <div className="config-bar">
      <div className="config-actions">
        <button type="button" className="button button-small" onClick={() => void picker.choose()}>
          Import codemagic.yaml…
        </button>
        <button
          ref={exportButton}
          type="button"
          className="button button-small"
          onClick={() => void exportConfig()}
          disabled={config.exporting}
        >
          Export codemagic.yaml
        </button>
        {picker.input}
        {config.file && config.phase === 'ready' && config.applied ? (
          <span className="muted config-source">
            From {config.file.name}
            {config.workflow ? ` · workflow ${config.workflow}` : ''}
          </span>
        ) : null}
        {config.file && config.phase === 'ready' && !config.applied && config.issues.length > 0 ? (
          <span className="config-source config-refused" role="status">
            Nothing applied from {config.file.name}: fix the{' '}
            {config.issues.length === 1 ? 'problem' : `${config.issues.length} problems`} below and import it
            again
          </span>
        ) : null}
        {config.rememberedFor && !config.applied && config.phase !== 'loading' ? (
          <span className="muted config-source">Settings last used for {config.rememberedFor}</span>
        ) : null}
        {config.phase === 'loading' ? <span className="muted">Reading {config.file?.name}…</span> : null}
      </div>
      {config.workflows.length > 1 ? (
        <label className="inline-field">
          <span className="field-label-inline">Workflow</span>
          <select
            className="input select"
            value={config.workflow ?? ''}
            onChange={(e) => {
              const workflow = e.currentTarget.value
              if (workflow) void chooseWorkflow(workflow)
            }}
          >
            {choosing ? <option value="">Choose a workflow…</option> : null}
            {config.workflows.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <ErrorAlert message={config.error} />
      {config.issues.length > 0 && !choosing ? (
        <ul className="problem-list" aria-label="codemagic.yaml problems">
          {config.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`} className="problem problem-error">
              {/* An issue with the whole file (not YAML at all) starts with the file's name, not a path. */}
              <span className="mono">
                {issue.path === WHOLE_FILE ? (config.file?.name ?? 'The file') : issue.path}
              </span>{' '}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {config.exported ? (
        <ExportPopover
          text={config.exported.text}
          writtenTo={writtenTo}
          fileName={config.file?.name ?? 'codemagic.yaml'}
          onClose={() => {
            useConfigStore.setState((s) => exportDismissed(s))
            exportButton.current?.focus()
          }}
        />
      ) : null}
    </div>
  )
}
