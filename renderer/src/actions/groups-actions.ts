import { api, errorMessage } from '../api'
import { groupsFailed, groupsLoaded, groupsRequested, useGroupsStore } from '../stores/groups-store'

export async function loadGroups(appId: string): Promise<void> {
  useGroupsStore.setState((s) => groupsRequested(s, appId))
  try {
    const groups = await api().listBetaGroups(appId)
    useGroupsStore.setState((s) => groupsLoaded(s, appId, groups))
  } catch (error) {
    useGroupsStore.setState((s) => groupsFailed(s, appId, errorMessage(error)))
  }
}

export async function refreshGroups(): Promise<void> {
  const appId = useGroupsStore.getState().appId
  if (appId) await loadGroups(appId)
}
