import { addAppToSandbox, findApp } from '../actions/build-actions'
import type { BuildState } from '../stores/build-store'
import { useNavigationStore } from '../stores/navigation-store'

/** The App Store Connect app with the build's bundle id. */
export function AppMatch({ build }: { readonly build: BuildState }) {
  const bundleId = build.summary?.bundleId ?? ''
  const sandbox = useNavigationStore((s) => s.connection?.mode === 'sandbox')
  return (
    <section
      className="card app-match"
      aria-labelledby="app-heading"
      aria-busy={build.appPhase === 'loading'}
    >
      <h2 id="app-heading" className="card-title">
        App Store Connect
      </h2>
      {build.appPhase === 'loading' || build.appPhase === 'idle' ? (
        <p className="muted">Looking for {bundleId}…</p>
      ) : build.appPhase === 'found' && build.app ? (
        <div className="app-found">
          <div>
            <span className="app-name">{build.app.name}</span>{' '}
            <span className="muted">· Apple ID {build.app.id}</span>
          </div>
          <div className="muted">
            {build.app.currentVersion
              ? `Current version ${build.app.currentVersion.versionString} · ${build.app.currentVersion.state.replaceAll('_', ' ').toLowerCase()}`
              : 'No App Store version yet'}
          </div>
          {sandbox ? (
            <div className="muted">In the sandbox: nothing here is on appstoreconnect.apple.com.</div>
          ) : (
            <a href={build.app.link} target="_blank" rel="noreferrer">
              Open in App Store Connect
            </a>
          )}
        </div>
      ) : build.appPhase === 'missing' && sandbox ? (
        <div className="app-missing-sandbox">
          <p className="problem problem-error" role="alert" data-code="APP_NOT_FOUND">
            The sandbox has no app with bundle id <span className="mono">{bundleId}</span>. Add one (with two
            internal and two external TestFlight groups) to try publishing this build.
          </p>
          <button type="button" className="button button-small" onClick={() => void addAppToSandbox()}>
            Add this app to the sandbox
          </button>
        </div>
      ) : build.appPhase === 'missing' ? (
        <p className="problem problem-error" role="alert" data-code="APP_NOT_FOUND">
          No app with bundle id <span className="mono">{bundleId}</span> in App Store Connect: create the app
          record (Apps → + → New App) with exactly this bundle id, or check the key’s team; then check again.{' '}
          <button type="button" className="link-button" onClick={() => void findApp()}>
            Check again
          </button>
        </p>
      ) : (
        <p className="problem problem-error" role="alert">
          {build.appError}{' '}
          <button type="button" className="link-button" onClick={() => void findApp()}>
            Try again
          </button>
        </p>
      )}
    </section>
  )
}
