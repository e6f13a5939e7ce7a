import { useRef } from 'react'
import { chooseBuildNatively, openBuildFile } from '../actions/build-actions'

/** The empty window: one large, quiet target. Dropping anywhere in the window also works (see app.tsx). */
export function DropZone({ dragging, error }: { readonly dragging: boolean; readonly error: string | null }) {
  const input = useRef<HTMLInputElement>(null)
  const choose = async (): Promise<void> => {
    if (!(await chooseBuildNatively())) input.current?.click()
  }
  return (
    <section className={`drop-zone${dragging ? ' is-dragging' : ''}`} aria-labelledby="drop-title">
      <div className="drop-zone-inner">
        <div className="drop-glyph" aria-hidden="true">
          ⇪
        </div>
        <h2 id="drop-title" className="drop-title">
          Drop an .ipa or .pkg here
        </h2>
        <p className="drop-hint">
          or{' '}
          <button type="button" className="button" onClick={() => void choose()}>
            Choose build…
          </button>
        </p>
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".ipa,.pkg"
          aria-label="Build file"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0]
            e.currentTarget.value = ''
            if (file) void openBuildFile(file)
          }}
        />
        {error ? (
          <p className="drop-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  )
}
