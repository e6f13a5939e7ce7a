import type { ReleaseType } from '../../../shared/release-settings'
import { changeRelease } from '../actions/release-actions'
import { usePlanStore } from '../stores/plan-store'
import {
  setCopyright,
  setPhasedRelease,
  setReleaseType,
  setWhatsNewText,
  useReleaseStore,
  whatsNewField,
} from '../stores/release-store'
import { OptionCheck } from './option-check'
import { ReleaseDatePicker } from './release-date-picker'

const RELEASE_TYPES: readonly {
  readonly value: ReleaseType
  readonly label: string
  readonly hint: string
}[] = [
  { value: 'MANUAL', label: 'Manual', hint: 'After approval you release it: Release now in Releases.' },
  { value: 'AFTER_APPROVAL', label: 'After approval', hint: 'Goes live as soon as Apple approves it.' },
  { value: 'SCHEDULED', label: 'Scheduled', hint: 'Goes live after approval, not before the date below.' },
]

const PHASED: readonly { readonly value: boolean | null; readonly key: string; readonly label: string }[] = [
  { value: true, key: 'on', label: 'On' },
  { value: false, key: 'off', label: 'Off' },
  { value: null, key: 'keep', label: 'Keep current' },
]

export function AppStorePanel() {
  const submit = useReleaseStore((s) => s.settings.submitToAppStore)
  const releaseType = useReleaseStore((s) => s.settings.releaseType)
  const copyright = useReleaseStore((s) => s.settings.copyright)
  const phased = useReleaseStore((s) => s.settings.phasedRelease)

  return (
    <section className="panel" aria-labelledby="appstore-heading">
      <h2 id="appstore-heading" className="panel-title">
        App Store
      </h2>
      <OptionCheck option="submitToAppStore" id="submit-to-app-store">
        Submit to App Store
      </OptionCheck>
      <fieldset className={`app-store-fields${submit ? '' : ' is-disabled'}`} disabled={!submit}>
        <legend className="visually-hidden">App Store version settings</legend>
        {!submit ? (
          <p className="hint">Turn on Submit to App Store to set up the version and its review.</p>
        ) : null}
        <fieldset className="radio-group">
          <legend className="field-label">Release type</legend>
          {RELEASE_TYPES.map((t) => (
            <label key={t.value} className="radio" title={t.hint}>
              <input
                type="radio"
                name="release-type"
                value={t.value}
                checked={releaseType === t.value}
                onChange={() => changeRelease((s) => setReleaseType(s, t.value))}
              />
              {t.label}
            </label>
          ))}
        </fieldset>
        <ReleaseDatePicker disabled={!submit} />
        <WhatsNewField />
        <div className="field">
          <label htmlFor="copyright" className="field-label">
            Copyright
          </label>
          <input
            id="copyright"
            className="input input-medium"
            type="text"
            value={copyright ?? ''}
            placeholder="2031 Example Inc."
            onChange={(e) => {
              const value = e.currentTarget.value
              changeRelease((s) => setCopyright(s, value), 600)
            }}
          />
        </div>
        <fieldset className="radio-group segmented-group">
          <legend className="field-label">Phased release</legend>
          <div className="segmented">
            {PHASED.map((p) => (
              <label key={p.key} className={`segment${phased === p.value ? ' is-selected' : ''}`}>
                <input
                  type="radio"
                  name="phased-release"
                  value={p.key}
                  checked={phased === p.value}
                  onChange={() => changeRelease((s) => setPhasedRelease(s, p.value))}
                />
                {p.label}
              </label>
            ))}
          </div>
        </fieldset>
        <OptionCheck option="cancelPreviousSubmissions">Cancel previous submissions</OptionCheck>
      </fieldset>
    </section>
  )
}

/**
 * "What's New" for an update only (App Store Connect refuses it on a first version): one field per locale
 * of the version, primary first; the other locales use the primary text unless given their own.
 */
function WhatsNewField() {
  const notes = usePlanStore((s) => s.plan?.releaseNotes ?? null)
  const state = useReleaseStore((s) => s)
  if (!notes?.update || notes.locales.length === 0) return null
  const locales = notes.locales
  const primary = locales[0]!
  return (
    <fieldset className="field whats-new" aria-describedby="whats-new-hint">
      <legend className="field-label">What’s New</legend>
      <p id="whats-new-hint" className="hint">
        This version is an update: App Store review needs its release notes in every locale.
        {locales.length > 1 ? ` Other locales use the ${primary} text unless you give them their own.` : ''}
      </p>
      {locales.map((locale) => {
        const id = `whats-new-${locale}`
        const isPrimary = locale === primary
        return (
          <div key={locale} className="whats-new-locale">
            <label htmlFor={id} className="field-label-inline">
              {isPrimary ? `${locale} (primary)` : locale}
            </label>
            <textarea
              id={id}
              className="input textarea"
              rows={isPrimary ? 3 : 2}
              maxLength={4000}
              value={whatsNewField(state, locale, primary)}
              placeholder={isPrimary ? 'What changed in this version' : `Same as ${primary}`}
              onChange={(e) => {
                const value = e.currentTarget.value
                changeRelease((s) => setWhatsNewText(s, locales, locale, value), 600)
              }}
            />
          </div>
        )
      })}
    </fieldset>
  )
}
