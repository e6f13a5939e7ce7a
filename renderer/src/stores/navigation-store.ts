import { create } from 'zustand'
import type { ConnectionInfo } from '../../../shared/ipc'

export type Screen = 'publish' | 'history' | 'keys' | 'releases'

/** Which screen is shown and which App Store Connect the window talks to. */
export interface NavigationState {
  readonly screen: Screen
  readonly connection: ConnectionInfo | null
  readonly connectionError: string | null
  /** Set by "Add a real key": the keys screen opens with the add form focused. */
  readonly focusAddKey: boolean
}

const initialNavigation: NavigationState = {
  screen: 'publish',
  connection: null,
  connectionError: null,
  focusAddKey: false,
}

export function navigate(state: NavigationState, screen: Screen, focusAddKey = false): NavigationState {
  return { ...state, screen, focusAddKey }
}

export function connectionLoaded(state: NavigationState, connection: ConnectionInfo): NavigationState {
  return { ...state, connection, connectionError: null }
}

export function connectionFailed(state: NavigationState, message: string): NavigationState {
  return { ...state, connectionError: message }
}

export type ConnectionBadge = {
  readonly kind: 'connected' | 'sandbox' | 'unknown'
  readonly label: string
  readonly detail: string
}

export function connectionBadge(connection: ConnectionInfo | null): ConnectionBadge {
  if (!connection) return { kind: 'unknown', label: 'Connecting…', detail: '' }
  switch (connection.mode) {
    case 'sandbox':
      return {
        kind: 'sandbox',
        label: 'Sandbox',
        detail: 'A local App Store Connect: nothing reaches Apple.',
      }
    case 'env':
      return {
        kind: 'connected',
        label: connection.keyId ?? 'Environment key',
        detail: 'Key from APP_STORE_CONNECT_* variables',
      }
    case 'key':
      return {
        kind: 'connected',
        label: connection.keyName ?? connection.keyId ?? 'Key',
        detail: connection.keyId ?? '',
      }
  }
}

export const useNavigationStore = create<NavigationState>(() => initialNavigation)
