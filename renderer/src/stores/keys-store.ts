import { create } from 'zustand'
import type { DiscoveredKey, KeychainStatus, KeyMetadata } from '../../../shared/ipc'

export type KeyAction = 'testing' | 'removing'

export interface KeysState {
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly keys: readonly KeyMetadata[]
  readonly keychain: KeychainStatus | null
  readonly discovered: readonly DiscoveredKey[]
  readonly busy: Readonly<Record<string, KeyAction>>
  readonly error: string | null
  readonly adding: boolean
  readonly addError: string | null
  /** The last thing that happened, read out by screen readers ("Key Release added"). */
  readonly notice: string | null
}

export const emptyKeys: KeysState = {
  phase: 'idle',
  keys: [],
  keychain: null,
  discovered: [],
  busy: {},
  error: null,
  adding: false,
  addError: null,
  notice: null,
}

function byName(keys: readonly KeyMetadata[]): readonly KeyMetadata[] {
  return [...keys].sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }))
}

export function keysRequested(state: KeysState): KeysState {
  return { ...state, phase: 'loading', error: null }
}

export function keysLoaded(
  state: KeysState,
  keys: readonly KeyMetadata[],
  keychain: KeychainStatus,
  discovered: readonly DiscoveredKey[],
): KeysState {
  const stored = new Set(keys.map((k) => k.keyId))
  return {
    ...state,
    phase: 'ready',
    keys: byName(keys),
    keychain,
    // A discovered AuthKey file that is already stored is not offered again.
    discovered: discovered.filter((d) => !stored.has(d.keyId)),
    error: null,
  }
}

export function keysFailed(state: KeysState, message: string): KeysState {
  return { ...state, phase: 'failed', error: message }
}

export function addStarted(state: KeysState): KeysState {
  return { ...state, adding: true, addError: null, notice: null }
}

/** An added key replaces one of the same name (adding again updates it). */
export function keyAdded(state: KeysState, key: KeyMetadata): KeysState {
  return {
    ...state,
    adding: false,
    addError: null,
    keys: byName([...state.keys.filter((k) => k.name !== key.name), key]),
    discovered: state.discovered.filter((d) => d.keyId !== key.keyId),
    notice: `Key ${key.name} added.`,
  }
}

export function addFailed(state: KeysState, message: string): KeysState {
  return { ...state, adding: false, addError: message }
}

export function keyBusy(state: KeysState, name: string, action: KeyAction | null): KeysState {
  const busy = { ...state.busy }
  if (action === null) delete busy[name]
  else busy[name] = action
  return { ...state, busy }
}

export function keyTested(state: KeysState, key: KeyMetadata): KeysState {
  const next = keyBusy(state, key.name, null)
  return {
    ...next,
    keys: next.keys.map((k) => (k.name === key.name ? key : k)),
    notice: key.lastError ? `Key ${key.name} failed the test: ${key.lastError}` : `Key ${key.name} works.`,
  }
}

export function keyActionFailed(state: KeysState, name: string, message: string): KeysState {
  const next = keyBusy(state, name, null)
  return { ...next, error: message, notice: message }
}

export function keyRemoved(state: KeysState, name: string): KeysState {
  const next = keyBusy(state, name, null)
  return { ...next, keys: next.keys.filter((k) => k.name !== name), notice: `Key ${name} removed.` }
}

export type KeyStatus = { readonly tone: 'ok' | 'error' | 'unknown'; readonly text: string }

export function keyStatus(key: KeyMetadata): KeyStatus {
  if (key.lastError) return { tone: 'error', text: key.lastError }
  if (key.lastVerifiedAt) return { tone: 'ok', text: 'Verified' }
  return { tone: 'unknown', text: 'Not tested yet' }
}

/** Apple names downloaded keys AuthKey_<KEYID>.p8; the id is read from the name when it has that shape. */
export function keyIdFromFileName(fileName: string): string | null {
  return /^(?:ApiKey|AuthKey)_([A-Z0-9]{8,14})\.p8$/i.exec(fileName)?.[1]?.toUpperCase() ?? null
}

export const useKeysStore = create<KeysState>(() => emptyKeys)
