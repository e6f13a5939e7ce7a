import type { Problem } from '../../../shared/build-summary'
import { LongText } from './long-text'

/** Messages from inspection start with the thing ("signed with …"); shown alone they read better capitalised. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1)
}

/** Each problem says what is wrong and how to fix it; errors stop Publish, warnings do not. */
export function ProblemList({
  problems,
  label,
}: {
  readonly problems: readonly Problem[]
  readonly label: string
}) {
  if (problems.length === 0) return null
  const errors = problems.filter((p) => p.severity === 'error')
  const warnings = problems.filter((p) => p.severity === 'warning')
  return (
    <section className="problems" aria-label={label}>
      <ul className="problem-list">
        {[...errors, ...warnings].map((p) => (
          <li key={`${p.code}:${p.message}`} className={`problem problem-${p.severity}`} data-code={p.code}>
            <span className="problem-icon" aria-hidden="true">
              !
            </span>
            <span>
              <span className="visually-hidden">{p.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
              <LongText text={sentence(p.message)} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
