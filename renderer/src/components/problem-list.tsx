import type { Problem } from '../../../shared/build-summary'
import { windowProblem } from '../window-words'
import { LongText } from './long-text'

/** Messages from inspection start with the thing ("signed with …"); shown alone they read better capitalised. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1)
}

/**
 * A problem about one bundle reads "<bundle>: <what> (ITMS-n): <fix>"; under the bundle's heading the
 * name, Apple's code and the fix are shown on their own, so what is left is the what.
 */
function whatOf(p: Problem): string {
  let text = p.message
  if (p.bundle && text.startsWith(`${p.bundle}: `)) text = text.slice(p.bundle.length + 2)
  if (p.fix && text.endsWith(`: ${p.fix}`)) text = text.slice(0, text.length - p.fix.length - 2)
  if (p.itms) text = text.replace(` (${p.itms})`, '')
  return text
}

function ProblemItem({ problem: p, grouped }: { readonly problem: Problem; readonly grouped: boolean }) {
  const split = grouped && p.fix !== undefined
  return (
    <li className={`problem problem-${p.severity}`} data-code={p.code}>
      <span className="problem-icon" aria-hidden="true">
        !
      </span>
      <span className="problem-body">
        <span className="visually-hidden">{p.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
        <span>
          <LongText text={sentence(split ? whatOf(p) : p.message)} />
          {split && p.itms ? <span className="problem-itms"> ({p.itms})</span> : null}
        </span>
        {split ? (
          <span className="problem-fix">
            <span className="problem-fix-label">Fix: </span>
            {sentence(p.fix ?? '')}
          </span>
        ) : null}
      </span>
    </li>
  )
}

/** Errors first, then warnings. */
function bySeverity(problems: readonly Problem[]): Problem[] {
  return [
    ...problems.filter((p) => p.severity === 'error'),
    ...problems.filter((p) => p.severity === 'warning'),
  ]
}

/** Bundle groups: the app (the shortest path) first, then its extensions and frameworks by path. */
function groupsOf(problems: readonly Problem[]): { bundle: string; problems: Problem[] }[] {
  const groups = new Map<string, Problem[]>()
  for (const p of problems) if (p.bundle) groups.set(p.bundle, [...(groups.get(p.bundle) ?? []), p])
  return [...groups.entries()]
    .sort(([a], [b]) => a.split('/').length - b.split('/').length || a.localeCompare(b))
    .map(([bundle, list]) => ({ bundle, problems: bySeverity(list) }))
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
  const shown = problems.map(windowProblem)
  const general = bySeverity(shown.filter((p) => !p.bundle))
  const groups = groupsOf(shown)
  return (
    <section className="problems" aria-label={label}>
      {general.length > 0 ? (
        <ul className="problem-list">
          {general.map((p) => (
            <ProblemItem key={`${p.code}:${p.message}`} problem={p} grouped={false} />
          ))}
        </ul>
      ) : null}
      {groups.map((group) => (
        <section key={group.bundle} className="problem-group" aria-label={group.bundle}>
          <h3 className="problem-group-title mono" title={group.bundle}>
            {group.bundle}
          </h3>
          <ul className="problem-list">
            {group.problems.map((p) => (
              <ProblemItem key={`${p.code}:${p.message}`} problem={p} grouped />
            ))}
          </ul>
        </section>
      ))}
    </section>
  )
}
