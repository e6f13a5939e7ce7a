import type { BuildSummary, Platform } from '../../../shared/build-summary'
import type { ReleaseSettings } from '../../../shared/release-settings'
import { api } from '../api'
import { useBuildStore } from '../stores/build-store'
import { settingsRemembered, useConfigStore } from '../stores/config-store'
import {
  applyImportedSettings,
  keepEditsOver,
  type ReleaseState,
  setOption,
  useReleaseStore,
  type BooleanOption,
} from '../stores/release-store'
import { schedulePlan } from './plan-actions'
import { forgetStartError } from './run-actions'

/** A release setting changed: store it and ask for a fresh plan (a longer pause for typed text). */
export function changeRelease(change: (state: ReleaseState) => ReleaseState, planDelayMs?: number): void {
  useReleaseStore.setState(change)
  forgetStartError()
  schedulePlan(planDelayMs)
}

export function setAndPlan(option: BooleanOption, value: boolean): void {
  changeRelease((s) => setOption(s, option, value))
}

/** The app (platform + bundle id) whose settings the form holds; null until a build is chosen. */
let formApp: string | null = null
/** The app whose remembered settings are on their way: the form is not saved for it until they came. */
let recalling: string | null = null

function appKey(summary: Pick<BuildSummary, 'bundleId' | 'platform'>): string {
  return `${summary.platform} ${summary.bundleId}`
}

/**
 * A build was chosen: when it is another app than the form's, the settings last used for that app come back
 * (after a reload or restart too). A codemagic.yaml imported before the first build is kept: the person just
 * chose it. `formBefore` is the form when the build was chosen: what the person changed since (while the
 * build was read and the settings recalled) stays, and is remembered once the recall is in.
 */
export async function recallRelease(summary: BuildSummary, formBefore: ReleaseState): Promise<void> {
  const key = appKey(summary)
  if (key === formApp) return
  const first = formApp === null
  formApp = key
  if (first && useConfigStore.getState().applied) return
  recalling = key
  const remembered = await api()
    .recallRelease(summary.bundleId, summary.platform)
    .catch(() => null)
  if (formApp !== key) return
  recalling = null
  if (remembered !== null) {
    const recalled = applyImportedSettings(
      {
        ...formBefore,
        schedule: { ...formBefore.schedule, timeZone: remembered.timeZone ?? formBefore.schedule.timeZone },
      },
      remembered.settings,
    )
    useReleaseStore.setState((s) => keepEditsOver(recalled, formBefore, s))
    useConfigStore.setState((s) => settingsRemembered(s, summary.bundleId))
  } else if (useReleaseStore.getState() !== formBefore) remember(useReleaseStore.getState())
}

interface Save {
  readonly bundleId: string
  readonly platform: Platform
  readonly settings: ReleaseSettings
  readonly timeZone: string
}
let pending: Save | null = null
let saving = false

/** One save at a time, the latest settings last: typing sends no pile of writes, and none is lost. */
async function flush(): Promise<void> {
  if (saving) return
  saving = true
  while (pending) {
    const save = pending
    pending = null
    await api()
      .rememberRelease(save.bundleId, save.platform, { settings: save.settings, timeZone: save.timeZone })
      .catch(() => undefined)
  }
  saving = false
}

/** The form, for the chosen build's app. Not while that app's settings are being recalled: it would write over them. */
function remember(state: ReleaseState): void {
  const summary = useBuildStore.getState().summary
  if (!summary || appKey(summary) !== formApp || recalling === formApp) return
  pending = {
    bundleId: summary.bundleId,
    platform: summary.platform,
    settings: state.settings,
    timeZone: state.schedule.timeZone,
  }
  void flush()
}

/** Every change to the form is remembered for the chosen build's app, for the next time it is chosen. */
export function rememberReleaseChanges(): () => void {
  return useReleaseStore.subscribe((state, previous) => {
    if (state.settings === previous.settings && state.schedule.timeZone === previous.schedule.timeZone) return
    remember(state)
  })
}
