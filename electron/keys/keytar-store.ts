import { AscentError } from '../../shared/errors'
import type { KeychainStatus } from '../../shared/ipc'
import type { KeyStore } from './key-store'

/** The keychain item's service; the account is the key id (documented in README, checked by the tests). */
export const KEYCHAIN_SERVICE = 'Ascent App Store Connect'

/** The part of keytar we use; tests and other backends can pass their own. */
interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<ReadonlyArray<{ account: string; password: string }>>
}

export interface KeytarStoreOptions {
  readonly service?: string
  /** Loads keytar; injected so a missing native module can be simulated. Default: `import('keytar')`. */
  readonly load?: () => Promise<KeytarModule>
  readonly platform?: NodeJS.Platform
}

// The probe item written and deleted by status(): a locked Secret Service collection answers reads with
// "nothing found" instead of an error, so only a write tells whether keys can be stored.
const PROBE_ACCOUNT = 'ascent-keychain-probe'
const STATUS_CACHE_MS = 30_000

export function createKeytarStore(options: KeytarStoreOptions = {}): KeyStore {
  const service = options.service ?? KEYCHAIN_SERVICE
  const platform = options.platform ?? process.platform
  const load = options.load ?? loadKeytar
  let loaded: Promise<KeytarModule> | undefined
  // status() is asked on every connection lookup; a keychain that just worked is not probed again for a while.
  // Any failure forgets that, so a keychain locked meanwhile is reported at once.
  let availableUntil = 0

  async function keytar(): Promise<KeytarModule> {
    loaded ??= load()
    try {
      return await loaded
    } catch (error) {
      loaded = undefined
      availableUntil = 0
      throw keychainUnavailable(error, platform)
    }
  }

  async function call<T>(body: (module: KeytarModule) => Promise<T>): Promise<T> {
    const module = await keytar()
    try {
      return await body(module)
    } catch (error) {
      availableUntil = 0
      throw keychainUnavailable(error, platform)
    }
  }

  return {
    getSecret: (keyId) => call((k) => k.getPassword(service, keyId)),
    setSecret: (keyId, pem) => call((k) => k.setPassword(service, keyId, pem)),
    deleteSecret: (keyId) => call((k) => k.deletePassword(service, keyId)),
    async status(): Promise<KeychainStatus> {
      if (Date.now() < availableUntil) return { available: true, message: null }
      try {
        await call(async (k) => {
          await k.setPassword(service, PROBE_ACCOUNT, 'probe')
          await k.deletePassword(service, PROBE_ACCOUNT)
        })
        availableUntil = Date.now() + STATUS_CACHE_MS
        return { available: true, message: null }
      } catch (error) {
        return { available: false, message: error instanceof Error ? error.message : String(error) }
      }
    },
  }
}

async function loadKeytar(): Promise<KeytarModule> {
  // keytar is a native module: imported lazily so a missing or mis-built binary is a KEYCHAIN_UNAVAILABLE
  // error when a key is needed, not a crash at start (the CLI's inspect and config commands never need it).
  const imported = (await import('keytar')) as KeytarModule & { default?: KeytarModule }
  return imported.default ?? imported
}

/** Maps whatever keytar or the OS said to one error that says what to do on this OS. */
export function keychainUnavailable(error: unknown, platform: NodeJS.Platform): AscentError {
  if (error instanceof AscentError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new AscentError('KEYCHAIN_UNAVAILABLE', `${describeReason(reason)}; ${remedy(reason, platform)}`, {
    detail: reason,
    cause: error,
  })
}

// keytar is an optional peer of the ascent-cli package: CI installs without it and passes keys in the environment.
const KEYTAR_NOT_INSTALLED = /cannot find (module|package) ['"]keytar['"]/i

function describeReason(reason: string): string {
  if (KEYTAR_NOT_INSTALLED.test(reason)) return 'no OS keychain: the keytar module is not installed'
  if (
    /cannot find module|could not locate the bindings|was compiled against a different node|invalid elf|dlopen/i.test(
      reason,
    )
  )
    return 'the OS keychain cannot be used: the keytar native module is missing or was built for another runtime'
  if (/locked collection|is locked|unlock|dismissed/i.test(reason))
    return 'the OS keychain is locked and could not be unlocked'
  if (
    /d-?bus|could not connect|no such file|connection refused|autolaunch|x11|secrets was not provided|serviceunknown/i.test(
      reason,
    )
  )
    return 'no OS keychain is reachable (no Secret Service on the D-Bus session bus)'
  return `the OS keychain failed (${reason.replace(/\s+/g, ' ').trim()})`
}

function remedy(reason: string, platform: NodeJS.Platform): string {
  if (KEYTAR_NOT_INSTALLED.test(reason))
    return (
      'set APP_STORE_CONNECT_ISSUER_ID, APP_STORE_CONNECT_KEY_IDENTIFIER and APP_STORE_CONNECT_PRIVATE_KEY instead, ' +
      'or run `npm install keytar` where ascent is installed to use the OS keychain'
    )
  if (/cannot find module|bindings|different node|invalid elf|dlopen/i.test(reason))
    return 'reinstall Ascent (npm ci rebuilds keytar; a packaged app needs electron-builder install-app-deps)'
  if (platform === 'darwin') return 'unlock the login keychain in Keychain Access and try again'
  if (platform === 'win32')
    return 'make sure Windows Credential Manager is running for this user and try again'
  return (
    'start gnome-keyring or another Secret Service and unlock it ' +
    '(headless: dbus-run-session -- sh -c "echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; ascent …"), ' +
    'or use the APP_STORE_CONNECT_* environment variables instead'
  )
}
