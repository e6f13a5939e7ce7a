import type { AddKeyInput, FileRef, KeyMetadata } from '../../../shared/ipc'
import { api, errorMessage } from '../api'
import {
  addFailed,
  addStarted,
  keyActionFailed,
  keyAdded,
  keyBusy,
  keyRemoved,
  keysFailed,
  keysLoaded,
  keysRequested,
  keyTested,
  useKeysStore,
} from '../stores/keys-store'
import { loadConnection } from './connection-actions'

export async function loadKeys(): Promise<void> {
  useKeysStore.setState((s) => keysRequested(s))
  try {
    const [keys, keychain, discovered] = await Promise.all([
      api().listKeys(),
      api().keychainStatus(),
      api().discoverKeys(),
    ])
    useKeysStore.setState((s) => keysLoaded(s, keys, keychain, discovered))
  } catch (error) {
    useKeysStore.setState((s) => keysFailed(s, errorMessage(error)))
  }
}

export async function addKey(input: AddKeyInput): Promise<boolean> {
  useKeysStore.setState((s) => addStarted(s))
  try {
    const key = await api().addKey(input)
    useKeysStore.setState((s) => keyAdded(s, key))
    void loadConnection()
    return true
  } catch (error) {
    useKeysStore.setState((s) => addFailed(s, errorMessage(error)))
    return false
  }
}

export function fileRefFor(file: File): Promise<FileRef> {
  return api().fileFromDrop(file)
}

/** Main knows keys by key id; the window lists them by name. */
export async function testKey(stored: KeyMetadata): Promise<void> {
  const name = stored.name
  useKeysStore.setState((s) => keyBusy(s, name, 'testing'))
  try {
    const key = await api().testKey(stored.keyId)
    useKeysStore.setState((s) => keyTested(s, key))
  } catch (error) {
    useKeysStore.setState((s) => keyActionFailed(s, name, errorMessage(error)))
  }
}

export async function removeKey(stored: KeyMetadata): Promise<void> {
  const name = stored.name
  useKeysStore.setState((s) => keyBusy(s, name, 'removing'))
  try {
    await api().removeKey(stored.keyId)
    useKeysStore.setState((s) => keyRemoved(s, name))
    void loadConnection()
  } catch (error) {
    useKeysStore.setState((s) => keyActionFailed(s, name, errorMessage(error)))
  }
}
