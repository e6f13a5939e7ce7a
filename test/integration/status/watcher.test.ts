import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { createAscClient } from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import { HourlyBudget } from '../../../electron/status/poll-policy'
import { createReleaseWatcher, type ReleaseWatcher } from '../../../electron/status/watcher'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/** The release watcher against the sandbox, on a clock the test moves together with the sandbox's. */

const BUNDLE = 'com.example.watched'
let sb: TestSandbox
let dir: string
let offset = 0
// The watcher's clock stands still unless the test moves it (with the sandbox's), so hours are exact.
let base = Date.now()
const now = (): number => base + offset
const skip = (ms: number): void => {
  offset += ms
  sb.advanceClock(ms)
}

afterEach(async () => {
  await sb.close()
  await rm(dir, { recursive: true, force: true })
})

async function setup(): Promise<{
  watcher: (o?: { online?: () => boolean }) => Promise<ReleaseWatcher>
  requests: () => number
  busiestHour: (from: number) => number
}> {
  offset = 0
  base = Date.now()
  dir = await mkdtemp(join(tmpdir(), 'ascent-watcher-'))
  sb = await startTestSandbox({
    reviewMs: 0,
    betaReviewMs: 0,
    seed: {
      apps: [
        {
          bundleId: BUNDLE,
          name: 'Watched',
          platforms: ['IOS'],
          versions: [
            { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
            { platform: 'IOS', versionString: '1.1.0', state: 'WAITING_FOR_REVIEW' },
          ],
        },
      ],
    },
  })
  let requests = 0
  const times: number[] = []
  const client = createAscClient({
    baseUrl: sb.url,
    tokens: createTokenSource({
      keyId: sb.keyId,
      issuerId: sb.issuerId,
      privateKey: parsePrivateKey(sb.privateKeyPem),
    }),
    onAudit: () => {
      requests++
      times.push(now())
    },
  })
  return {
    watcher: (o = {}) =>
      createReleaseWatcher({
        dataDir: dir,
        client: async () => client,
        now,
        // Less than waiting for review would use (12 reads, 36 requests an hour): the budget decides.
        budget: new HourlyBudget(30, 0),
        ...(o.online ? { isOnline: o.online } : {}),
      }),
    requests: () => requests,
    busiestHour: (from) => {
      const list = times.filter((t) => t >= from)
      let most = 0
      for (let a = 0, b = 0; b < list.length; b++) {
        while ((list[b] ?? 0) - (list[a] ?? 0) >= 3_600_000) a++
        most = Math.max(most, b - a + 1)
      }
      return most
    },
  }
}

/** Moves both clocks to the watcher's next read and runs it. */
async function nextRead(watcher: ReleaseWatcher): Promise<void> {
  const due = watcher.nextDueAt()
  if (due === null) throw new Error('nothing is due')
  if (due > now()) skip(due - now())
  await watcher.pollDue()
}

it('keeps what it watches across a restart, reads again right away, and records transitions with what to do next', async () => {
  const { watcher: make } = await setup()
  const first = await make()
  const watched = await first.watch(BUNDLE)
  expect(watched.status?.versions[0]).toMatchObject({
    versionString: '1.1.0',
    appStoreState: 'WAITING_FOR_REVIEW',
  })
  await first.close()

  const second = await make()
  expect(second.list().map((a) => [a.bundleId, a.watching])).toEqual([[BUNDLE, true]])
  expect(second.nextDueAt()).toBeLessThanOrEqual(now())
  sb.decideReview({ bundleId: BUNDLE, kind: 'app-store', decision: 'reject' })
  await second.pollDue()
  const app = second.list()[0]
  expect(app?.timeline.map((t) => [t.name, t.to, t.title])).toEqual([['1.1.0', 'REJECTED', 'Rejected']])
  expect(app?.timeline[0]?.body).toContain('Resolution Center')
  // A rejection keeps the app watched until the user has seen it.
  expect(app?.watching).toBe(true)
  expect((await second.acknowledge(BUNDLE, '1.1.0')).watching).toBe(false)
  expect(second.nextDueAt()).toBeNull()
  await second.close()
})

it('reads slower while nothing moves, stays within its hourly share, and skips reads while offline', async () => {
  const { watcher: make, requests, busiestHour } = await setup()
  let online = true
  const watcher = await make({ online: () => online })
  await watcher.watch(BUNDLE)
  const gaps: number[] = []
  for (let i = 0; i < 8; i++) {
    const before = now()
    await nextRead(watcher)
    gaps.push(now() - before)
  }
  expect(gaps.at(-1)).toBeGreaterThan(gaps[0] ?? 0)
  // A simulated day of waiting for review: at most 30 requests in any hour (the budget given above).
  const dayStart = now()
  while (now() - dayStart < 86_400_000) await nextRead(watcher)
  expect(busiestHour(dayStart)).toBeLessThanOrEqual(30)
  expect(busiestHour(dayStart)).toBeGreaterThanOrEqual(27)

  online = false
  const offlineStart = requests()
  await nextRead(watcher)
  await nextRead(watcher)
  expect(requests()).toBe(offlineStart)
  online = true
  sb.decideReview({ bundleId: BUNDLE, kind: 'app-store', decision: 'approve' })
  await nextRead(watcher)
  expect(watcher.list()[0]?.status?.versions[0]?.appStoreState).toBe('PENDING_DEVELOPER_RELEASE')

  watcher.pause()
  expect(await watcher.pollDue()).toBe(0)
  watcher.resume()
  const released = await watcher.act(BUNDLE, '1.1.0', 'now')
  expect(released.status?.versions.map((v) => v.appStoreState)).toEqual(['READY_FOR_SALE'])
  expect(released.watching).toBe(false)
  await watcher.close()
})
