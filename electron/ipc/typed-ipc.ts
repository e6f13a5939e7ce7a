import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { AscentError, toErrorShape } from '../../shared/errors'
import { CALL_NAMES, type CallReply } from '../../shared/ipc'
import { dispatchCall } from '../services/call-handlers'
import type { CallContext, CallHandlers } from '../services/types'
import { callChannel } from './channels'

export interface TypedIpcOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  /** One handler per call: the CallHandlers type makes a call without a handler a compile error. */
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

/**
 * Registers every call of the contract on ipcMain, each on the channel derived from its name, behind the
 * sender check; dispatchCall validates the arguments and the result. Returns the way to remove them all.
 */
export function registerCalls(options: TypedIpcOptions): () => void {
  for (const name of CALL_NAMES) {
    // Arguments arrive as one array so the contract's tuple schema validates their count too.
    options.ipcMain.handle(callChannel(name), (event, rawArgs: unknown) =>
      options.isTrustedSender(event)
        ? dispatchCall(options.handlers, name, rawArgs, options.contextFor(event))
        : forbiddenReply(),
    )
  }
  return () => {
    for (const name of CALL_NAMES) options.ipcMain.removeHandler(callChannel(name))
  }
}
