import * as z from 'zod'
import { AscentError, toErrorShape } from '../../shared/errors'
import { calls, type CallName, type CallReply, type CallResult } from '../../shared/ipc'
import { appCalls } from './calls/apps'
import { buildsCalls } from './calls/builds'
import { configCalls } from './calls/config'
import { keysCalls } from './calls/keys'
import { publishCalls } from './calls/publish'
import { releasesCalls } from './calls/releases'
import { storeInfoCalls } from './calls/store-info'
import type { AscentServices, CallContext, CallHandlers } from './types'

/**
 * Every call of the contract, implemented over the services; the same object serves IPC and the web bridge.
 * The CallHandlers return type is the completeness check: a call added to shared/ipc.ts without a handler
 * in one of the area modules fails to compile here.
 */
export function createCallHandlers(services: AscentServices): CallHandlers {
  return {
    ...buildsCalls(services),
    ...appCalls(services),
    ...publishCalls(services),
    ...keysCalls(services),
    ...configCalls(services),
    ...releasesCalls(services),
    ...storeInfoCalls(services),
  }
}

function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name)
}

type AnyHandler = (ctx: CallContext, ...args: readonly unknown[]) => Promise<unknown>

/**
 * The boundary every transport goes through: validates the arguments against the contract, runs the
 * handler, and re-parses the result with the contract's schema — which also strips any key the schema
 * does not declare, so a service that returned more (a private key, a token) cannot leak it.
 * Never throws: errors become the typed shape, redacted.
 */
export async function dispatchCall<N extends CallName>(
  handlers: CallHandlers,
  name: N,
  rawArgs: unknown,
  ctx: CallContext,
): Promise<CallReply<CallResult<N>>> {
  try {
    if (!isCallName(name)) throw new AscentError('BAD_INPUT', `${String(name)} is not a call Ascent knows.`)
    const spec = calls[name]
    const args = spec.args.safeParse(rawArgs)
    if (!args.success) {
      throw new AscentError(
        'BAD_INPUT',
        `${name}: the arguments do not match the contract: ${z.prettifyError(args.error).replace(/\n/g, '; ')}`,
      )
    }
    const handler = handlers[name] as unknown as AnyHandler
    const value = await handler(ctx, ...(args.data as readonly unknown[]))
    const result = spec.result.safeParse(value)
    if (!result.success) {
      throw new AscentError(
        'INTERNAL',
        `${name} produced a result outside the contract; this is a bug in Ascent.`,
        {
          detail: z.prettifyError(result.error),
        },
      )
    }
    return { ok: true, value: result.data as CallResult<N> }
  } catch (error) {
    return { ok: false, error: toErrorShape(error) }
  }
}
