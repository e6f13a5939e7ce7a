import { expect, test } from 'vitest'
import type { ConnectionInfo } from '../../../shared/ipc'
import { addSandboxApp } from '../../../electron/services/sandbox-apps'
import { withSandbox } from '../../support/sandbox'

// The window's addSandboxApp call: only the built-in sandbox takes it, never a real key's App Store Connect.

const keychain = { available: true, message: null }
const connection = (mode: ConnectionInfo['mode'], apiUrl: string) => ({
  info: async (): Promise<ConnectionInfo> => ({ mode, apiUrl, keyId: 'K', keyName: null, keychain }),
})

test('addSandboxApp is refused unless the connection is the sandbox, and then adds nothing', async () => {
  await withSandbox({}, async (sb) => {
    const appStore = { findApp: async () => null }
    await expect(
      addSandboxApp(connection('key', sb.url), appStore, 'org.x.weather', 'IOS'),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('Only the sandbox can add an app for org.x.weather'),
    })
    await expect(
      addSandboxApp(connection('env', sb.url), appStore, 'org.x.weather', 'IOS'),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(sb.state().apps.map((a) => a.bundleId)).toEqual(['com.example.ascent.demo'])
  })
})
