import { expect, test } from 'vitest'
import { mulberry32 } from '../../../electron/sandbox'
import { startTestSandbox, withSandbox } from '../../support/sandbox'
import { demoAppId } from './helpers'

async function outcomes(seed: number): Promise<string[]> {
  return withSandbox({ faults: { rate: 0.5, seed } }, async (sb) => {
    const out: string[] = []
    for (let i = 0; i < 30; i++) {
      try {
        const res = await sb.call('GET', '/v1/apps')
        out.push(res.status === 429 ? `429:${res.headers.get('retry-after')}` : String(res.status))
      } catch {
        out.push('reset')
      }
    }
    // /__sandbox is never faulted.
    for (let i = 0; i < 10; i++) expect((await fetch(`${sb.url}/__sandbox/state`)).status).toBe(200)
    expect(sb.schemaProblems()).toBe('')
    return out
  })
}

test('faults follow a seeded RNG: same seed, same sequence; all kinds appear', async () => {
  const a = await outcomes(42)
  const b = await outcomes(42)
  expect(a).toEqual(b)
  expect(new Set(a)).toEqual(new Set(['200', '429:1', '500', '503', 'reset']))
  expect(await outcomes(7)).not.toEqual(a)
  expect(mulberry32(1)()).toBe(mulberry32(1)())
})

test('a reset after a POST keeps its effect (clients must look before retrying)', async () => {
  const sb = await startTestSandbox()
  try {
    const appId = await demoAppId(sb)
    const body = {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: 'IOS' },
        relationships: { app: { data: { type: 'apps', id: appId } } },
      },
    }
    // Find a seed whose first pick is `reset-after` for a POST, using the same RNG the sandbox uses.
    let seed = 1
    for (; seed < 1000; seed++) {
      const r = mulberry32(seed)
      if (r() < 1 && Math.floor(r() * 6) === 4) break
    }
    sb.setFaults({ rate: 1, seed })
    await expect(sb.call('POST', '/v1/reviewSubmissions', body)).rejects.toThrow()
    sb.setFaults({ rate: 0 })
    expect(sb.state().reviewSubmissions).toHaveLength(1)
    expect(sb.state().faults.byKind).toEqual({})
    const retry = await sb.call('POST', '/v1/reviewSubmissions', body)
    expect(retry.status).toBe(409)
  } finally {
    await sb.close()
  }
})

test('fault rate can be changed at runtime over HTTP', async () => {
  await withSandbox({}, async (sb) => {
    expect(
      (
        await fetch(`${sb.url}/__sandbox/faults`, {
          method: 'POST',
          body: JSON.stringify({ rate: 1, seed: 3 }),
        })
      ).status,
    ).toBe(204)
    expect(sb.state().faults.rate).toBe(1)
  })
})

test('POST /__sandbox/faults refuses a rate outside 0–1 and a seed the generator does not have (it keeps 32 bits)', async () => {
  await withSandbox({}, async (sb) => {
    const set = (body: unknown): Promise<Response> =>
      fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) })
    for (const body of [
      { rate: 0.5, seed: 2 ** 32 },
      { rate: 0.5, seed: -1 },
      { rate: 0.5, seed: 1.5 },
      { rate: 0.5, seed: '7' },
      { rate: 1.5 },
    ]) {
      const res = await set(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/fault (rate|seed) must be|send \{/)
    }
    expect((await set({ rate: 0.5, seed: 2 ** 32 - 1 })).status).toBe(204)
  })
})
