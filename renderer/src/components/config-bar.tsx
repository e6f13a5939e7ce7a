import { useEffect, useMemo, useRef } from 'react'
import {
  chooseConfigNatively,
  chooseWorkflow,
  exportConfig,
  importConfigFile,
} from '../actions/config-actions'
import { api } from '../api'
import { exportDismissed, needsWorkflowChoice, useConfigStore } from '../stores/config-store'

function DownloadLink({ text, fileName }: { readonly text: string; readonly fileName: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/yaml' })), [text])
  useEffect(() => () => URL.revokeObjectURL(url), [url])
  return (
    <a className="button button-small" href={url} download={fileName}>
      Download {fileName}
    </a>
  )
}

/** Import settings from a codemagic.yaml and write them back (comments kept by main). */
export function ConfigBar() {
  const config = useConfigStore((s) => s)
  const input = useRef<HTMLInputElement>(null)
  const choose = async (): Promise<void> => {
    if (!(await chooseConfigNatively())) input.current?.click()
  }
  const choosing = needsWorkflowChoice(config)
  // Through the web bridge the file main wrote is its upload copy, not the person's file: offer the download instead.
  const writtenTo = api().transport === 'electron' ? (config.exported?.writtenTo ?? null) : null
  return (
    <div className="config-bar">
      <div className="config-actions">
        <button type="button" className="button button-small" onClick={() => void choose()}>
          Import codemagic.yaml…
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => void exportConfig()}
          disabled={config.exporting}
        >
          Export codemagic.yaml
        </button>
        <input
          ref={input}
          type="file"
          accept=".yaml,.yml"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="codemagic.yaml file"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0]
            e.currentTarget.value = ''
            if (file) void importConfigFile(file)
          }}
        />
        {config.file && config.phase === 'ready' ? (
          <span className="muted config-source">
            From {config.file.name}
            {config.workflow ? ` · workflow ${config.workflow}` : ''}
          </span>
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
      {config.error ? (
        <p className="problem problem-error" role="alert">
          {config.error}
        </p>
      ) : null}
      {config.issues.length > 0 && !choosing ? (
        <ul className="problem-list" aria-label="codemagic.yaml problems">
          {config.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`} className="problem problem-error">
              <span className="mono">{issue.path}</span> {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {config.exported ? (
        <div className="export" role="region" aria-label="Exported codemagic.yaml">
          <div className="export-header">
            <span>{writtenTo ? `Written to ${writtenTo}` : 'codemagic.yaml with these settings:'}</span>
            <div className="card-actions">
              {writtenTo ? null : (
                <DownloadLink text={config.exported.text} fileName={config.file?.name ?? 'codemagic.yaml'} />
              )}
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() => useConfigStore.setState((s) => exportDismissed(s))}
              >
                Close
              </button>
            </div>
          </div>
          <pre className="log export-text" tabIndex={0}>
            {config.exported.text}
          </pre>
        </div>
      ) : null}
    </div>
  )
}
