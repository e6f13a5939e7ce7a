import { useNow } from './use-now'
import { LongText } from './long-text'
import { hasBlockingProblems, type Problem } from '../../../shared/build-summary'
import { requestPlan } from '../actions/plan-actions'
import { startPublish } from '../actions/run-actions'
import { useBuildStore } from '../stores/build-store'
import { checkPublish, usePlanStore, waitsOnlyForPlan } from '../stores/plan-store'
import { useReleaseStore } from '../stores/release-store'
import { isRunActive, useRunStore } from '../stores/run-store'
import { ProblemList } from './problem-list'
import { ErrorAlert } from './error-alert'
import { inWindowWords } from '../window-words'

/** Problems with a home elsewhere on screen: the app card, the date field, the What's New and What to Test fields. */
const DATE_CODES = new Set([
  'RELEASE_DATE_MISSING',
  'RELEASE_DATE_INVALID',
  'RELEASE_DATE_WITHOUT_SCHEDULED',
  'RELEASE_DATE_PAST',
])

/** The Preflight step lists the problems it found; they are shown once, above, so the step points at them. */
function preflightActions(actions: readonly string[], problems: readonly Problem[]): readonly string[] {
  const said = new Set(problems.map((p) => p.message))
  const rest = actions.filter((a) => !said.has(a))
  return rest.length === actions.length ? actions : [...rest, 'Stops here until the problems shown are fixed']
}

/** The plan against live App Store Connect state, and the one button. */
export function PlanPanel() {
  const build = useBuildStore((s) => s.summary)
  const plan = usePlanStore((s) => s)
  const release = useReleaseStore((s) => s)
  const runActive = useRunStore((s) => isRunActive(s.current))
  const busy = useRunStore((s) => s.busy)
  const runError = useRunStore((s) => s.error)
  const now = useNow()
  const {
    blockers,
    schedule: scheduleCheck,
    whatsNewMissing,
    whatToTestMissing,
  } = checkPublish({ build, plan, release, runActive, now })
  const buildCodes = new Set((build?.problems ?? []).map((p: Problem) => `${p.code}:${p.message}`))
  const shownElsewhere = (p: Problem): boolean =>
    buildCodes.has(`${p.code}:${p.message}`) ||
    p.code === 'APP_NOT_FOUND' ||
    (DATE_CODES.has(p.code) && scheduleCheck.kind === 'invalid') ||
    (p.code === 'WHATS_NEW_MISSING' && whatsNewMissing.length > 0) ||
    (p.code === 'WHAT_TO_TEST_MISSING' && whatToTestMissing)
  const allProblems = plan.plan?.problems ?? []
  const planProblems = allProblems.filter((p) => !shownElsewhere(p))
  const refused = plan.plan !== null && hasBlockingProblems(plan.plan)
  const steps = plan.plan?.steps ?? []
  const waiting = busy === 'waiting'
  const starting = waiting || busy === 'starting'
  // Only the plan on its way: Publish takes the click and starts when the plan comes.
  const disabled = (blockers.length > 0 && !waitsOnlyForPlan(blockers)) || starting
  const reason = waiting
    ? 'Publish starts once the plan is checked.'
    : (runError ?? blockers[0] ?? 'Ready to publish.')

  return (
    <section className="card plan" aria-labelledby="plan-heading" aria-busy={plan.phase === 'loading'}>
      <div className="card-header">
        <h2 id="plan-heading" className="card-title">
          Plan
        </h2>
        <span className="muted plan-state" aria-live="polite">
          {plan.phase === 'loading'
            ? 'Checking App Store Connect…'
            : plan.phase === 'ready' && !refused
              ? 'Up to date'
              : ''}
        </span>
        <div className="card-actions">
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => void requestPlan()}
          >
            Check again
          </button>
        </div>
      </div>
      <ErrorAlert message={plan.error} />
      <ProblemList problems={planProblems} label="Preflight problems" />
      {steps.length > 0 ? (
        <ol className={`plan-steps${plan.phase === 'loading' ? ' is-stale' : ''}`}>
          {steps.map((step) => (
            <li
              key={step.step}
              className={`plan-step${step.skipped ? ' is-skipped' : ''}`}
              data-step={step.step}
            >
              <span className="plan-step-title">{step.title}</span>
              {step.skipped ? (
                <span className="muted"> — skipped</span>
              ) : (
                <ul className="plan-actions">
                  {(step.step === 'preflight'
                    ? preflightActions(step.actions, [...allProblems, ...(build?.problems ?? [])])
                    : step.actions
                  ).map((action) => (
                    <li key={action}>
                      <LongText text={inWindowWords(action)} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      ) : plan.phase === 'loading' || plan.phase === 'idle' ? (
        <p className="muted">Working out what Publish will do…</p>
      ) : null}
      {plan.plan?.resumesRunId ? (
        <p className="note">
          Publish resumes the unfinished run of this build: nothing done already is done twice.
        </p>
      ) : null}
      <div className="publish-bar">
        <p id="publish-blockers" className="muted publish-reason">
          {reason}
        </p>
        <button
          type="button"
          className="button button-primary"
          disabled={disabled}
          aria-describedby="publish-blockers"
          onClick={() => void startPublish()}
        >
          {starting ? 'Starting…' : 'Publish'}
        </button>
      </div>
    </section>
  )
}
