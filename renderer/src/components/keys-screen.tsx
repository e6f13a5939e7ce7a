import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { flushSync } from 'react-dom'
import { addKey, fileRefFor, loadKeys, removeKey, testKey } from '../actions/keys-actions'
import { errorMessage } from '../api'
import { formatWhen } from '../format'
import { keyIdFromFileName, keyStatus, useKeysStore } from '../stores/keys-store'
import { navigate, useNavigationStore } from '../stores/navigation-store'
import { HiddenFileInput } from './file-picker'
import { ErrorAlert, ScreenHeader } from './error-alert'

type Source = 'file' | 'pem' | 'fastlane'

/** What the add form holds before it becomes an AddKeyInput. */
interface KeyDraft {
  readonly name: string
  readonly keyId: string
  readonly issuerId: string
  readonly individual: boolean
  readonly pem: string
}

const emptyDraft: KeyDraft = { name: '', keyId: '', issuerId: '', individual: false, pem: '' }

function identity(draft: KeyDraft): {
  name: string
  keyId?: string
  issuerId?: string
  individual?: boolean
} {
  return {
    name: draft.name.trim(),
    ...(draft.keyId.trim() ? { keyId: draft.keyId.trim().toUpperCase() } : {}),
    ...(!draft.individual && draft.issuerId.trim() ? { issuerId: draft.issuerId.trim() } : {}),
    ...(draft.individual ? { individual: true } : {}),
  }
}

/** Asked before a key goes: the focus moves to Keep (a stray Enter removes nothing); Escape or Keep keeps it. */
function RemoveConfirm(props: {
  readonly name: string
  readonly onRemove: () => void
  readonly onKeep: () => void
}) {
  const keepButton = useRef<HTMLButtonElement>(null)
  const questionId = useId()
  useEffect(() => keepButton.current?.focus(), [])
  return (
    <span
      className="row-confirm"
      role="group"
      aria-label="Confirm"
      aria-describedby={questionId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          props.onKeep()
        }
      }}
    >
      <span id={questionId} className="muted">
        Remove {props.name} and its private key?
      </span>
      <button type="button" className="button button-small button-danger" onClick={props.onRemove}>
        Remove key
      </button>
      <button ref={keepButton} type="button" className="button button-small" onClick={props.onKeep}>
        Keep
      </button>
    </span>
  )
}

