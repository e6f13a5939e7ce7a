import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the keys area: each call of the area, by its contract name; the handlers live in electron/services/calls/keys.ts. */
export function registerKeysIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.keys) ipc.handle(name)
}
