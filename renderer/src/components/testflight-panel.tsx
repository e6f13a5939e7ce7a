import { changeRelease } from '../actions/release-actions'
import { setWhatToTest, useReleaseStore } from '../stores/release-store'
import { GroupPicker } from './group-picker'
import { OptionCheck } from './option-check'

export function TestFlightPanel({ appFound }: { readonly appFound: boolean }) {
  const submit = useReleaseStore((s) => s.settings.submitToTestflight)
  const whatToTest = useReleaseStore((s) => s.settings.whatToTest)
  return (
    <section className="panel" aria-labelledby="testflight-heading">
      <h2 id="testflight-heading" className="panel-title">
        TestFlight
      </h2>
      <OptionCheck option="submitToTestflight">Submit to TestFlight</OptionCheck>
      <p className="hint">Submits the build for beta review, which external groups need.</p>
      <OptionCheck option="expireBuildSubmittedForReview" disabled={!submit} describedBy="expire-hint">
        Expire build submitted for review
      </OptionCheck>
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
            changeRelease((s) => setWhatToTest(s, value), 600)
          }}
        />
      </div>
    </section>
  )
}
