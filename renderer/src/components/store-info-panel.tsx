import { useEffect, useRef, type DragEvent, type FormEvent, type ReactNode } from 'react'
import type { MissingStoreItem, ScreenshotSlot, StoreInfo, StoreTarget } from '../../../shared/store-info'
import {
  deleteScreenshot,
  loadStoreInfo,
  moveScreenshot,
  refreshStoreInfo,
  saveStoreInfo,
  uploadScreenshots,
} from '../actions/store-info-actions'
import { useBuildStore } from '../stores/build-store'
import { useNavigationStore } from '../stores/navigation-store'
import { useReleaseStore } from '../stores/release-store'
import {
  appInfoTyped,
  appInfoValue,
  categoryChosen,
  categoryValue,
  hasPendingEdit,
  localeChosen,
  reviewTyped,
  reviewValue,
  useStoreInfoStore,
  versionTextTyped,
  versionTextValue,
  type AppInfoField,
  type ReviewField,
  type VersionField,
} from '../stores/store-info-store'
import { inWindowWords } from '../window-words'
import { ErrorAlert } from './error-alert'

const set = useStoreInfoStore.setState

/** The chosen build's version, once its app is found: what the panel reads and fills. */
function useTarget(): StoreTarget | null {
  const summary = useBuildStore((s) => s.summary)
  const found = useBuildStore((s) => s.appPhase === 'found')
  const copyright = useReleaseStore((s) => s.settings.copyright)
  const whatsNew = useReleaseStore((s) => s.settings.whatsNew)
  // An .ipa or a macOS .pkg alike: every platform's first version needs the same text and screenshots.
  if (!summary || !found || !summary.version) return null
  return {
    bundleId: summary.bundleId,
    platform: summary.platform,
    versionString: summary.version,
    deviceFamilies: [...summary.deviceFamilies],
    // Copyright and What's New are the App Store panel's: Publish sends them, so they count as given.
    release: { copyright: copyright || null, whatsNew },
  }
}

/** Typing in the App Store panel asks again once the person pauses, not on every key. */
const RELEASE_PAUSE_MS = 700

function sameVersionOf(a: StoreTarget, b: StoreTarget): boolean {
  return a.bundleId === b.bundleId && a.platform === b.platform && a.versionString === b.versionString
}

/** Form fields by App Store Connect's attribute name: a missing item's button focuses its field. */
function fieldId(field: string, locale?: string): string {
  return `store-${field}${locale ? `-${locale}` : ''}`
}

/**
 * "App Store information": what App Review still needs for the chosen build's version, and the form that
 * fills it (text per locale, app name and privacy policy, categories, App Review contact) and the
 * screenshot slots. Everything is read from and saved to App Store Connect as the person goes.
 */
