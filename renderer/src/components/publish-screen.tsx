import { useBuildStore } from '../stores/build-store'
import { useRunStore } from '../stores/run-store'
import { AppMatch } from './app-match'
import { AppStorePanel } from './app-store-panel'
import { BuildCard } from './build-card'
import { ConfigBar } from './config-bar'
import { DropZone } from './drop-zone'
import { PlanPanel } from './plan-panel'
import { ProblemList } from './problem-list'
import { RunView } from './run-view'
import { StoreInfoPanel } from './store-info-panel'
import { TestFlightPanel } from './testflight-panel'

export function PublishScreen({ dragging }: { readonly dragging: boolean }) {
  const build = useBuildStore((s) => s)
  const run = useRunStore((s) => s.current)
  if (run) {
    return (
      <div className="screen">
        <RunView run={run} />
      </div>
    )
  }
  const empty = build.phase === 'empty' || (build.phase === 'failed' && !build.summary)
  return (
    <div className={`screen publish-screen${empty ? ' is-empty' : ''}`}>
      <header className="screen-header">
        <h1 className="screen-title">Publish</h1>
        <ConfigBar />
      </header>
      {empty ? (
        <DropZone dragging={dragging} error={build.error} />
      ) : (
        <div className={`publish-grid${dragging ? ' is-dragging' : ''}`}>
          <div className="column column-build">
            <BuildCard build={build} />
            {build.summary ? (
              <ProblemList
                // The card's export-compliance note, with its Yes/No, is where that fact lives.
                problems={build.summary.problems.filter((p) => p.code !== 'EXPORT_COMPLIANCE_MISSING')}
                label="Build problems"
              />
            ) : null}
            {build.summary ? <AppMatch build={build} /> : null}
          </div>
          <div className="column column-release" aria-label="Release">
            <TestFlightPanel appFound={build.appPhase === 'found'} />
            <AppStorePanel />
            <StoreInfoPanel />
          </div>
          {/* After the settings in reading and Tab order; under the build on a wide window. */}
          {build.summary ? (
            <div className="column column-plan">
              <PlanPanel />
            </div>
          ) : null}
        </div>
      )}
    </div>
  )
}
