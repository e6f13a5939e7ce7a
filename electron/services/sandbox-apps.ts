import * as z from 'zod'
import type { AppInfo } from '../../shared/ipc'
import type { Platform } from '../../shared/build-summary'
import { AscentError } from '../../shared/errors'
import { describeNetworkFailure, networkFailureCode } from '../asc/network-failure'
import type { AppLookupService, ConnectionService } from './types'

const ControlReply = z.object({ error: z.string() }).partial()

/** The app's name in the sandbox: the bundle id's last part, capitalised (org.example.weather → Weather). */
function sandboxAppName(bundleId: string): string {
  const last = bundleId.split('.').filter(Boolean).pop() ?? bundleId
  return last.charAt(0).toUpperCase() + last.slice(1)
}

/**
 * Gives a newcomer's own build an app record in the built-in sandbox, so they can try publishing it. Refused
 * on any other connection: a real App Store Connect app record is made on appstoreconnect.apple.com.
 */
export async function addSandboxApp(
  connection: ConnectionService,
  apps: Pick<AppLookupService, 'findApp'>,
  bundleId: string,
  platform: Platform,
): Promise<AppInfo> {
  const info = await connection.info()
  if (info.mode !== 'sandbox')
    throw new AscentError(
      'FORBIDDEN',
      `Only the sandbox can add an app for ${bundleId}; with a real key, create the app record in App Store Connect (Apps → + → New App).`,
    )
  let res: Response
  try {
    res = await fetch(new URL('/__sandbox/apps', info.apiUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ bundleId, name: sandboxAppName(bundleId), platforms: [platform] }),
    })
  } catch (error) {
    throw new AscentError(
      'NETWORK',
      `The sandbox at ${info.apiUrl} ${describeNetworkFailure(networkFailureCode(error)).what}; check that it still runs (ascent sandbox), then try again`,
    )
  }
  // 409: the app is there already (added in another window); either way it is found below.
  if (!res.ok && res.status !== 409) {
    const reply = ControlReply.safeParse(await res.json().catch(() => ({})))
    throw new AscentError(
      'INTERNAL',
      `The sandbox did not add ${bundleId}: ${(reply.success && reply.data.error) || `HTTP ${res.status}`}`,
    )
  } else await res.body?.cancel()
  const app = await apps.findApp(bundleId, platform)
  if (!app) throw new AscentError('INTERNAL', `The sandbox added ${bundleId} but does not list it.`)
  return app
}
