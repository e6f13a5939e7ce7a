import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the app-store area: each call of the area, by its contract name; the handlers live in electron/services/calls/app-store.ts. */
export function registerAppStoreIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.appStore) ipc.handle(name)
}
