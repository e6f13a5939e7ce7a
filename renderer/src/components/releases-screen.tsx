import { useEffect, useId, useRef, useState } from 'react'
import type { WatchedApp } from '../../../shared/ipc'
import {
  PHASED_PERCENT,
  possibleActions,
  RELEASE_ACTION_WORDS,
  stateInWords,
  type VersionStatus,
} from '../../../shared/release-status'
import {
  acknowledgeRejection,
  askForNotifications,
  confirmAction,
  loadWatchedApps,
  unwatchApp,
  watchApp,
} from '../actions/releases-actions'
import { formatWhen, platformLabel } from '../format'
import { useReleasesStore } from '../stores/releases-store'
import { ErrorAlert, ScreenHeader } from './error-alert'

const REJECTED = ['REJECTED', 'METADATA_REJECTED', 'INVALID_BINARY']

function releaseLine(v: VersionStatus): string {
  const parts: string[] = []
  const onSale = v.appStoreState === 'READY_FOR_SALE'
  const submission = v.reviewSubmissionState ? stateInWords(v.reviewSubmissionState) : null
  // The submission's state only when it says more than the version's (a rejection's unresolved issues).
  if (submission && !onSale && submission !== stateInWords(v.appStoreState))
    parts.push(`Review submission: ${submission.toLowerCase()}`)
  // How it will be released; once on sale that no longer matters.
  if (!onSale && v.releaseType === 'MANUAL') parts.push('You release it once approved')
  if (!onSale && v.releaseType === 'AFTER_APPROVAL') parts.push('Goes on the App Store once approved')
  if (!onSale && v.releaseType === 'SCHEDULED')
    parts.push(
      v.earliestReleaseDate
        ? `Goes on the App Store once approved, not before ${formatWhen(v.earliestReleaseDate)}`
        : 'Scheduled',
    )
  const p = v.phasedRelease
  if (p) {
    parts.push(
      p.state === 'ACTIVE'
        ? `Phased release day ${p.currentDayNumber} of 7 (${PHASED_PERCENT[p.currentDayNumber - 1] ?? 100}%)`
        : p.state === 'PAUSED'
          ? `Phased release paused on day ${p.currentDayNumber}`
          : p.state === 'COMPLETE'
            ? 'Phased release complete'
            : 'Phased release when released',
    )
  }
  return parts.join(' · ')
}

/**
 * The question an action asks before it goes to App Store Connect, under the version it is about. The focus
 * moves to Cancel (nothing is sent by a stray Enter); Escape or Cancel closes it.
 */
function ReleaseConfirm(props: {
  readonly question: string
  readonly yes: string
  readonly busy: boolean
  readonly onYes: () => void
  readonly onCancel: () => void
}) {
  const questionId = useId()
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  return (
    <div className="release-confirm" role="group" aria-label="Confirm" aria-describedby={questionId}>
      <p id={questionId}>{props.question}</p>
      <button
        type="button"
        className="button button-small button-primary"
        disabled={props.busy}
        onClick={props.onYes}
      >
        {props.yes}
      </button>
      <button ref={cancel} type="button" className="button button-small" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  )
}

function VersionRow({ app, version }: { readonly app: WatchedApp; readonly version: VersionStatus }) {
  const confirming = useReleasesStore((s) => s.confirming)
  const busy = useReleasesStore((s) => s.busy)
  const actions = possibleActions(version)
  const pending =
    confirming?.bundleId === app.bundleId &&
    confirming.versionString === version.versionString &&
    confirming.platform === version.platform
      ? confirming
      : null
  const rejected = REJECTED.includes(version.appStoreState)
  const row = useRef<HTMLLIElement>(null)
  // Closing the question puts the focus back on the button that asked it.
  const cancel = (): void => {
    if (!pending) return
    useReleasesStore.setState({ confirming: null })
    row.current?.querySelector<HTMLButtonElement>(`button[data-action="${pending.action}"]`)?.focus()
  }
  return (
    <li
      ref={row}
      className="release-version"
      data-version={version.versionString}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && pending) {
          e.stopPropagation()
          cancel()
        }
      }}
    >
      <div className="release-version-line">
        <span className="release-version-name">
          {platformLabel(version.platform)} {version.versionString}
          {version.build ? <span className="muted"> ({version.build})</span> : null}
        </span>
        <span className={`status release-state release-state-${version.appStoreState.toLowerCase()}`}>
          {stateInWords(version.appStoreState)}
        </span>
        <code className="muted release-state-code">{version.appStoreState}</code>
      </div>
      <p className="muted release-detail">{releaseLine(version)}</p>
      {actions.length > 0 || (rejected && !app.acknowledged.includes(version.versionString)) ? (
        <div className="release-actions">
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              data-action={action}
              className={`button button-small${action === 'now' ? ' button-primary' : ''}`}
              disabled={busy}
              onClick={() =>
                useReleasesStore.setState({
                  confirming: {
                    bundleId: app.bundleId,
                    versionString: version.versionString,
                    action,
                    platform: version.platform,
                  },
                  error: null,
                })
              }
            >
              {RELEASE_ACTION_WORDS[action].label}
            </button>
          ))}
          {rejected && !app.acknowledged.includes(version.versionString) ? (
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => void acknowledgeRejection(app.bundleId, version.versionString)}
            >
              Seen: stop watching
            </button>
          ) : null}
        </div>
      ) : null}
      {pending ? (
        <ReleaseConfirm
          question={`${RELEASE_ACTION_WORDS[pending.action].label} ${app.appName} ${version.versionString}: this ${RELEASE_ACTION_WORDS[pending.action].confirm}.`}
          yes={`Yes, ${RELEASE_ACTION_WORDS[pending.action].label.toLowerCase()}`}
          busy={busy}
          onYes={() => void confirmAction(pending)}
          onCancel={cancel}
        />
      ) : null}
    </li>
  )
}

