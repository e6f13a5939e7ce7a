import { addSandboxApp } from '../sandbox-apps'
import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type AppCall = 'getConnection' | 'findApp' | 'listBetaGroups' | 'addSandboxApp'

export function appCalls(services: AscentServices): Pick<CallHandlers, AppCall> {
  return {
    getConnection: () => services.connection.info(),
    findApp: (_ctx, bundleId, platform) => services.apps.findApp(bundleId, platform),
    async listBetaGroups(_ctx, appId) {
      return [...(await services.apps.listBetaGroups(appId))]
    },
    addSandboxApp: (_ctx, { bundleId, platform }) =>
      addSandboxApp(services.connection, services.apps, bundleId, platform),
  }
}