export function StoreInfoPanel() {
  const target = useTarget()
  const key = target ? JSON.stringify(target) : null
  const phase = useStoreInfoStore((s) => s.phase)
  const info = useStoreInfoStore((s) => s.info)
  const error = useStoreInfoStore((s) => s.error)

  const shown = useStoreInfoStore((s) => s.target)
  useEffect(() => {
    if (!key) return
    const next = JSON.parse(key) as StoreTarget
    // Another build or version at once; only the App Store panel's text changed: after a pause.
    const sameVersion = shown !== null && sameVersionOf(shown, next)
    const timer = setTimeout(() => void loadStoreInfo(next), sameVersion ? RELEASE_PAUSE_MS : 0)
    return () => clearTimeout(timer)
    // `shown` is read, not watched: loading sets it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])

  if (!target) return null
  return (
    <section
      className="panel store-info"
      aria-labelledby="store-info-heading"
      aria-busy={phase === 'loading'}
    >
      <div className="card-header">
        <h2 id="store-info-heading" className="panel-title">
          App Store information
        </h2>
        <button type="button" className="button button-small button-quiet" onClick={refreshStoreInfo}>
          Refresh
        </button>
      </div>
      <ErrorAlert message={error} />
      {phase === 'loading' && !info ? <p className="hint">Reading App Store Connect…</p> : null}
      {info ? (
        <>
          <p className="hint">
            {info.appName} {info.versionString}: {info.update ? 'an update' : 'the first App Store version'}
            {info.versionExists ? '' : ' (not created yet: saving or adding screenshots creates it)'}
          </p>
          <Readiness info={info} />
          <StoreForm info={info} />
          <Screenshots info={info} />
        </>
      ) : null}
    </section>
  )
}

function Readiness({ info }: { readonly info: StoreInfo }) {
  const sandbox = useNavigationStore((s) => s.connection?.mode === 'sandbox')
  const { missing, reminders } = info.readiness
  return (
    <div className="readiness" aria-labelledby="readiness-heading">
      <h3 id="readiness-heading" className="subheading">
        {missing.length === 0
          ? 'Ready for App Review'
          : `${missing.length} item${missing.length === 1 ? '' : 's'} missing before App Review`}
      </h3>
      {missing.length > 0 ? (
        <ul className="readiness-list" aria-label="Missing for App Review">
          {missing.map((item) => (
            <MissingRow
              key={`${item.field} ${item.locale ?? ''} ${item.message}`}
              item={item}
              sandbox={sandbox}
            />
          ))}
        </ul>
      ) : null}
      {reminders.length > 0 ? (
        <ul className="readiness-list readiness-reminders" aria-label="Reminders">
          {reminders.map((item) => (
            <ReminderRow key={`${item.field} ${item.message}`} item={item} />
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * "en-US: no description; fill it in …": what is missing, without the where when the form is the where, and
 * without App Store Connect's display type codes: the slots are named by their device.
 */
function whatIsMissing(item: MissingStoreItem): string {
  const cut = item.message.indexOf('; fill it')
  const what = cut === -1 ? item.message : item.message.slice(0, cut)
  return what.replace(/ \(APP_[A-Z0-9_]+\)/g, '')
}

/**
 * Copyright is the App Store panel's field (Publish sends it): its reminder, in the window's words, says so and
 * takes the person there; the other reminders say where in their own words.
 */
function ReminderRow({ item }: { readonly item: MissingStoreItem }) {
  if (item.field !== 'copyright')
    return (
      <li className="readiness-item is-reminder" data-field={item.field}>
        {item.message}
      </li>
    )
  return (
    <li className="readiness-item is-reminder" data-field={item.field}>
      <span>{inWindowWords(item.message)}</span>{' '}
      <button type="button" className="link-button" onClick={() => focusField('copyright')}>
        Fill in
      </button>
    </li>
  )
}

function MissingRow({ item, sandbox }: { readonly item: MissingStoreItem; readonly sandbox: boolean }) {
  const target =
    item.field === 'screenshots'
      ? 'store-screenshots'
      : item.field === 'whatsNew'
        ? `whats-new-${item.locale ?? ''}`
        : fieldId(item.field, formLocaleOf(item))
  if (!FORM_FIELDS.has(item.field))
    return (
      <li className="readiness-item" data-field={item.field}>
        <span>{item.message}</span>
        {!sandbox && item.page ? (
          <>
            {' '}
            <a href={item.page} target="_blank" rel="noreferrer">
              Open in App Store Connect
            </a>
          </>
        ) : null}
      </li>
    )
  return (
    <li className="readiness-item" data-field={item.field} title={item.message}>
      <span>{whatIsMissing(item)}</span>{' '}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          if (item.locale && item.field !== 'screenshots') set((s) => localeChosen(s, item.locale!))
          // After the locale's fields are shown.
          requestAnimationFrame(() => focusField(target))
        }}
      >
        Fill in
      </button>
    </li>
  )
}

/**
 * Focuses a field of the form or of the App Store panel. The App Store panel's fields (What's New, Copyright)
 * are greyed out or not there while App Store submission is off: Submit to App Store takes the focus then.
 */
function focusField(id: string): void {
  const field = document.getElementById(id)
  if (field && !field.matches(':disabled')) field.focus()
  else if (id === 'copyright' || id.startsWith('whats-new-'))
    document.getElementById('submit-to-app-store')?.focus()
}

/** Fields the panel fills; the rest (age rating, price, …) are filled on App Store Connect's pages. */
const FORM_FIELDS = new Set([
  'description',
  'keywords',
  'supportUrl',
  'marketingUrl',
  'promotionalText',
  'whatsNew',
  'name',
  'subtitle',
  'privacyPolicyUrl',
  'privacyPolicyText',
  'primaryCategory',
  'contactFirstName',
  'contactLastName',
  'contactPhone',
  'contactEmail',
  'screenshots',
])

function formLocaleOf(item: MissingStoreItem): string | undefined {
  return VERSION_FIELDS.some((f) => f.field === item.field) ||
    APP_INFO_FIELDS.some((f) => f.field === item.field)
    ? item.locale
    : undefined
}

interface TextSpec<F extends string> {
  readonly field: F
  readonly label: string
  readonly kind: 'line' | 'text' | 'url' | 'email'
  readonly max?: number
  readonly placeholder?: string
  /** Shown only for the platform that has the field. */
  readonly platform?: StoreTarget['platform']
}

const VERSION_FIELDS: readonly TextSpec<VersionField>[] = [
  { field: 'description', label: 'Description', kind: 'text', max: 4000 },
  { field: 'keywords', label: 'Keywords', kind: 'line', max: 100, placeholder: 'weather,forecast,rain' },
  { field: 'supportUrl', label: 'Support URL', kind: 'url', placeholder: 'https://example.com/support' },
  { field: 'marketingUrl', label: 'Marketing URL', kind: 'url', placeholder: 'https://example.com' },
  { field: 'promotionalText', label: 'Promotional text', kind: 'text', max: 170 },
]

const APP_INFO_FIELDS: readonly TextSpec<AppInfoField>[] = [
  { field: 'name', label: 'App name', kind: 'line', max: 30 },
  { field: 'subtitle', label: 'Subtitle', kind: 'line', max: 30 },
  {
    field: 'privacyPolicyUrl',
    label: 'Privacy policy URL',
    kind: 'url',
    placeholder: 'https://example.com/privacy',
  },
  { field: 'privacyPolicyText', label: 'Privacy policy text (Apple TV)', kind: 'text', platform: 'TV_OS' },
]

const REVIEW_FIELDS: readonly TextSpec<ReviewField>[] = [
  { field: 'contactFirstName', label: 'First name', kind: 'line' },
  { field: 'contactLastName', label: 'Last name', kind: 'line' },
  { field: 'contactPhone', label: 'Phone', kind: 'line', placeholder: '+1 555 0100' },
  { field: 'contactEmail', label: 'Email', kind: 'email' },
  { field: 'notes', label: 'Notes for App Review', kind: 'text', max: 4000 },
]

function TextField({
  id,
  spec,
  value,
  missing,
  onChange,
}: {
  readonly id: string
  readonly spec: TextSpec<string>
  readonly value: string
  readonly missing: boolean
  readonly onChange: (value: string) => void
}) {
  const count = spec.max !== undefined ? [...value].length : 0
  const over = spec.max !== undefined && count > spec.max
  const describedBy = spec.max !== undefined ? `${id}-count` : undefined
  const common = {
    id,
    value,
    placeholder: spec.placeholder,
    'aria-invalid': over || undefined,
    'aria-describedby': describedBy,
    onChange: (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value),
  }
  return (
    <div className={`field store-field${missing ? ' is-missing' : ''}`}>
      <label htmlFor={id} className="field-label">
        {spec.label}
        {missing ? <span className="store-missing-tag"> · missing</span> : null}
      </label>
      {spec.kind === 'text' ? (
        <textarea {...common} className="input textarea" rows={spec.field === 'description' ? 5 : 2} />
      ) : (
        <input
          {...common}
          className="input input-wide"
          type={spec.kind === 'url' ? 'url' : spec.kind === 'email' ? 'email' : 'text'}
        />
      )}
      {spec.max !== undefined ? (
        <span id={describedBy} className={`hint store-count${over ? ' is-over' : ''}`}>
          {count} / {spec.max}
        </span>
      ) : null}
    </div>
  )
}

function Group({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  return (
    <fieldset className="store-group">
      <legend className="subheading">{title}</legend>
      {children}
    </fieldset>
  )
}

function StoreForm({ info }: { readonly info: StoreInfo }) {
  const state = useStoreInfoStore((s) => s)
  const platform = state.target?.platform
  const locale = state.locale ?? info.locales[0] ?? info.primaryLocale
  const missing = new Set(info.readiness.missing.map((m) => `${m.field} ${m.locale ?? ''}`))
  const isMissing = (field: string, l?: string): boolean =>
    missing.has(`${field} ${l ?? ''}`) ||
    (l === undefined && [...missing].some((m) => m.startsWith(`${field} `)))
  const onSubmit = (e: FormEvent): void => {
    e.preventDefault()
    void saveStoreInfo()
  }
  const offered = info.categories.offered
  const pending = hasPendingEdit(state)
  return (
    <form className="store-form" onSubmit={onSubmit} aria-label="App Store information">
      {info.locales.length > 1 ? (
        <div className="field inline-field">
          <label htmlFor="store-locale" className="field-label">
            Locale
          </label>
          <select
            id="store-locale"
            className="input select"
            value={locale}
            onChange={(e) => {
              const value = e.currentTarget.value
              set((s) => localeChosen(s, value))
            }}
          >
            {info.locales.map((l) => (
              <option key={l} value={l}>
                {l === info.primaryLocale ? `${l} (primary)` : l}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <Group title={`Version text (${locale})`}>
        {VERSION_FIELDS.map((spec) => (
          <TextField
            key={`${locale} ${spec.field}`}
            id={fieldId(spec.field, locale)}
            spec={spec}
            value={versionTextValue(state, locale, spec.field)}
            missing={isMissing(spec.field, locale)}
            onChange={(value) => set((s) => versionTextTyped(s, locale, spec.field, value))}
          />
        ))}
      </Group>
      <Group title={`App information (${locale})`}>
        {APP_INFO_FIELDS.filter((spec) => !spec.platform || spec.platform === platform).map((spec) => (
          <TextField
            key={`${locale} ${spec.field}`}
            id={fieldId(spec.field, locale)}
            spec={spec}
            value={appInfoValue(state, locale, spec.field)}
            missing={isMissing(spec.field, locale)}
            onChange={(value) => set((s) => appInfoTyped(s, locale, spec.field, value))}
          />
        ))}
        <div className="store-categories">
          {(
            [
              ['primaryCategory', 'Primary category'],
              ['secondaryCategory', 'Secondary category'],
            ] as const
          ).map(([field, label]) => (
            <div key={field} className={`field${isMissing(field) ? ' is-missing' : ''}`}>
              <label htmlFor={fieldId(field)} className="field-label">
                {label}
                {isMissing(field) ? <span className="store-missing-tag"> · missing</span> : null}
              </label>
              <select
                id={fieldId(field)}
                className="input select"
                value={categoryValue(state, field)}
                onChange={(e) => {
                  const value = e.currentTarget.value
                  set((s) => categoryChosen(s, field, value))
                }}
              >
                <option value="">{field === 'primaryCategory' ? 'Choose…' : 'None'}</option>
                {offered.map((id) => (
                  <option key={id} value={id}>
                    {categoryName(id)}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
      </Group>
      <Group title="App Review contact">
        {REVIEW_FIELDS.map((spec) => (
          <TextField
            key={spec.field}
            id={fieldId(spec.field)}
            spec={spec}
            value={reviewValue(state, spec.field)}
            missing={isMissing(spec.field)}
            onChange={(value) => set((s) => reviewTyped(s, spec.field, value))}
          />
        ))}
      </Group>
      <div className="store-actions">
        <button type="submit" className="button button-primary" disabled={!pending || state.saving}>
          {state.saving ? 'Saving…' : 'Save to App Store Connect'}
        </button>
        <span className="hint" role="status">
          {state.saved ?? (pending ? 'Unsaved changes' : '')}
        </span>
      </div>
      <ErrorAlert message={state.saveError} />
    </form>
  )
}

/** PRODUCTIVITY → Productivity, HEALTH_AND_FITNESS → Health and Fitness. */
function categoryName(id: string): string {
  return id
    .split('_')
    .map((w, i) =>
      i > 0 && (w === 'AND' || w === 'OF') ? w.toLowerCase() : w.charAt(0) + w.slice(1).toLowerCase(),
    )
    .join(' ')
}

const IMAGE_TYPES = 'image/png,image/jpeg'

/** The images of a drop, folders walked (a folder of screenshots goes slot by slot, by pixel size). */
async function droppedImages(e: DragEvent): Promise<File[]> {
  const entries = Array.from(e.dataTransfer.items)
    .map((item) => item.webkitGetAsEntry?.() ?? null)
    .filter((entry): entry is FileSystemEntry => entry !== null)
  const plain = Array.from(e.dataTransfer.files)
  if (entries.length === 0 || entries.every((entry) => entry.isFile)) return plain.filter(isImage)
  const files: File[] = []
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      )
      if (isImage(file)) files.push(file)
      return
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader()
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      )
      if (batch.length === 0) break
      for (const child of batch.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true })))
        await walk(child)
    }
  }
  for (const entry of entries) await walk(entry)
  return files
}

function isImage(file: File): boolean {
  return /\.(png|jpe?g)$/i.test(file.name)
}

function onDragOver(e: DragEvent): void {
  if (!Array.from(e.dataTransfer.types).includes('Files')) return
  e.preventDefault()
  e.dataTransfer.dropEffect = 'copy'
}

function dropInto(displayType: string | null) {
  return (e: DragEvent): void => {
    if (!Array.from(e.dataTransfer.types).includes('Files')) return
    // Handled here: the window's own drop (a build) leaves it alone.
    e.preventDefault()
    void droppedImages(e).then((files) => uploadScreenshots(displayType, files))
  }
}

function AddImagesButton({
  displayType,
  label,
}: {
  readonly displayType: string | null
  readonly label: string
}) {
  const input = useRef<HTMLInputElement>(null)
  const uploading = useStoreInfoStore((s) => s.uploading)
  return (
    <>
      <button
        type="button"
        className="button button-small"
        disabled={uploading}
        onClick={() => input.current?.click()}
      >
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={IMAGE_TYPES}
        multiple
        hidden
        data-for-slot={displayType ?? 'by-size'}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? [])
          e.currentTarget.value = ''
          void uploadScreenshots(displayType, files)
        }}
      />
    </>
  )
}

function Screenshots({ info }: { readonly info: StoreInfo }) {
  const uploads = useStoreInfoStore((s) => s.uploads)
  const error = useStoreInfoStore((s) => s.shotError)
  const progress = Object.values(uploads)
  return (
    <div
      id="store-screenshots"
      className="store-shots"
      tabIndex={-1}
      aria-labelledby="store-shots-heading"
      onDragOver={onDragOver}
      onDrop={(e) => {
        // A slot inside took it already.
        if (!e.isDefaultPrevented()) dropInto(null)(e)
      }}
    >
      <h3 id="store-shots-heading" className="subheading">
        Screenshots ({info.screenshotLocale})
      </h3>
      <p className="hint">
        Drop images on a slot, or a folder anywhere here: each image goes to the slot its pixel size names.
        {info.locales.length > 1 ? ' Other locales use these images.' : ''}
      </p>
      <AddImagesButton displayType={null} label="Add images by size…" />
      <div className="shot-slots">
        {info.slots.map((slot) => (
          <Slot key={slot.displayType} slot={slot} info={info} />
        ))}
      </div>
      {progress.length > 0 ? (
        <ul className="shot-progress" aria-label="Screenshot uploads">
          {progress.map((p) => (
            <li key={p.fileId} className={`shot-progress-item is-${p.phase}`}>
              <span className="truncate">{p.fileName}</span>
              <progress
                max={Math.max(1, p.bytesTotal)}
                value={p.phase === 'sending' ? p.bytesDone : Math.max(1, p.bytesTotal)}
                aria-label={`${p.fileName} upload`}
              />
              <span className="hint">
                {p.phase === 'sending'
                  ? `${Math.round((100 * p.bytesDone) / Math.max(1, p.bytesTotal))}% sent`
                  : p.phase === 'processing'
                    ? 'Processing…'
                    : p.phase === 'done'
                      ? 'Uploaded'
                      : `Failed: ${p.message ?? ''}`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorAlert message={error} />
    </div>
  )
}

function stateWords(state: string | null): string {
  switch (state) {
    case 'COMPLETE':
    case null:
      return ''
    case 'FAILED':
      return 'Failed'
    case 'AWAITING_UPLOAD':
      return 'Waiting for upload'
    default:
      return 'Processing'
  }
}

/** The button of a slot whose label is one of these (the first that can be pressed), or the slot's own Add button. */
function slotButton(section: HTMLElement, labels: readonly string[]): HTMLButtonElement | null {
  const buttons = Array.from(section.querySelectorAll('button'))
  for (const label of labels) {
    const found = buttons.find((b) => b.getAttribute('aria-label') === label && !b.disabled)
    if (found) return found
  }
  return buttons.find((b) => !b.getAttribute('aria-label') && !b.disabled) ?? null
}

function Slot({ slot, info }: { readonly slot: ScreenshotSlot; readonly info: StoreInfo }) {
  const alternative = info.slots.find((s) => s.displayType === slot.alternativeTo)
  const ids = slot.shots.map((s) => s.id)
  const names = slot.shots.map((shot, index) => shot.fileName ?? `Screenshot ${index + 1}`)
  const headingId = `slot-${slot.displayType}`
  const section = useRef<HTMLElement>(null)
  // After a move or a delete the pressed button is disabled (at an end of the list) or gone, which would drop
  // the focus to the page: once the list has changed, the focus goes to these buttons' first that is there.
  const focusNext = useRef<readonly string[] | null>(null)
  const order = ids.join()
  useEffect(() => {
    const labels = focusNext.current
    const el = section.current
    focusNext.current = null
    if (!labels || !el) return
    const at = document.activeElement
    if (at === null || at === document.body || el.contains(at)) slotButton(el, labels)?.focus()
  }, [order])
  const act = async (labels: readonly string[], action: () => Promise<void>): Promise<void> => {
    focusNext.current = labels
    await action()
    // Refused: nothing changed, and nothing is to be focused later.
    if (useStoreInfoStore.getState().shotError) focusNext.current = null
  }
  const move = (index: number, delta: -1 | 1): Promise<void> => {
    const name = names[index]!
    const [same, other] = delta < 0 ? ['earlier', 'later'] : ['later', 'earlier']
    return act([`Move ${name} ${same}`, `Move ${name} ${other}`], () =>
      moveScreenshot(slot.setId!, ids, index, delta),
    )
  }
  // The screenshot then in its place, else the one before it, else the slot's Add button.
  const remove = (index: number): Promise<void> =>
    act(
      [names[index + 1], names[index - 1]].filter((n) => n !== undefined).map((n) => `Delete ${n}`),
      () => deleteScreenshot(ids[index]!),
    )
  return (
    <section
      ref={section}
      className={`shot-slot${slot.required && slot.shots.length === 0 && !(alternative && alternative.shots.length > 0) ? ' is-missing' : ''}`}
      aria-labelledby={headingId}
      data-display-type={slot.displayType}
      onDragOver={onDragOver}
      onDrop={dropInto(slot.displayType)}
    >
      <div className="shot-slot-header">
        <h4 id={headingId} className="shot-slot-title">
          {slot.label}
        </h4>
        <span className="hint">
          {slot.required ? `Required${alternative ? ` (or ${alternative.label})` : ''}` : 'Optional'} ·{' '}
          {slot.sizes}
        </span>
      </div>
      {slot.shots.length > 0 ? (
        <ol className="shot-list" aria-label={`${slot.label} screenshots`}>
          {slot.shots.map((shot, index) => {
            const name = names[index]!
            const words = stateWords(shot.state)
            return (
              <li key={shot.id} className={`shot${shot.state === 'FAILED' ? ' is-failed' : ''}`}>
                <span className="truncate">{name}</span>
                {words ? (
                  <span className={`tag${shot.state === 'FAILED' ? ' tag-failed' : ''}`}>{words}</span>
                ) : null}
                {shot.state === 'FAILED' ? (
                  <span className="shot-reason">
                    {shot.errors.map((e) => [e.code, e.description].filter(Boolean).join(': ')).join('; ') ||
                      'App Store Connect gave no reason'}
                  </span>
                ) : null}
                {slot.setId !== null ? (
                  <span className="shot-actions">
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      disabled={index === 0}
                      aria-label={`Move ${name} earlier`}
                      onClick={() => void move(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      disabled={index === ids.length - 1}
                      aria-label={`Move ${name} later`}
                      onClick={() => void move(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      aria-label={`Delete ${name}`}
                      onClick={() => void remove(index)}
                    >
                      Delete
                    </button>
                  </span>
                ) : null}
              </li>
            )
          })}
        </ol>
      ) : (
        <p className="hint shot-empty">Drop images here</p>
      )}
      <AddImagesButton displayType={slot.displayType} label={`Add to ${slot.label}…`} />
    </section>
  )
}
