import { Platform } from '../../../shared/build-summary'
import type { AppEvent } from '../../../shared/ipc'
import { stateInWords } from '../../../shared/release-status'
import type { ReleaseTransition } from '../../../shared/release-transitions'
import { api, errorMessage } from '../api'
import {
  appRemoved,
  appsLoaded,
  appUpdated,
  noticeAdded,
  type PendingAction,
  useReleasesStore,
} from '../stores/releases-store'

const set = useReleasesStore.setState

export async function loadWatchedApps(): Promise<void> {
  try {
    const apps = await api().listWatchedApps()
    set((s) => appsLoaded(s, apps))
  } catch (error) {
    set({ error: errorMessage(error), loaded: true })
  }
}

export async function watchApp(bundleId: string): Promise<void> {
  set({ busy: true, error: null })
  try {
    const app = await api().watchApp(bundleId)
    set((s) => ({ ...appUpdated(s, app), busy: false, focus: bundleId }))
  } catch (error) {
    set({ busy: false, error: errorMessage(error) })
  }
}

export async function unwatchApp(bundleId: string): Promise<void> {
  try {
    await api().unwatchApp(bundleId)
    set((s) => appRemoved(s, bundleId))
  } catch (error) {
    set({ error: errorMessage(error) })
  }
}

function statesInWords(message: string): string {
  return message.replace(/\b[A-Z]{2,}(?:_[A-Z]+)+\b/g, (state) => stateInWords(state).toLowerCase())
}

/** Sends the confirmed action; a refusal comes back in words (the state and what is possible). */
export async function confirmAction(pending: PendingAction): Promise<void> {
  set({ busy: true, error: null, confirming: null })
  try {
    const platform = Platform.safeParse(pending.platform)
    const app = await api().releaseAction({
      bundleId: pending.bundleId,
      versionString: pending.versionString,
      action: pending.action,
      ...(platform.success ? { platform: platform.data } : {}),
    })
    set((s) => ({ ...appUpdated(s, app), busy: false }))
  } catch (error) {
    // The refusal names App Store Connect's states; the screen says them in words, as its rows do.
    set({ busy: false, error: statesInWords(errorMessage(error)) })
  }
}

export async function acknowledgeRejection(bundleId: string, versionString: string): Promise<void> {
  try {
    const app = await api().acknowledgeRejection(bundleId, versionString)
    set((s) => appUpdated(s, app))
  } catch (error) {
    set({ error: errorMessage(error) })
  }
}

/** The browser's own notification too, when the user allowed it (Electron shows a native one from main). */
function systemNotification(t: ReleaseTransition): void {
  if (api().transport !== 'web' || typeof Notification === 'undefined') return
  if (Notification.permission !== 'granted' || document.hasFocus()) return
  new Notification(`${t.appName} ${t.name}: ${t.title}`, { body: t.body, tag: `${t.bundleId}/${t.name}` })
}

/** Asks once, from a click (browsers only ask from a user gesture). */
export function askForNotifications(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default')
    void Notification.requestPermission()
}

/** Release events from main: a watched app's status, and each transition (an in-page notice). */
export function handleReleaseEvent(event: AppEvent): boolean {
  if (event.type === 'release-status') {
    set((s) => appUpdated(s, event.app))
    return true
  }
  if (event.type === 'release-transition') {
    set((s) => noticeAdded(s, event.transition))
    systemNotification(event.transition)
    return true
  }
  return false
}
