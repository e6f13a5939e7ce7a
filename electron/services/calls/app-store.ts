import { addSandboxApp } from '../sandbox-apps'
import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type AppStoreCall = 'getConnection' | 'findApp' | 'listBetaGroups' | 'addSandboxApp'

export function appStoreCalls(services: AscentServices): Pick<CallHandlers, AppStoreCall> {
  return {
    getConnection: () => services.connection.info(),
    findApp: (_ctx, bundleId, platform) => services.appStore.findApp(bundleId, platform),
    async listBetaGroups(_ctx, appId) {
      return [...(await services.appStore.listBetaGroups(appId))]
    },
    addSandboxApp: (_ctx, { bundleId, platform }) =>
      addSandboxApp(services.connection, services.appStore, bundleId, platform),
  }
}
