import { CALL_AREAS } from '../services/call-handlers'
import type { TypedIpcMain } from './typed-ipc'

/** IPC for the releases area (watching after submission, release actions); handlers in electron/services/calls/releases.ts. */
export function registerReleasesIpc(ipc: TypedIpcMain): void {
  for (const name of CALL_AREAS.releases) ipc.handle(name)
}