function AppCard({ app }: { readonly app: WatchedApp }) {
  const focus = useReleasesStore((s) => s.focus)
  const status = app.status
  return (
    <section
      className={`card release-app${focus === app.bundleId ? ' is-focused' : ''}`}
      aria-label={`${app.appName} releases`}
      data-bundle-id={app.bundleId}
    >
      <header className="card-header">
        <h2 className="release-app-title">
          {app.appName} <span className="muted">{app.bundleId}</span>
        </h2>
        <span className="muted release-watch">
          {app.watching ? 'Watching' : 'Nothing in motion'}
          {app.lastCheckedAt ? ` · checked ${formatWhen(app.lastCheckedAt)}` : ''}
        </span>
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={() => void unwatchApp(app.bundleId)}
        >
          Remove
        </button>
      </header>
      {app.error ? <p className="problem problem-warning">Could not read the status: {app.error}</p> : null}
      {status === null ? <p className="muted">Reading…</p> : null}
      {status && status.versions.length === 0 ? <p className="muted">No App Store version yet.</p> : null}
      {status ? (
        <ul className="release-versions">
          {status.versions.map((v) => (
            <VersionRow key={`${v.platform}/${v.versionString}`} app={app} version={v} />
          ))}
        </ul>
      ) : null}
      {status && status.builds.length > 0 ? (
        <details className="release-builds">
          <summary>Builds ({status.builds.length})</summary>
          <ul>
            {status.builds.map((b) => (
              <li key={`${b.version}/${b.buildNumber}`}>
                {b.version} ({b.buildNumber}) · {stateInWords(b.processingState)}
                {b.betaReviewState ? ` · beta review ${stateInWords(b.betaReviewState).toLowerCase()}` : ''}
                {b.groups.length > 0 ? ` · ${b.groups.join(', ')}` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <h3 className="release-timeline-title">Timeline</h3>
      {app.timeline.length === 0 ? (
        <p className="muted">No change seen yet.</p>
      ) : (
        <ol className="release-timeline" aria-label={`${app.appName} timeline`}>
          {[...app.timeline].reverse().map((t, i) => (
            <li key={`${t.at}/${t.field}/${i}`}>
              <time dateTime={t.at}>{formatWhen(t.at)}</time> <strong>{t.name}</strong> {t.title}
              <span className="muted"> — {t.body}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

/** Releases: every watched app's live states, its timeline, and the actions its state allows. */
export function ReleasesScreen() {
  const apps = useReleasesStore((s) => s.apps)
  const loaded = useReleasesStore((s) => s.loaded)
  const error = useReleasesStore((s) => s.error)
  const busy = useReleasesStore((s) => s.busy)
  const [bundleId, setBundleId] = useState('')
  useEffect(() => {
    void loadWatchedApps()
  }, [])
  return (
    <div className="screen releases-screen">
      <ScreenHeader title="Releases" onRefresh={() => void loadWatchedApps()} />
      <form
        className="release-watch-form"
        onSubmit={(e) => {
          e.preventDefault()
          askForNotifications()
          if (bundleId.trim()) void watchApp(bundleId.trim())
        }}
      >
        <label htmlFor="watch-bundle-id">Watch an app</label>
        <input
          id="watch-bundle-id"
          className="input"
          placeholder="com.example.app"
          value={bundleId}
          onChange={(e) => setBundleId(e.target.value)}
        />
        <button type="submit" className="button button-small" disabled={busy || bundleId.trim() === ''}>
          Watch
        </button>
      </form>
      <ErrorAlert message={error} />
      {loaded && apps.length === 0 ? (
        <p className="empty-note">
          Nothing watched yet. Apps you submit for review appear here, with their review and release states.
        </p>
      ) : null}
      {apps.map((app) => (
        <AppCard key={app.bundleId} app={app} />
      ))}
    </div>
  )
}
