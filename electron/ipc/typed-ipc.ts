import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { AscentError, toErrorShape } from '../../shared/errors'
import { CALL_NAMES, type CallName, type CallReply } from '../../shared/ipc'
import { dispatchCall } from '../services/call-handlers'
import type { CallContext, CallHandlers } from '../services/types'
import { callChannel } from './channels'

/** The one way a call is registered on ipcMain: by its name in the contract. */
export interface TypedIpcMain {
  handle(name: CallName): void
  /** Names registered so far; registerIpc checks it against the contract. */
  readonly registered: ReadonlySet<CallName>
}

export interface TypedIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  readonly handlers: CallHandlers
  /** Only our window's main frame, showing our renderer, may call (see isTrustedSender). */
  readonly isTrustedSender: (event: IpcMainInvokeEvent) => boolean
  readonly contextFor: (event: IpcMainInvokeEvent) => CallContext
}

export function forbiddenReply(): CallReply<never> {
  return {
    ok: false,
    error: toErrorShape(new AscentError('FORBIDDEN', 'this window is not allowed to call Ascent.')),
  }
}

export function createTypedIpcMain(options: TypedIpcOptions): TypedIpcMain & { dispose(): void } {
  const registered = new Set<CallName>()
  return {
    registered,
    handle(name) {
      if (registered.has(name)) return
      registered.add(name)
      // Arguments arrive as one array so the contract's tuple schema validates their count too.
      options.ipcMain.handle(callChannel(name), (event, rawArgs: unknown) =>
        options.isTrustedSender(event)
          ? dispatchCall(options.handlers, name, rawArgs, options.contextFor(event))
          : forbiddenReply(),
      )
    },
    dispose() {
      for (const name of CALL_NAMES) options.ipcMain.removeHandler(callChannel(name))
      registered.clear()
    },
  }
}