function KeyList() {
  const keys = useKeysStore((s) => s.keys)
  const busy = useKeysStore((s) => s.busy)
  const phase = useKeysStore((s) => s.phase)
  const [confirming, setConfirming] = useState<string | null>(null)
  const table = useRef<HTMLTableElement>(null)
  // Keeping the key puts the focus back on its Remove button, drawn again in the question's place.
  const keep = (name: string): void => {
    flushSync(() => setConfirming(null))
    table.current
      ?.querySelector<HTMLButtonElement>(`button[aria-label="Remove ${CSS.escape(name)}"]`)
      ?.focus()
  }
  if (phase === 'loading' && keys.length === 0) return <p className="muted">Loading keys…</p>
  if (keys.length === 0) {
    return (
      <p className="empty-note">
        No keys stored. Ascent is using the Sandbox until you add an App Store Connect API key.
      </p>
    )
  }
  return (
    <table ref={table} className="table keys-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Key ID</th>
          <th scope="col">Issuer</th>
          <th scope="col">Status</th>
          <th scope="col">Last verified</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const status = keyStatus(key)
          const action = busy[key.name]
          return (
            <tr key={key.name} data-key={key.name}>
              <th scope="row">{key.name}</th>
              <td className="mono">{key.keyId}</td>
              <td className="mono truncate" title={key.issuerId ?? undefined}>
                {key.individual ? 'Individual key' : (key.issuerId ?? '—')}
              </td>
              <td>
                {status.tone === 'error' ? (
                  <>
                    {/* A short pill like the others; Apple's or the network's words under it, not inside it. */}
                    <span className="status status-error">Test failed</span>
                    <div className="status-detail">{status.text}</div>
                  </>
                ) : (
                  <span className={`status status-${status.tone}`}>{status.text}</span>
                )}
              </td>
              <td>{key.lastVerifiedAt ? formatWhen(key.lastVerifiedAt) : '—'}</td>
              <td className="row-actions">
                {confirming === key.name ? (
                  <RemoveConfirm
                    name={key.name}
                    onRemove={() => {
                      setConfirming(null)
                      void removeKey(key)
                    }}
                    onKeep={() => keep(key.name)}
                  />
                ) : (
                  <>
                    <button
                      type="button"
                      className="button button-small"
                      disabled={action !== undefined}
                      aria-label={`Test ${key.name}`}
                      onClick={() => void testKey(key)}
                    >
                      {action === 'testing' ? 'Testing…' : 'Test'}
                    </button>
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      disabled={action !== undefined}
                      aria-label={`Remove ${key.name}`}
                      onClick={() => setConfirming(key.name)}
                    >
                      {action === 'removing' ? 'Removing…' : 'Remove'}
                    </button>
                  </>
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** What a dropped or chosen key file means for the form: its kind and, from Apple's file name, the key id. */
function readKeyFile(chosen: File): { source: Source; keyId: string | null } | { error: string } {
  const lower = chosen.name.toLowerCase()
  if (lower.endsWith('.json')) return { source: 'fastlane', keyId: null }
  if (lower.endsWith('.p8')) return { source: 'file', keyId: keyIdFromFileName(chosen.name) }
  return {
    error: `${chosen.name} is not a key: choose the .p8 file you downloaded, or a fastlane API key .json.`,
  }
}

/** Remounted (by key) for every dropped file, so the drop prefills the form without an effect. */
function AddKeyForm({ focus, initialFile }: { readonly focus: boolean; readonly initialFile: File | null }) {
  const initial = initialFile ? readKeyFile(initialFile) : null
  const [draft, setDraft] = useState<KeyDraft>(() =>
    initial && 'keyId' in initial && initial.keyId
      ? { ...emptyDraft, keyId: initial.keyId, name: initial.keyId }
      : emptyDraft,
  )
  const [source, setSource] = useState<Source>(initial && 'source' in initial ? initial.source : 'file')
  const [file, setFile] = useState<File | null>(initial && 'source' in initial ? initialFile : null)
  const [fileError, setFileError] = useState<string | null>(
    initial && 'error' in initial ? initial.error : null,
  )
  const adding = useKeysStore((s) => s.adding)
  const addError = useKeysStore((s) => s.addError)
  const discovered = useKeysStore((s) => s.discovered)
  const nameInput = useRef<HTMLInputElement>(null)
  const p8Input = useRef<HTMLInputElement>(null)
  const jsonInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (focus) nameInput.current?.focus()
  }, [focus])

  const takeFile = (chosen: File): void => {
    const read = readKeyFile(chosen)
    if ('error' in read) {
      setFileError(read.error)
      return
    }
    setSource(read.source)
    const id = read.keyId
    if (id) setDraft((d) => ({ ...d, keyId: d.keyId || id, name: d.name || id }))
    setFileError(null)
    setFile(chosen)
  }

  const set = (field: keyof KeyDraft) => (value: string | boolean) =>
    setDraft((d) => ({ ...d, [field]: value }))

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    let ok = false
    try {
      if (source === 'pem') {
        ok = await addKey({ source: 'pem', pem: draft.pem, ...identity(draft) })
      } else if (file) {
        const ref = await fileRefFor(file)
        ok =
          source === 'fastlane'
            ? await addKey({ source: 'fastlane', file: ref, name: draft.name.trim() })
            : await addKey({ source: 'file', file: ref, ...identity(draft) })
      }
    } catch (error) {
      setFileError(errorMessage(error))
    }
    if (ok) {
      setDraft(emptyDraft)
      setFile(null)
    }
  }

  const missing =
    draft.name.trim() === ''
      ? 'Give the key a name.'
      : source === 'pem' && !draft.pem.includes('PRIVATE KEY')
        ? 'Paste the whole .p8 text, from -----BEGIN PRIVATE KEY----- to the END line.'
        : source !== 'pem' && !file
          ? source === 'fastlane'
            ? 'Choose the fastlane API key .json.'
            : 'Drop or choose the .p8 file.'
          : source !== 'fastlane' && !draft.individual && draft.issuerId.trim() === ''
            ? 'Enter the Issuer ID (App Store Connect → Users and Access → Integrations), or mark it an individual key.'
            : null

  return (
    <form className="card add-key" aria-labelledby="add-key-heading" onSubmit={(e) => void submit(e)}>
      <h2 id="add-key-heading" className="card-title">
        Add a key
      </h2>
      <fieldset className="radio-group">
        <legend className="field-label">From</legend>
        <div className="radio-row">
          {(
            [
              ['file', '.p8 file'],
              ['pem', 'Pasted text'],
              ['fastlane', 'fastlane JSON'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name="key-source"
                checked={source === value}
                onChange={() => setSource(value)}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Name</span>
          <input
            ref={nameInput}
            className="input"
            value={draft.name}
            onChange={(e) => set('name')(e.currentTarget.value)}
            placeholder="Release"
          />
        </label>
        {source !== 'fastlane' ? (
          <>
            <label className="field">
              <span className="field-label">Key ID</span>
              <input
                className="input mono"
                value={draft.keyId}
                onChange={(e) => set('keyId')(e.currentTarget.value)}
                placeholder={source === 'file' ? 'From the file name' : 'ABC123DEFG'}
              />
            </label>
            <label className="field">
              <span className="field-label">Issuer ID</span>
              <input
                className="input mono input-wide"
                value={draft.issuerId}
                disabled={draft.individual}
                onChange={(e) => set('issuerId')(e.currentTarget.value)}
                placeholder="69a6de70-…"
              />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.individual}
                onChange={(e) => set('individual')(e.currentTarget.checked)}
              />
              Individual key (no issuer)
            </label>
          </>
        ) : null}
      </div>
      {source === 'pem' ? (
        <label className="field">
          <span className="field-label">Private key</span>
          <textarea
            className="input textarea mono"
            rows={5}
            value={draft.pem}
            onChange={(e) => set('pem')(e.currentTarget.value)}
            placeholder={'-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----'}
            spellCheck={false}
          />
        </label>
      ) : (
        <div className="key-drop">
          <span>
            {file
              ? file.name
              : source === 'fastlane'
                ? 'Drop the fastlane .json here, or'
                : 'Drop the .p8 here, or'}
          </span>{' '}
          <button
            type="button"
            className="button button-small"
            onClick={() => (source === 'fastlane' ? jsonInput.current : p8Input.current)?.click()}
          >
            {source === 'fastlane' ? 'Choose JSON…' : 'Choose .p8…'}
          </button>
          <HiddenFileInput ref={p8Input} accept=".p8" label="Key file (.p8)" onFile={takeFile} />
          <HiddenFileInput
            ref={jsonInput}
            accept=".json"
            label="fastlane API key (.json)"
            onFile={takeFile}
          />
        </div>
      )}
      {fileError || addError ? (
        <p className="field-error" role="alert">
          {fileError ?? addError}
        </p>
      ) : null}
      <div className="form-actions">
        <span className="muted">{missing}</span>
        <button type="submit" className="button button-primary" disabled={missing !== null || adding}>
          {adding ? 'Adding…' : 'Add key'}
        </button>
      </div>
      {discovered.length > 0 ? (
        <div className="discovered">
          <h3 className="subheading">Found on this computer</h3>
          <ul className="discovered-list">
            {discovered.map((d) => (
              <li key={d.id}>
                <span className="mono">{d.fileName}</span> <span className="muted">in {d.folder}</span>
                <button
                  type="button"
                  className="button button-small"
                  disabled={adding || (!draft.individual && draft.issuerId.trim() === '')}
                  title="Uses the Issuer ID typed above"
                  onClick={() =>
                    void addKey({
                      source: 'discovered',
                      discoveredId: d.id,
                      ...identity({ ...draft, name: draft.name || d.keyId, keyId: d.keyId }),
                    })
                  }
                >
                  Add {d.keyId}
                </button>
              </li>
            ))}
          </ul>
          <p className="hint">Enter the Issuer ID above first; the name defaults to the key ID.</p>
        </div>
      ) : null}
    </form>
  )
}

function sentenceEnd(text: string): string {
  const trimmed = text.trim()
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(first) ? first : `${first}.`
}

export function KeysScreen({
  dropped,
}: {
  readonly dropped: { readonly file: File; readonly n: number } | null
}) {
  const keychain = useKeysStore((s) => s.keychain)
  const error = useKeysStore((s) => s.error)
  const notice = useKeysStore((s) => s.notice)
  const focusAddKey = useNavigationStore((s) => s.focusAddKey)
  useEffect(() => {
    void loadKeys()
  }, [])
  useEffect(() => {
    // Focus once; later visits to the screen start at the top.
    if (focusAddKey) useNavigationStore.setState((s) => navigate(s, 'keys', false))
  }, [focusAddKey])

  return (
    <div className="screen keys-screen">
      <ScreenHeader title="Keys" onRefresh={() => void loadKeys()} />
      {keychain && !keychain.available ? (
        <div className="banner banner-warning" role="status">
          <strong>No keychain available.</strong>{' '}
          {sentenceEnd(keychain.message ?? 'Keys cannot be stored on this computer.')} Until then Ascent works
          with the Sandbox.
        </div>
      ) : null}
      <ErrorAlert message={error} />
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      <section aria-labelledby="stored-heading">
        <h2 id="stored-heading" className="section-title">
          Stored keys
        </h2>
        <KeyList />
      </section>
      <AddKeyForm key={dropped?.n ?? 0} focus={focusAddKey} initialFile={dropped?.file ?? null} />
    </div>
  )
}
