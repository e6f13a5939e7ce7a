import { api, errorMessage } from '../api'
import { useBuildStore } from '../stores/build-store'
import { useGroupsStore } from '../stores/groups-store'
import { releaseFacts } from '../outcome-text'
import { checkPublish, planPending, usePlanStore, waitsOnlyForPlan } from '../stores/plan-store'
import { useReleaseStore } from '../stores/release-store'
import type { PublishEvent } from '../../../shared/publish-events'
import {
  applyEvent,
  emptyRun,
  isRunActive,
  newWatchedRun,
  runResumed,
  runStateWithEvent,
  runTitle,
  watchedRunFromLive,
  watchedRunFromRecord,
  useRunStore,
  type WatchedRun,
} from '../stores/run-store'
import type { RunRecord } from '../../../shared/ipc'
import type { LogLine } from '../../../shared/run-progress'
import { loadHistory } from './history-actions'
import { currentRequest } from './plan-actions'

let early: PublishEvent[] = []

function catchUp(view: WatchedRun): WatchedRun {
  const events = early.filter((e) => e.runId === view.runId)
  early = []
  return events.reduce(applyEvent, view)
}

/** Publish events feed the run store for the whole life of the window. */
export function listenForPublishEvents(): () => void {
  return api().onPublishEvent((event) => {
    // Between "start"/"resume" and its reply the run id is not known yet, and while the window attaches to a
    // run going on it does not know which events main has folded in yet: keep events until it does.
    const busy = useRunStore.getState().busy
    if (busy === 'starting' || busy === 'resuming' || busy === 'attaching') {
      early.push(event)
      return
    }
    useRunStore.setState((s) => runStateWithEvent(s, event))
    if (event.type === 'run-finished') void loadHistory()
  })
}

/** Why Publish cannot run now, from the window's state as it is. */
function blockersNow(): readonly string[] {
  return checkPublish({
    build: useBuildStore.getState().summary,
    plan: usePlanStore.getState(),
    release: useReleaseStore.getState(),
    runActive: isRunActive(useRunStore.getState().current),
    now: Date.now(),
  }).blockers
}

/** Resolves once no plan is on its way (or the build changed, which the caller checks). */
function planSettled(): Promise<void> {
  const file = useBuildStore.getState().file
  return new Promise((resolve) => {
    const done = (): boolean =>
      !planPending(usePlanStore.getState()) || useBuildStore.getState().file !== file
    if (done()) return resolve()
    const stop = (): void => {
      if (!done()) return
      offPlan()
      offBuild()
      resolve()
    }
    const offPlan = usePlanStore.subscribe(stop)
    const offBuild = useBuildStore.subscribe(stop)
  })
}

/**
 * The Publish button. A click while the plan for the settings on screen is still on its way (settings just
 * changed, a build just chosen) is kept: the run starts when the plan comes, or the window says why it did
 * not. No click is dropped in the moment between a change and its plan.
 */
export async function startPublish(): Promise<void> {
  const busy = useRunStore.getState().busy
  if (busy === 'waiting' || busy === 'starting') return
  const file = useBuildStore.getState().file
  if (waitsOnlyForPlan(blockersNow())) {
    useRunStore.setState({ ...emptyRun, busy: 'waiting' })
    await planSettled()
    if (useRunStore.getState().busy !== 'waiting') return
    // The person closed the build or chose another: the click was for the build they left.
    if (useBuildStore.getState().file !== file) {
      useRunStore.setState(emptyRun)
      return
    }
  }
  const blockers = blockersNow()
  if (blockers.length > 0) {
    useRunStore.setState({ ...emptyRun, error: `Publish did not start: ${blockers[0]}` })
    return
  }
  await beginPublish()
}

async function beginPublish(): Promise<void> {
  const request = currentRequest()
  const summary = useBuildStore.getState().summary
  if (!request || !summary) return
  const app = useBuildStore.getState().app
  const plan = usePlanStore.getState().plan
  useRunStore.setState({ ...emptyRun, busy: 'starting' })
  try {
    const { runId } = await api().startPublish(request)
    const title = runTitle({
      name: app?.name ?? summary.displayName ?? summary.bundleId,
      version: summary.version,
      buildNumber: summary.buildNumber,
    })
    const facts = releaseFacts(
      request.settings,
      useGroupsStore.getState().groups,
      useReleaseStore.getState().schedule.timeZone,
    )
    const view = newWatchedRun(runId, title, new Date().toISOString(), plan?.steps ?? [], {
      version: summary.version,
      buildNumber: summary.buildNumber,
      facts,
    })
    useRunStore.setState({ current: catchUp(view), busy: null, error: null })
  } catch (error) {
    early = []
    useRunStore.setState({ ...emptyRun, error: errorMessage(error) })
  }
}

export async function cancelPublish(): Promise<void> {
  const run = useRunStore.getState().current
  if (!run || run.outcome !== null) return
  useRunStore.setState((s) => ({ ...s, busy: 'canceling' }))
  try {
    await api().cancelPublish(run.runId)
  } catch (error) {
    useRunStore.setState((s) => ({ ...s, busy: null, error: errorMessage(error) }))
  }
}

export async function resumeRun(run: WatchedRun): Promise<void> {
  useRunStore.setState({ current: run, busy: 'resuming', error: null })
  try {
    const { runId } = await api().resumePublish(run.runId)
    useRunStore.setState((s) => ({
      ...s,
      busy: null,
      current: s.current ? catchUp(runResumed(s.current, runId)) : null,
    }))
  } catch (error) {
    early = []
    useRunStore.setState((s) => ({ ...s, busy: null, error: errorMessage(error) }))
  }
}

export function resumeRecord(record: RunRecord, log: readonly LogLine[] = []): Promise<void> {
  return resumeRun(watchedRunFromRecord(record, log))
}

/** A change to the build or the settings: why Publish did not start last time is about what was there then. */
export function forgetStartError(): void {
  if (useRunStore.getState().error !== null && useRunStore.getState().current === null)
    useRunStore.setState((s) => ({ ...s, error: null }))
}

/** Back to the build and settings after a run ended. */
export function dismissRun(): void {
  useRunStore.setState(emptyRun)
}

/**
 * A run still going when the window opened (the window was reloaded, or closed and opened again): main
 * owns it, and hands over its steps, bytes and whole log; events that arrived meanwhile follow.
 */
export async function attachRunningRun(): Promise<void> {
  if (useRunStore.getState().current || useRunStore.getState().busy) return
  useRunStore.setState({ ...emptyRun, busy: 'attaching' })
  try {
    const live = await api().getLiveRun()
    const later = early
    early = []
    if (live) {
      useRunStore.setState({ ...emptyRun, current: watchedRunFromLive(live, later) })
      return
    }
    useRunStore.setState(emptyRun)
  } catch {
    early = []
    useRunStore.setState(emptyRun)
  }
  // Not going on in this process (another Ascent runs it): what its journal says.
  try {
    const runs = await api().listRuns()
    const running = runs
      .filter((r) => r.outcome === null)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]
    if (!running) return
    const log = await api()
      .getRunLog(running.runId)
      .then((file) => file.lines)
      .catch(() => [])
    if (!useRunStore.getState().current)
      useRunStore.setState({ ...emptyRun, current: watchedRunFromRecord(running, log) })
  } catch {
    // History is optional at start-up; the History screen shows the error when opened.
  }
}
