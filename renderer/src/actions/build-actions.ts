import { FileRef } from '../../../shared/ipc'
import { api, errorMessage } from '../api'
import {
  appLookupFailed,
  appLookupFinished,
  appLookupStarted,
  clearBuild,
  fileRejected,
  inspectFailed,
  inspectStarted,
  inspectSucceeded,
  useBuildStore,
} from '../stores/build-store'
import { clearGroups, useGroupsStore } from '../stores/groups-store'
import { planCleared, usePlanStore } from '../stores/plan-store'
import { applySuggestedCopyright, useReleaseStore } from '../stores/release-store'
import { loadGroups } from './groups-actions'
import { requestPlan } from './plan-actions'
import { recallRelease } from './release-actions'
import { forgetStartError } from './run-actions'

// .zip goes on to inspection: a zipped .app is told to export a .pkg, in the CLI's words.
const BUILD_EXTENSIONS = ['.ipa', '.pkg', '.zip'] as const

function isBuildFileName(name: string): boolean {
  const lower = name.toLowerCase()
  return BUILD_EXTENSIONS.some((ext) => lower.endsWith(ext))
}

/** "Could not open X: reason." — the file named, one sentence, whatever the reason's own casing. */
function cannotOpen(name: string, reason: string): string {
  const text = reason.trim().replace(/[.]$/, '')
  return `Could not open ${name}: ${text}.`
}

/** A dropped or chosen DOM File: main turns it into a FileRef, then inspects it. */
export async function openBuildFile(file: File): Promise<void> {
  if (!isBuildFileName(file.name)) {
    useBuildStore.setState((s) =>
      fileRejected(s, `${file.name} is not a build: choose an .ipa or .pkg file.`),
    )
    return
  }
  let ref: FileRef
  try {
    ref = await api().fileFromDrop(file)
  } catch (error) {
    useBuildStore.setState((s) => fileRejected(s, cannotOpen(file.name, errorMessage(error))))
    return
  }
  await inspect(ref)
}

/** Electron's native dialog; returns false when the transport has none (the caller then opens the file input). */
export async function chooseBuildNatively(): Promise<boolean> {
  if (api().transport !== 'electron') return false
  const ref = await api().chooseBuild()
  if (ref) await inspect(ref)
  return true
}

export async function inspect(file: FileRef): Promise<void> {
  const before = useBuildStore.getState()
  const formBefore = useReleaseStore.getState()
  useBuildStore.setState((s) => inspectStarted(s, file))
  forgetStartError()
  usePlanStore.setState((s) => planCleared(s))
  useGroupsStore.setState(clearGroups())
  try {
    const summary = await api().inspectBuild(file)
    useBuildStore.setState((s) => inspectSucceeded(s, file, summary))
    // Before the copyright suggestion and the plan: both go by the settings this app had last time.
    await recallRelease(summary, formBefore)
  } catch (error) {
    const message = cannotOpen(file.name, errorMessage(error))
    // Not a build: the build loaded before stays, with its app, plan and groups read again.
    if (before.summary && before.phase === 'ready' && useBuildStore.getState().file?.id === file.id) {
      useBuildStore.setState({ ...before, error: message })
    } else {
      useBuildStore.setState((s) => inspectFailed(s, file, message))
      return
    }
  }
  await Promise.all([findApp(), requestPlan()])
}

export async function findApp(): Promise<void> {
  const summary = useBuildStore.getState().summary
  if (!summary) return
  useBuildStore.setState((s) => appLookupStarted(s))
  try {
    const app = await api().findApp(summary.bundleId, summary.platform)
    useBuildStore.setState((s) => appLookupFinished(s, summary.bundleId, app))
    if (app) {
      useReleaseStore.setState((s) => applySuggestedCopyright(s, app.suggestedCopyright))
      await loadGroups(app.id)
    }
  } catch (error) {
    useBuildStore.setState((s) => appLookupFailed(s, summary.bundleId, errorMessage(error)))
  }
}

/** Sandbox only: gives the build's bundle id an app record (with beta groups), then reads app and plan again. */
export async function addAppToSandbox(): Promise<void> {
  const summary = useBuildStore.getState().summary
  if (!summary) return
  useBuildStore.setState((s) => appLookupStarted(s))
  try {
    await api().addSandboxApp({ bundleId: summary.bundleId, platform: summary.platform })
  } catch (error) {
    useBuildStore.setState((s) => appLookupFailed(s, summary.bundleId, errorMessage(error)))
    return
  }
  await Promise.all([findApp(), requestPlan()])
}

export function closeBuild(): void {
  useBuildStore.setState(clearBuild())
  forgetStartError()
  useGroupsStore.setState(clearGroups())
  usePlanStore.setState((s) => planCleared(s))
}

/** Where the window keeps its chosen build across a reload: this window's session, gone when it closes. */
const CHOSEN_BUILD_KEY = 'ascent.chosen-build'

function writeChosenBuild(file: FileRef | null): void {
  try {
    if (file) sessionStorage.setItem(CHOSEN_BUILD_KEY, JSON.stringify(file))
    else sessionStorage.removeItem(CHOSEN_BUILD_KEY)
  } catch {
    // Storage turned off: a reload then starts empty, as it did before.
  }
}

function readChosenBuild(): FileRef | null {
  try {
    const text = sessionStorage.getItem(CHOSEN_BUILD_KEY)
    if (text === null) return null
    const parsed = FileRef.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The build read last is the window's until it is closed or a file fails to open with none before it. */
export function keepChosenBuild(): () => void {
  return useBuildStore.subscribe((state, previous) => {
    if (state.file === previous.file && state.phase === previous.phase) return
    if (state.phase === 'ready' && state.file) writeChosenBuild(state.file)
    else if (state.phase === 'empty' || (state.phase === 'failed' && !state.summary)) writeChosenBuild(null)
  })
}

/**
 * A reload of the window (no run going, or one going) keeps the build that was chosen: main still holds the
 * file it was given, so it is read again, with its app's remembered settings and a fresh plan. When main no
 * longer knows it (Ascent was restarted), the drop zone says to choose it again.
 */
export async function reopenChosenBuild(): Promise<void> {
  const file = readChosenBuild()
  if (!file || useBuildStore.getState().phase !== 'empty') return
  await inspect(file)
}
