import { generateKeyPairSync } from 'node:crypto'
import {
  createAscClient,
  type AscClient,
  type AscClientOptions,
  type AuditEntry,
} from '../../../electron/asc/client'
import { createTokenSource, type TokenSource } from '../../../electron/asc/token'

const TEST_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })

export interface Harness {
  readonly client: AscClient
  readonly sleeps: number[]
  readonly audit: AuditEntry[]
  readonly tokens: { signed: number; invalidated: number }
  /** The injected clock: starts at the real time (so the server's Date header agrees) and moves only by sleeps. */
  readonly clock: { now: number }
}

/** A client with an injected clock and sleep: every wait is recorded and advances the clock instantly. */
export function makeHarness(baseUrl: string, overrides: Partial<AscClientOptions> = {}): Harness {
  const clock = { now: Date.now() }
  const sleeps: number[] = []
  const audit: AuditEntry[] = []
  const counts = { signed: 0, invalidated: 0 }
  const inner = createTokenSource({
    keyId: 'TESTKEY001',
    issuerId: 'issuer-1',
    privateKey: TEST_KEY.privateKey,
    now: () => clock.now,
  })
  let current: Promise<string> | null = null
  const tokens: TokenSource = {
    keyId: inner.keyId,
    token: (signal) => {
      const next = inner.token(signal)
      if (next !== current) counts.signed++
      current = next
      return next
    },
    invalidate: () => {
      counts.invalidated++
      inner.invalidate()
    },
  }
  const client = createAscClient({
    baseUrl,
    tokens,
    now: () => clock.now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted')
      sleeps.push(ms)
      clock.now += ms
    },
    random: () => 0.5,
    onAudit: (e) => audit.push(e),
    ...overrides,
  })
  return { client, sleeps, audit, tokens: counts, clock }
}
