import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the config area: each call of the area, by its contract name; the handlers live in electron/services/calls/config.ts. */
export function registerConfigIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.config) ipc.handle(name)
}
