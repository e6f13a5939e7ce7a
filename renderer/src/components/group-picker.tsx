import { useVirtualizer } from '@tanstack/react-virtual'
import { useMemo, useRef } from 'react'
import { refreshGroups } from '../actions/groups-actions'
import { changeRelease } from '../actions/release-actions'
import { filterGroups, setGroupQuery, unknownGroupNames, useGroupsStore } from '../stores/groups-store'
import { deselectGroups, selectGroups, toggleGroup, useReleaseStore } from '../stores/release-store'
import { ErrorAlert } from './error-alert'

const ROW_HEIGHT = 32
/** Seven rows show at once; the list scrolls beyond that. */
const LIST_MAX_HEIGHT = ROW_HEIGHT * 7

/** The app's beta groups; virtualized so a thousand groups scroll and filter without delay. */
export function GroupPicker({ appFound }: { readonly appFound: boolean }) {
  const groups = useGroupsStore((s) => s.groups)
  const phase = useGroupsStore((s) => s.phase)
  const error = useGroupsStore((s) => s.error)
  const query = useGroupsStore((s) => s.query)
  const chosen = useReleaseStore((s) => s.settings.betaGroups)
  const chosenSet = useMemo(() => new Set(chosen), [chosen])
  const shown = useMemo(() => filterGroups(groups, query), [groups, query])
  const unknown = phase === 'ready' ? unknownGroupNames(groups, chosen) : []
  const scroller = useRef<HTMLDivElement>(null)
  // The virtualizer hands back fresh functions each render; the compiler must not memoize around it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  const shownNames = shown.map((g) => g.name)

  return (
    <div className="groups" role="group" aria-labelledby="groups-heading">
      <div className="groups-header">
        <h3 id="groups-heading" className="subheading">
          Beta groups
        </h3>
        <span className="muted" aria-live="polite">
          {chosen.length} selected{groups.length > 0 ? ` of ${groups.length}` : ''}
        </span>
      </div>
      {!appFound ? (
        <p className="muted">Groups appear once the app is found in App Store Connect.</p>
      ) : (
        <>
          <div className="groups-toolbar">
            <input
              type="search"
              className="input input-search"
              placeholder="Search groups"
              aria-label="Search groups"
              value={query}
              onChange={(e) => {
                const value = e.currentTarget.value
                useGroupsStore.setState((s) => setGroupQuery(s, value))
              }}
            />
            <button
              type="button"
              className="button button-small"
              onClick={() => changeRelease((s) => selectGroups(s, shownNames))}
              disabled={shown.length === 0}
            >
              Select all
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => changeRelease((s) => deselectGroups(s, shownNames))}
              disabled={shown.length === 0}
            >
              Select none
            </button>
            <button
              type="button"
              className="button button-small button-icon"
              onClick={() => void refreshGroups()}
              aria-label="Refresh groups"
              title="Refresh groups"
              disabled={phase === 'loading'}
            >
              ↻
            </button>
          </div>
          <ErrorAlert message={error} />
          {phase === 'loading' && groups.length === 0 ? <p className="muted">Fetching groups…</p> : null}
          {phase === 'ready' && groups.length === 0 ? (
            <p className="muted">
              This app has no beta groups yet: create them in App Store Connect → TestFlight.
            </p>
          ) : null}
          {groups.length > 0 && shown.length === 0 ? (
            <p className="muted">No group matches “{query}”.</p>
          ) : null}
          {shown.length > 0 ? (
            <div
              ref={scroller}
              className="group-scroller"
              data-testid="group-list"
              style={{ height: Math.min(LIST_MAX_HEIGHT, shown.length * ROW_HEIGHT) }}
            >
              <ul className="group-list" style={{ height: virtualizer.getTotalSize() }}>
                {virtualizer.getVirtualItems().map((row) => {
                  const group = shown[row.index]
                  if (!group) return null
                  const id = `group-${row.index}-${group.id}`
                  return (
                    <li
                      key={group.id}
                      className="group-row"
                      style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
                    >
                      <input
                        id={id}
                        type="checkbox"
                        checked={chosenSet.has(group.name)}
                        onChange={() => changeRelease((s) => toggleGroup(s, group.name))}
                      />
                      <label htmlFor={id} className="group-name">
                        {group.name}
                      </label>
                      <span className={`tag ${group.isInternal ? 'tag-internal' : 'tag-external'}`}>
                        {group.isInternal ? 'Internal' : 'External'}
                      </span>
                    </li>
                  )
                })}
              </ul>
            </div>
          ) : null}
          {unknown.length > 0 ? (
            <p className="problem problem-warning">
              Not in App Store Connect: {unknown.join(', ')}. Create {unknown.length === 1 ? 'it' : 'them'}{' '}
              there or{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => changeRelease((s) => deselectGroups(s, unknown))}
              >
                remove from the selection
              </button>
              .
            </p>
          ) : null}
        </>
      )}
    </div>
  )
}
