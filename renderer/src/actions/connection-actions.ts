import { api, errorMessage } from '../api'
import { connectionFailed, connectionLoaded, useNavigationStore } from '../stores/navigation-store'

export async function loadConnection(): Promise<void> {
  try {
    const connection = await api().getConnection()
    useNavigationStore.setState((s) => connectionLoaded(s, connection))
  } catch (error) {
    useNavigationStore.setState((s) => connectionFailed(s, errorMessage(error)))
  }
}
