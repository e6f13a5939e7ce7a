import { useEffect, useRef } from 'react'
import type { BuildSummary } from '../../../shared/build-summary'
import { closeBuild } from '../actions/build-actions'
import { useBuildPicker } from './file-picker'
import { devicesLabel, formatBytes, platformLabel, profileLabel } from '../format'
import type { BuildState } from '../stores/build-store'
import { useReleaseStore } from '../stores/release-store'
import { ErrorAlert } from './error-alert'
import { OptionCheck } from './option-check'

function expiry(iso: string): string {
  const t = new Date(iso)
  return Number.isNaN(t.getTime()) ? iso : t.toISOString().slice(0, 10)
}

function Icon({ summary, name }: { readonly summary: BuildSummary; readonly name: string }) {
  if (summary.iconDataUrl)
    return <img className="app-icon" src={summary.iconDataUrl} alt="" width={56} height={56} />
  return (
    <div className="app-icon app-icon-placeholder" aria-hidden="true">
      {name.slice(0, 1).toUpperCase()}
    </div>
  )
}

/** The file whose card last took focus: a new build moves focus once, a re-render does not. */
let focusedFileId: string | null = null

export function BuildCard({ build }: { readonly build: BuildState }) {
  const picker = useBuildPicker()
  const heading = useRef<HTMLHeadingElement>(null)
  const readyFileId = build.phase === 'ready' && build.summary ? (build.file?.id ?? null) : null
  useEffect(() => {
    // After choosing a build the hand is on the card, not on the page or the hidden file input.
    if (readyFileId === null || readyFileId === focusedFileId) return
    focusedFileId = readyFileId
    heading.current?.focus()
  }, [readyFileId])
  const usesEncryption = useReleaseStore((s) => s.settings.usesNonExemptEncryption)
  const summary = build.summary

  if (build.phase === 'inspecting' || !summary) {
    return (
      <section className="card build-card" aria-labelledby="build-heading" aria-busy="true">
        <h2 id="build-heading" className="card-title">
          Build
        </h2>
        <p className="muted">Reading {build.file?.name ?? 'the build'}…</p>
      </section>
    )
  }

  const name = build.app?.name ?? summary.displayName ?? build.file?.name ?? summary.bundleId
  const profile = summary.profile
  return (
    <section className="card build-card" aria-labelledby="build-heading">
      <div className="card-header">
        <h2 id="build-heading" className="card-title" tabIndex={-1} ref={heading}>
          Build
        </h2>
        <div className="card-actions">
          <button type="button" className="button button-small" onClick={() => void picker.choose()}>
            Choose build…
          </button>
          <button type="button" className="button button-small button-quiet" onClick={closeBuild}>
            Close
          </button>
        </div>
        {picker.input}
      </div>
      <ErrorAlert message={build.error} />
      <div className="build-identity">
        <Icon summary={summary} name={name} />
        <div>
          <div className="build-name">{name}</div>
          <div className="build-line">
            <span className="mono">{summary.bundleId}</span>
            <span>
              {summary.version} ({summary.buildNumber})
            </span>
            <span>{platformLabel(summary.platform)}</span>
          </div>
        </div>
      </div>
      <dl className="facts">
        <dt>Devices</dt>
        <dd>{summary.deviceFamilies.length > 0 ? devicesLabel(summary.deviceFamilies) : '—'}</dd>
        <dt>Minimum OS</dt>
        <dd>
          {summary.minimumOSVersion ? `${platformLabel(summary.platform)} ${summary.minimumOSVersion}+` : '—'}
        </dd>
        <dt>Profile</dt>
        <dd>
          {profile ? (
            <>
              {profileLabel(profile.type)} ·{' '}
              {profile.teamName ? `${profile.teamName} (${profile.teamId})` : profile.teamId} ·{' '}
              <span className="nowrap">expires {expiry(profile.expiresAt)}</span>
            </>
          ) : (
            'None embedded'
          )}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(summary.sizeBytes)}</dd>
        {summary.extensions.length > 0 ? (
          <>
            <dt>Extensions</dt>
            <dd>{summary.extensions.map((x) => x.kind || x.bundleId).join(', ')}</dd>
          </>
        ) : null}
        <dt>File</dt>
        <dd className="truncate" title={build.file?.path}>
          {build.file?.name}
        </dd>
      </dl>
      {summary.usesNonExemptEncryption === null || summary.usesNonExemptEncryption === undefined ? (
        <div className="note">
          <p data-code="EXPORT_COMPLIANCE_MISSING">
            Info.plist has no ITSAppUsesNonExemptEncryption: Ascent answers App Store Connect’s
            export-compliance question with “{usesEncryption ? 'Yes' : 'No'}”. Add the key to Info.plist to
            make the answer part of the build.
          </p>
          <OptionCheck option="usesNonExemptEncryption">Uses non-exempt encryption</OptionCheck>
        </div>
      ) : null}
    </section>
  )
}
