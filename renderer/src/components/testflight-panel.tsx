import { schedulePlan } from '../actions/plan-actions'
import { setOption, setWhatToTest, useReleaseStore, type BooleanOption } from '../stores/release-store'
import { GroupPicker } from './group-picker'

export function setAndPlan(option: BooleanOption, value: boolean): void {
  useReleaseStore.setState((s) => setOption(s, option, value))
  schedulePlan()
}

export function TestFlightPanel({ appFound }: { readonly appFound: boolean }) {
  const submit = useReleaseStore((s) => s.settings.submitToTestflight)
  const expire = useReleaseStore((s) => s.settings.expireBuildSubmittedForReview)
  const whatToTest = useReleaseStore((s) => s.settings.whatToTest)
  return (
    <section className="panel" aria-labelledby="testflight-heading">
      <h2 id="testflight-heading" className="panel-title">
        TestFlight
      </h2>
      <label className="check">
        <input
          type="checkbox"
          checked={submit}
          onChange={(e) => setAndPlan('submitToTestflight', e.currentTarget.checked)}
        />
        Submit to TestFlight
      </label>
      <p className="hint">Submits the build for beta review, which external groups need.</p>
      <label className={`check${submit ? '' : ' is-disabled'}`}>
        <input
          type="checkbox"
          checked={expire}
          disabled={!submit}
          aria-describedby="expire-hint"
          onChange={(e) => setAndPlan('expireBuildSubmittedForReview', e.currentTarget.checked)}
        />
        Expire build submitted for review
      </label>
      <p id="expire-hint" className="hint">
        Withdraws the build now waiting for beta review so this one can take its place.
      </p>
      <GroupPicker appFound={appFound} />
      <div className="field">
        <label htmlFor="what-to-test" className="field-label">
          What to Test
        </label>
        <textarea
          id="what-to-test"
          className="input textarea"
          rows={3}
          maxLength={4000}
          value={whatToTest ?? ''}
          placeholder="What testers should try in this build"
          onChange={(e) => {
            const value = e.currentTarget.value
            useReleaseStore.setState((s) => setWhatToTest(s, value))
            schedulePlan(600)
          }}
        />
      </div>
    </section>
  )
}
