import type { AscentServices, CallHandlers } from '../types'

export const APP_STORE_CALLS = ['getConnection', 'findApp', 'listBetaGroups'] as const
export type AppStoreCall = (typeof APP_STORE_CALLS)[number]

export function appStoreCalls(services: AscentServices): Pick<CallHandlers, AppStoreCall> {
  return {
    getConnection: () => services.connection.info(),
    findApp: (_ctx, bundleId, platform) => services.appStore.findApp(bundleId, platform),
    async listBetaGroups(_ctx, appId) {
      return [...(await services.appStore.listBetaGroups(appId))]
    },
  }
}
