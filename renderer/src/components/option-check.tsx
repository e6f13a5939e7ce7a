import type { ReactNode } from 'react'
import { setAndPlan } from '../actions/release-actions'
import { useReleaseStore, type BooleanOption } from '../stores/release-store'

/** A checkbox bound to one yes/no release setting; changing it asks for a new plan. */
export function OptionCheck({
  option,
  children,
  disabled = false,
  describedBy,
  id,
}: {
  readonly option: BooleanOption
  /** For a control elsewhere that takes the focus here. */
  readonly id?: string
  readonly children: ReactNode
  readonly disabled?: boolean
  readonly describedBy?: string
}) {
  const checked = useReleaseStore((s) => s.settings[option])
  return (
    <label className={`check${disabled ? ' is-disabled' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => setAndPlan(option, e.currentTarget.checked)}
      />
      {children}
    </label>
  )
}
