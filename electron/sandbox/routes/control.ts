import type { IncomingMessage, ServerResponse } from 'node:http'
import * as z from 'zod'
import { faultOptionsProblem, type Faults } from '../faults'
import { readBody } from '../read-body'
import type { SandboxState } from '../state'
import { PLATFORMS } from '../../asc/enums'
import { AddedAppSchema, type AddedAppInput } from '../seed'
import type { UploadStore } from '../upload'

export const PartFailureRuleSchema = z.strictObject({
  fileId: z.string().nullish(),
  partNumber: z.number().int().positive(),
  times: z.number().int().positive(),
  status: z.number().int().min(400).max(599),
})
export type PartFailureRule = z.infer<typeof PartFailureRuleSchema>

export const ReviewDecisionSchema = z.strictObject({
  bundleId: z.string().min(1),
  kind: z.enum(['app-store', 'beta']),
  decision: z.enum(['approve', 'reject']),
})
export type ReviewDecisionInput = z.infer<typeof ReviewDecisionSchema>

const ClockSchema = z.strictObject({ advanceMs: z.number().int().nonnegative() })

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
}

/** A control request that cannot be carried out (nothing to decide); answered 409 with the sentence. */
export class ControlError extends Error {}

export type ControlDeps = {
  readonly state: () => SandboxState
  readonly faults: Faults
  readonly uploads: UploadStore
  readonly send: (res: ServerResponse, status: number, body: object | null) => void
  readonly advanceClock: (ms: number) => void
  readonly decideReview: (input: ReviewDecisionInput) => { readonly id: string; readonly state: string }
  readonly addApp: (input: AddedAppInput) => AddedApp
}
export type AddedApp = {
  readonly id: string
  readonly bundleId: string
  readonly name: string
  readonly betaGroups: readonly { readonly name: string; readonly isInternal: boolean }[]
}
type Control = (req: IncomingMessage, res: ServerResponse, deps: ControlDeps) => Promise<void>

/** A control request whose body is not JSON: bad input (400), not a sandbox failure (500). */
class NotJsonError extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8')
  try {
    return JSON.parse(text || '{}')
  } catch (error) {
    throw new NotJsonError(`the body is not JSON (${(error as Error).message})`)
  }
}

// The sandbox's own endpoints (no token): tests and benchmarks steer and observe it through these.
const controls: ReadonlyMap<string, Control> = new Map<string, Control>([
  ['GET /__sandbox/state', async (_req, res, d) => d.send(res, 200, d.state())],
  [
    'PUT /__sandbox/sink',
    async (req, res, d) => {
      for await (const _chunk of req as AsyncIterable<Buffer>) {
        // discarded: this is the transfer-speed baseline
      }
      d.send(res, 204, null)
    },
  ],
  [
    'POST /__sandbox/faults',
    async (req, res, d) => {
      const { rate, seed } = (await readJson(req)) as { rate?: unknown; seed?: unknown }
      if (typeof rate !== 'number' || (seed !== undefined && typeof seed !== 'number'))
        return d.send(res, 400, { error: 'send { "rate": number, "seed"?: number }' })
      const options = { rate, ...(seed !== undefined ? { seed } : {}) }
      const problem = faultOptionsProblem(options)
      if (problem !== null) return d.send(res, 400, { error: problem })
      d.faults.set(options)
      d.send(res, 204, null)
    },
  ],
  [
    'POST /__sandbox/fail-part',
    async (req, res, d) => {
      let rule: PartFailureRule
      try {
        rule = PartFailureRuleSchema.parse(await readJson(req))
      } catch (error) {
        return d.send(res, 400, {
          error: `send { "fileId"?: string, "partNumber": n, "times": n, "status": 400-599 }: ${(error as Error).message}`,
        })
      }
      d.uploads.failPart(rule)
      d.send(res, 204, null)
    },
  ],
  [
    'POST /__sandbox/review',
    async (req, res, d) => {
      const input = ReviewDecisionSchema.safeParse(await readJson(req))
      if (!input.success)
        return d.send(res, 400, {
          error: `send { "bundleId": string, "kind": "app-store"|"beta", "decision": "approve"|"reject" } (${issues(input.error)})`,
        })
      try {
        d.send(res, 200, { kind: input.data.kind, ...d.decideReview(input.data) })
      } catch (error) {
        if (!(error instanceof ControlError)) throw error
        d.send(res, 409, { error: error.message })
      }
    },
  ],
  [
    'POST /__sandbox/apps',
    async (req, res, d) => {
      const input = AddedAppSchema.safeParse(await readJson(req))
      if (!input.success)
        return d.send(res, 400, {
          error: `send { "bundleId": string, "name": string, "platforms"?: [${PLATFORMS.map((p) => `"${p}"`).join('|')}], "betaGroups"?: [{ "name": string, "isInternal": boolean }], "appStoreInfo"?: boolean } (${issues(input.error)})`,
        })
      try {
        d.send(res, 201, d.addApp(input.data))
      } catch (error) {
        if (!(error instanceof ControlError)) throw error
        d.send(res, 409, { error: error.message })
      }
    },
  ],
  [
    'POST /__sandbox/clock',
    async (req, res, d) => {
      const input = ClockSchema.safeParse(await readJson(req))
      if (!input.success)
        return d.send(res, 400, {
          error: `send { "advanceMs": whole milliseconds >= 0 } (${issues(input.error)})`,
        })
      d.advanceClock(input.data.advanceMs)
      d.send(res, 204, null)
    },
  ],
  [
    'POST /__sandbox/expire-upload-operations',
    async (_req, res, d) => {
      d.uploads.expireOperations()
      d.send(res, 204, null)
    },
  ],
])

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: ControlDeps,
): Promise<void> {
  const control = controls.get(`${req.method} ${path}`)
  if (!control) return deps.send(res, 404, { error: `no sandbox control ${req.method} ${path}` })
  try {
    await control(req, res, deps)
  } catch (error) {
    if (!(error instanceof NotJsonError)) throw error
    deps.send(res, 400, { error: `${req.method} ${path}: ${error.message}` })
  }
}
