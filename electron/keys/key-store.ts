import type { KeychainStatus } from '../../shared/ipc'

/**
 * Where private keys live: the OS keychain. An interface so another backend (Electron safeStorage, since
 * keytar is archived upstream) can replace keytar without touching the key service.
 * Every method throws AscentError('KEYCHAIN_UNAVAILABLE') when the keychain cannot be reached; none of them
 * ever falls back to a plaintext file.
 */
export interface KeyStore {
  /** The PEM stored for a key id, or null when there is none. */
  getSecret(keyId: string): Promise<string | null>
  setSecret(keyId: string, pem: string): Promise<void>
  /** True when a secret was deleted. */
  deleteSecret(keyId: string): Promise<boolean>
  /** Never throws: says whether the keychain can store a key right now, and what to do when it cannot. */
  status(): Promise<KeychainStatus>
}
