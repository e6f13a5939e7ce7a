import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the publish area: each call of the area, by its contract name; the handlers live in electron/services/calls/publish.ts. */
export function registerPublishIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.publish) ipc.handle(name)
}
