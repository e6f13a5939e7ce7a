import { afterEach, expect, test } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId } from './helpers'

/** `latencyMs`: every API answer waits as over a real network; upload parts and /__sandbox do not. */

let sandbox: TestSandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

test('every API call waits latencyMs before its answer; /__sandbox routes and upload part PUTs do not', async () => {
  // The waits are recorded instead of taken: what is asserted is which requests wait and for how long.
  const waits: string[] = []
  let current = ''
  sandbox = await startTestSandbox({
    latencyMs: 300,
    delay: (ms) => {
      waits.push(`${current} ${ms}`)
      return Promise.resolve()
    },
  })
  current = 'apps'
  const appId = await demoAppId(sandbox)
  expect(appId).not.toBe('')
  current = 'betaGroups'
  expect((await sandbox.call('GET', `/v1/apps/${appId}/betaGroups`)).status).toBe(200)
  current = 'unknown route'
  expect((await sandbox.call('GET', '/v1/noSuchThing')).status).toBe(404)
  current = 'state'
  const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as { latencyMs: number }
  current = 'part'
  const part = await fetch(`${sandbox.url}/upload/no-such-file/1`, { method: 'PUT', body: 'x' })
  expect(part.status).toBeGreaterThanOrEqual(400)

  expect(state.latencyMs).toBe(300)
  expect(sandbox.state().latencyMs).toBe(300)
  expect(waits).toEqual(['apps 300', 'betaGroups 300', 'unknown route 300'])
})

test('without latencyMs nothing waits and the state says 0', async () => {
  const waits: number[] = []
  sandbox = await startTestSandbox({ delay: (ms) => (waits.push(ms), Promise.resolve()) })
  expect(await demoAppId(sandbox)).not.toBe('')
  expect(waits).toEqual([])
  expect(sandbox.state().latencyMs).toBe(0)
})

test('a latency that is not a whole number of milliseconds is refused', async () => {
  await expect(startTestSandbox({ latencyMs: -1 })).rejects.toThrow(/latencyMs must be a whole number/)
  await expect(startTestSandbox({ latencyMs: 0.5 })).rejects.toThrow(/latencyMs must be a whole number/)
})
