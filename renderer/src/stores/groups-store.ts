import { create } from 'zustand'
import type { BetaGroup } from '../../../shared/ipc'

/** The beta groups App Store Connect has for the app. Which ones are chosen lives in the release settings. */
export interface GroupsState {
  readonly appId: string | null
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly groups: readonly BetaGroup[]
  readonly query: string
  readonly error: string | null
}

export const emptyGroups: GroupsState = { appId: null, phase: 'idle', groups: [], query: '', error: null }

export function groupsRequested(state: GroupsState, appId: string): GroupsState {
  // Keep the old list while refreshing the same app, so the list does not flash empty.
  const sameApp = state.appId === appId
  return {
    ...state,
    appId,
    phase: 'loading',
    error: null,
    groups: sameApp ? state.groups : [],
    query: sameApp ? state.query : '',
  }
}

/** Internal groups first (they need no beta review), then by name, as App Store Connect lists them. */
function sortGroups(groups: readonly BetaGroup[]): readonly BetaGroup[] {
  return [...groups].sort((a, b) =>
    a.isInternal === b.isInternal
      ? a.name.localeCompare(b.name, 'en', { sensitivity: 'base' })
      : a.isInternal
        ? -1
        : 1,
  )
}

export function groupsLoaded(state: GroupsState, appId: string, groups: readonly BetaGroup[]): GroupsState {
  if (state.appId !== appId) return state
  return { ...state, phase: 'ready', groups: sortGroups(groups), error: null }
}

export function groupsFailed(state: GroupsState, appId: string, message: string): GroupsState {
  if (state.appId !== appId) return state
  return { ...state, phase: 'failed', error: message }
}

export function setGroupQuery(state: GroupsState, query: string): GroupsState {
  return { ...state, query }
}

/** Case-insensitive match on the name; "internal" / "external" also match the kind. */
export function filterGroups(groups: readonly BetaGroup[], query: string): readonly BetaGroup[] {
  const q = query.trim().toLowerCase()
  if (q === '') return groups
  return groups.filter(
    (g) => g.name.toLowerCase().includes(q) || (g.isInternal ? 'internal' : 'external') === q,
  )
}

/** Chosen names that App Store Connect does not have (e.g. imported from a codemagic.yaml). */
export function unknownGroupNames(
  groups: readonly BetaGroup[],
  chosen: readonly string[],
): readonly string[] {
  const names = new Set(groups.map((g) => g.name))
  return chosen.filter((name) => !names.has(name))
}

export function clearGroups(): GroupsState {
  return emptyGroups
}

export const useGroupsStore = create<GroupsState>(() => emptyGroups)
