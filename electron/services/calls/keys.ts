import type { AscentServices, CallHandlers, KeyAddRequest } from '../types'
import type { AddKeyInput } from '../../../shared/ipc'

export const KEYS_CALLS = [
  'keychainStatus',
  'listKeys',
  'discoverKeys',
  'addKey',
  'testKey',
  'removeKey',
] as const
export type KeysCall = (typeof KEYS_CALLS)[number]

function resolveKeyFile(services: AscentServices, input: AddKeyInput): KeyAddRequest {
  if (input.source === 'file' || input.source === 'fastlane') {
    const { file, ...rest } = input
    return { ...rest, filePath: services.files.resolve(file) }
  }
  return input
}

export function keysCalls(services: AscentServices): Pick<CallHandlers, KeysCall> {
  return {
    keychainStatus: () => services.keys.keychainStatus(),
    listKeys: async () => [...(await services.keys.list())],
    discoverKeys: async () => [...(await services.keys.discover())],
    addKey: (_ctx, input) => services.keys.add(resolveKeyFile(services, input)),
    testKey: (_ctx, keyId) => services.keys.test(keyId),
    async removeKey(_ctx, keyId) {
      await services.keys.remove(keyId)
      return { ok: true }
    },
  }
}
