import { describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { createKeytarStore, keychainUnavailable } from '../../../electron/keys/keytar-store'

describe('keytar store failures', () => {
  it('turns a missing native module into KEYCHAIN_UNAVAILABLE, and status says so without throwing', async () => {
    const store = createKeytarStore({
      platform: 'linux',
      load: () => Promise.reject(new Error("Cannot find module '../build/Release/keytar.node'")),
    })
    const error = await store.getSecret('KEY').then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AscentError)
    expect((error as AscentError).code).toBe('KEYCHAIN_UNAVAILABLE')
    expect((error as AscentError).message).toMatch(/native module/)
    expect(await store.status()).toEqual({ available: false, message: expect.stringMatching(/reinstall/) })
  })

  it('says that keytar is not installed (the CLI package leaves it out) and that the environment variables work', () => {
    for (const reason of [
      "Cannot find module 'keytar'\nRequire stack:\n- /ci/node_modules/ascent-cli/ascent.cjs",
      "Cannot find package 'keytar' imported from /ci/node_modules/ascent-cli/ascent.cjs",
    ]) {
      const error = keychainUnavailable(new Error(reason), 'linux')
      expect(error.code).toBe('KEYCHAIN_UNAVAILABLE')
      expect(error.message).toMatch(
        /^no OS keychain: the keytar module is not installed; set APP_STORE_CONNECT_ISSUER_ID, .* or run `npm install keytar`/,
      )
      expect(error.message).not.toContain('/ci/node_modules')
    }
  })

  it('says what to do on each OS', () => {
    const bus = new Error('Could not connect: No such file or directory')
    expect(keychainUnavailable(bus, 'linux').message).toMatch(
      /no OS keychain is reachable.*gnome-keyring.*dbus-run-session/,
    )
    expect(
      keychainUnavailable(new Error('Cannot create an item in a locked collection'), 'linux').message,
    ).toMatch(/locked/)
    expect(
      keychainUnavailable(new Error('The user name or passphrase you entered is not correct.'), 'darwin')
        .message,
    ).toMatch(/Keychain Access/)
    expect(keychainUnavailable(new Error('boom'), 'win32').message).toMatch(/Credential Manager/)
  })

  it('never stores anywhere else when the keychain refuses a write', async () => {
    const writes: string[] = []
    const store = createKeytarStore({
      platform: 'linux',
      load: () =>
        Promise.resolve({
          getPassword: () => Promise.resolve(null),
          setPassword: (_s: string, account: string) => {
            writes.push(account)
            return Promise.reject(new Error('Cannot create an item in a locked collection'))
          },
          deletePassword: () => Promise.resolve(false),
          findCredentials: () => Promise.resolve([]),
        }),
    })
    await expect(store.setSecret('KEY', 'pem')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' })
    expect(await store.status()).toMatchObject({ available: false })
    expect(writes).toEqual(['KEY', 'ascent-keychain-probe'])
  })
})

describe('keytar store status', () => {
  it('probes a working keychain once, and again after any failure', async () => {
    const probes: string[] = []
    let locked = false
    const store = createKeytarStore({
      platform: 'linux',
      load: () =>
        Promise.resolve({
          getPassword: () => Promise.resolve(null),
          setPassword: (_s: string, account: string) => {
            probes.push(account)
            return locked
              ? Promise.reject(new Error('Cannot create an item in a locked collection'))
              : Promise.resolve()
          },
          deletePassword: () => Promise.resolve(true),
          findCredentials: () => Promise.resolve([]),
        }),
    })
    expect(await store.status()).toEqual({ available: true, message: null })
    expect(await store.status()).toEqual({ available: true, message: null })
    expect(probes).toEqual(['ascent-keychain-probe'])
    locked = true
    await expect(store.setSecret('KEY', 'pem')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' })
    expect(await store.status()).toMatchObject({ available: false, message: expect.stringMatching(/locked/) })
    expect(probes).toEqual(['ascent-keychain-probe', 'KEY', 'ascent-keychain-probe'])
  })
})
