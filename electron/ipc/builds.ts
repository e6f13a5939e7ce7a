import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the builds area: each call of the area, by its contract name; the handlers live in electron/services/calls/builds.ts. */
export function registerBuildsIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.builds) ipc.handle(name)
}
