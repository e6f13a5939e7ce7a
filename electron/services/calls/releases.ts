import { AscentError } from '../../../shared/errors'
import type { ReleaseWatcher } from '../../status/watcher'
import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type ReleasesCall = 'listWatchedApps' | 'watchApp' | 'unwatchApp' | 'releaseAction' | 'acknowledgeRejection'

function watcherOf(services: AscentServices): ReleaseWatcher {
  if (!services.releases)
    throw new AscentError('INTERNAL', 'release watching is not available in this build.')
  return services.releases
}

export function releasesCalls(services: AscentServices): Pick<CallHandlers, ReleasesCall> {
  return {
    listWatchedApps: async () => [...watcherOf(services).list()],
    watchApp: async (_ctx, bundleId) => watcherOf(services).watch(bundleId),
    async unwatchApp(_ctx, bundleId) {
      await watcherOf(services).unwatch(bundleId)
      return { ok: true }
    },
    releaseAction: async (_ctx, request) =>
      watcherOf(services).act(request.bundleId, request.versionString, request.action, request.platform),
    acknowledgeRejection: async (_ctx, bundleId, versionString) =>
      watcherOf(services).acknowledge(bundleId, versionString),
  }
}
