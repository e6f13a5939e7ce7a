import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type KeysCall = 'keychainStatus' | 'listKeys' | 'discoverKeys' | 'addKey' | 'testKey' | 'removeKey'

export function keysCalls(services: AscentServices): Pick<CallHandlers, KeysCall> {
  return {
    keychainStatus: () => services.keys.keychainStatus(),
    listKeys: async () => [...(await services.keys.list())],
    discoverKeys: async () => [...(await services.keys.discover())],
    addKey(_ctx, input) {
      // Refuse a FileRef main never handed out before the key service reads anything.
      if (input.source === 'file' || input.source === 'fastlane') services.files.resolve(input.file)
      return services.keys.add(input)
    },
    testKey: (_ctx, keyId) => services.keys.test(keyId),
    async removeKey(_ctx, keyId) {
      await services.keys.remove(keyId)
      return { ok: true }
    },
  }
}
