import { create } from 'zustand'
import type { WatchedApp } from '../../../shared/ipc'
import type { ReleaseAction } from '../../../shared/release-status'
import type { ReleaseTransition } from '../../../shared/release-transitions'

/** An in-page notice of a release transition (the window's own, beside the system notification). */
interface ReleaseNotice {
  readonly id: number
  readonly transition: ReleaseTransition
}

/** An action waiting for the user's confirmation. */
export interface PendingAction {
  readonly bundleId: string
  readonly versionString: string
  readonly action: ReleaseAction
  /** The row's platform (App Store Connect's word): an app can have the same version on iOS and tvOS. */
  readonly platform: string
}

interface ReleasesState {
  readonly apps: readonly WatchedApp[]
  readonly loaded: boolean
  /** The app a notification or a History link opened Releases at. */
  readonly focus: string | null
  readonly notices: readonly ReleaseNotice[]
  readonly confirming: PendingAction | null
  readonly busy: boolean
  /** A refused or failed action or watch, in words (the state and what is possible). */
  readonly error: string | null
  readonly nextNoticeId: number
}

const initialReleases: ReleasesState = {
  apps: [],
  loaded: false,
  focus: null,
  notices: [],
  confirming: null,
  busy: false,
  error: null,
  nextNoticeId: 1,
}

export function appsLoaded(state: ReleasesState, apps: readonly WatchedApp[]): ReleasesState {
  return { ...state, apps, loaded: true }
}

/** A watched app's new status replaces the old one (or joins the list). */
export function appUpdated(state: ReleasesState, app: WatchedApp): ReleasesState {
  const exists = state.apps.some((a) => a.bundleId === app.bundleId)
  return {
    ...state,
    apps: exists ? state.apps.map((a) => (a.bundleId === app.bundleId ? app : a)) : [...state.apps, app],
  }
}

export function appRemoved(state: ReleasesState, bundleId: string): ReleasesState {
  return { ...state, apps: state.apps.filter((a) => a.bundleId !== bundleId) }
}

/** The newest notices stay on screen, at most three. */
export function noticeAdded(state: ReleasesState, transition: ReleaseTransition): ReleasesState {
  const notice = { id: state.nextNoticeId, transition }
  return { ...state, notices: [...state.notices, notice].slice(-3), nextNoticeId: state.nextNoticeId + 1 }
}

export function noticeDismissed(state: ReleasesState, id: number): ReleasesState {
  return { ...state, notices: state.notices.filter((n) => n.id !== id) }
}

export function focused(state: ReleasesState, bundleId: string | null): ReleasesState {
  return { ...state, focus: bundleId }
}

export const useReleasesStore = create<ReleasesState>(() => initialReleases)
