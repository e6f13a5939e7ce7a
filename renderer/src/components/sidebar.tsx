import { connectionBadge, navigate, useNavigationStore, type Screen } from '../stores/navigation-store'
import { isRunActive, useRunStore } from '../stores/run-store'

const SCREENS: readonly { readonly screen: Screen; readonly label: string }[] = [
  { screen: 'publish', label: 'Publish' },
  { screen: 'releases', label: 'Releases' },
  { screen: 'history', label: 'History' },
  { screen: 'keys', label: 'Keys' },
]

export function Sidebar() {
  const screen = useNavigationStore((s) => s.screen)
  const connection = useNavigationStore((s) => s.connection)
  const connectionError = useNavigationStore((s) => s.connectionError)
  const running = useRunStore((s) => isRunActive(s.current))
  const badge = connectionBadge(connection)
  const go = (to: Screen, focusAddKey = false): void =>
    useNavigationStore.setState((s) => navigate(s, to, focusAddKey))

  return (
    <aside className="sidebar">
      <div className="sidebar-title">Ascent</div>
      <nav aria-label="Screens">
        <ul className="nav-list">
          {SCREENS.map(({ screen: target, label }) => (
            <li key={target}>
              <button
                type="button"
                className="nav-item"
                aria-current={screen === target ? 'page' : undefined}
                onClick={() => go(target)}
              >
                {label}
                {target === 'publish' && running ? (
                  <span className="nav-activity" aria-label="publishing">
                    ●
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="connection" aria-label="Connection">
        {connectionError ? (
          <p className="connection-error">{connectionError}</p>
        ) : badge.kind === 'sandbox' ? (
          <>
            <div className="connection-line">
              <span className="badge badge-sandbox" title={badge.detail}>
                <span aria-hidden="true">◌</span> Sandbox
              </span>
            </div>
            <p className="connection-detail">{badge.detail}</p>
            <button type="button" className="link-button" onClick={() => go('keys', true)}>
              Add a real key
            </button>
          </>
        ) : badge.kind === 'connected' ? (
          <>
            <div className="connection-key">Key: {badge.label}</div>
            <div className="connection-line">
              <span className="badge badge-connected">
                <span aria-hidden="true">●</span> connected
              </span>
            </div>
          </>
        ) : (
          <div className="connection-line muted">{badge.label}</div>
        )}
      </div>
    </aside>
  )
}
