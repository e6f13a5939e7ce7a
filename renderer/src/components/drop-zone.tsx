import { useBuildPicker } from './file-picker'

/** The empty window: one large, quiet target. Dropping anywhere in the window also works (see app.tsx). */
export function DropZone({ dragging, error }: { readonly dragging: boolean; readonly error: string | null }) {
  const picker = useBuildPicker()
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
          <button type="button" className="button" onClick={() => void picker.choose()}>
            Choose build…
          </button>
        </p>
        {picker.input}
        {error ? (
          <p className="drop-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  )
}
