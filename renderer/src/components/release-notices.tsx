import { navigate, useNavigationStore } from '../stores/navigation-store'
import { focused, noticeDismissed, useReleasesStore } from '../stores/releases-store'

/** In-page notices of release transitions, on every screen: what happened and what to do next. */
export function ReleaseNotices() {
  const notices = useReleasesStore((s) => s.notices)
  return (
    <div className="release-notices" role="status" aria-live="polite">
      {notices.map(({ id, transition: t }) => (
        <div key={id} className="release-notice">
          <p className="release-notice-title">
            {t.appName} {t.name}: {t.title}
          </p>
          <p className="release-notice-body">{t.body}</p>
          <div className="release-notice-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                useReleasesStore.setState((s) => noticeDismissed(focused(s, t.bundleId), id))
                useNavigationStore.setState((s) => navigate(s, 'releases'))
              }}
            >
              Show in Releases
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              aria-label="Dismiss"
              onClick={() => useReleasesStore.setState((s) => noticeDismissed(s, id))}
            >
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  )
}
