// `npm run bench releases` (also part of `npm run bench`), or `node scripts/soak-releases.mjs [--apps N] [--days D]`:
// the release watcher over a simulated week. N apps (20) each have an update waiting for App Review; the sandbox
// decides them one after another (every fourth is rejected, then acknowledged), approved ones are released with
// "Release now", half of them in phases (one in four of those paused for half a day). The sandbox's clock and the
// watcher's move together from one due read or scripted event to the next, so a week takes a minute; every read
// is real HTTP to the sandbox. Prints requests per hour (the busiest hour and the mean) beside Apple's 3600 per
// key, and every transition the watcher missed. Exits 1 on a miss or an hour over the limit.
import { build } from 'esbuild'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}
const APPS = arg('apps', 20)
const DAYS = arg('days', 7)
const APPLE_LIMIT = 3600

const runner = String.raw`
import { startSandbox } from './electron/sandbox'
import { createAscClient } from './electron/asc/client'
import { createTokenSource } from './electron/asc/token'
import { parsePrivateKey } from './electron/asc/private-key'
import { createPhasedRelease } from './electron/asc/phased-releases'
import { HourlyBudget } from './electron/status/poll-policy'
import { readAppStatus } from './electron/status/read-status'
import { resolveApp } from './electron/status/release-actions'
import { createReleaseWatcher } from './electron/status/watcher'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export async function soak({ apps: count, days, dir }) {
  const apps = Array.from({ length: count }, (_, i) => ({
    bundleId: 'com.example.watch.app' + i,
    name: 'Watch ' + i,
    platforms: ['IOS'],
    versions: [
      { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
      { platform: 'IOS', versionString: '1.1.0', state: 'WAITING_FOR_REVIEW' },
    ],
    builds: [],
  }))
  const sandbox = await startSandbox({ seed: { apps }, reviewMs: 0 })
  const start = Date.now()
  let offset = 0
  const now = () => start + offset
  const requests = []
  const budget = new HourlyBudget(1800, 360)
  const tokens = createTokenSource({ keyId: sandbox.keyId, issuerId: sandbox.issuerId, privateKey: parsePrivateKey(sandbox.privateKeyPem) })
  const client = createAscClient({
    baseUrl: sandbox.url,
    tokens,
    onAudit: (e) => {
      requests.push(now())
      budget.observeRemaining(now(), e.rateLimitRemaining)
    },
  })
  // Setup calls (phased releases) go through their own client: they are not the watcher's.
  const setup = createAscClient({ baseUrl: sandbox.url, tokens })
  const watcher = await createReleaseWatcher({ dataDir: dir, client: async () => client, now, budget, timers: false })

  const expected = new Map()
  const events = []
  const at = (time, what, run) => events.push({ time, what, run })
  for (let i = 0; i < count; i++) {
    const bundleId = apps[i].bundleId
    const want = new Set()
    expected.set(bundleId, want)
    const decided = start + HOUR + i * 30 * 60_000
    const phased = i % 2 === 0 && i % 4 !== 3
    if (phased) {
      const app = await resolveApp(setup, bundleId)
      const snapshot = await readAppStatus(setup, app)
      const index = snapshot.status.versions.findIndex((v) => v.versionString === '1.1.0')
      await createPhasedRelease(setup, { versionId: snapshot.versionIds[index].versionId })
    }
    await watcher.watch(bundleId)
    if (i % 4 === 3) {
      at(decided, 'reject ' + bundleId, () => sandbox.decideReview({ bundleId, kind: 'app-store', decision: 'reject' }))
      at(decided + 6 * HOUR, 'acknowledge ' + bundleId, () => watcher.acknowledge(bundleId, '1.1.0'))
      want.add('appStoreState REJECTED')
      continue
    }
    at(decided, 'approve ' + bundleId, () => sandbox.decideReview({ bundleId, kind: 'app-store', decision: 'approve' }))
    at(decided + HOUR, 'release ' + bundleId, () => watcher.act(bundleId, '1.1.0', 'now'))
    want.add('appStoreState PENDING_DEVELOPER_RELEASE')
    want.add('appStoreState READY_FOR_SALE')
    if (!phased) continue
    for (let day = 2; day <= 6; day++) want.add('phasedRelease ACTIVE day ' + day)
    want.add('phasedRelease COMPLETE day 7')
    if (i % 8 === 0) {
      at(decided + HOUR + DAY + HOUR, 'pause ' + bundleId, () => watcher.act(bundleId, '1.1.0', 'pause'))
      at(decided + HOUR + DAY + 13 * HOUR, 'resume ' + bundleId, () => watcher.act(bundleId, '1.1.0', 'resume'))
      want.add('phasedRelease PAUSED day 2')
    }
  }
  events.sort((a, b) => a.time - b.time)

  const end = start + days * DAY
  const began = Date.now()
  for (;;) {
    const nextEvent = events[0]?.time ?? Infinity
    const nextRead = watcher.nextDueAt() ?? Infinity
    const next = Math.min(nextEvent, nextRead, end)
    if (next > now()) {
      sandbox.advanceClock(next - now())
      offset = next - start
    }
    if (now() >= end) break
    while (events.length > 0 && events[0].time <= now()) await events.shift().run()
    await watcher.pollDue()
    if (nextEvent === Infinity && nextRead === Infinity) break
  }
  const seconds = (Date.now() - began) / 1000

  const missed = []
  for (const app of watcher.list()) {
    const seen = new Set(app.timeline.map((t) => t.field + ' ' + t.to))
    for (const want of expected.get(app.bundleId)) if (!seen.has(want)) missed.push(app.bundleId + ': ' + want)
  }
  // The busiest hour, sliding over every request.
  let busiest = 0
  for (let a = 0, b = 0; b < requests.length; b++) {
    while (requests[b] - requests[a] >= HOUR) a++
    busiest = Math.max(busiest, b - a + 1)
  }
  const still = watcher.list().filter((a) => a.watching).map((a) => a.bundleId)
  await watcher.close()
  await sandbox.close()
  return { requests: requests.length, hours: days * 24, busiest, missed, still, seconds, expected: [...expected.values()].reduce((n, s) => n + s.size, 0) }
}
`

const root = process.cwd()
const dir = await mkdtemp(join(tmpdir(), 'ascent-soak-releases-'))
try {
  const out = join(dir, 'soak-releases-runner.mjs')
  await build({
    stdin: { contents: runner, resolveDir: root, loader: 'ts', sourcefile: 'soak-releases-runner.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: out,
    external: ['keytar', 'electron'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  })
  const { soak } = await import(pathToFileURL(out).href)
  console.log(`release watching: ${APPS} apps over ${DAYS} simulated days, sandbox on 127.0.0.1`)
  const r = await soak({ apps: APPS, days: DAYS, dir: join(dir, 'data') })
  console.log(
    `requests/hour: busiest hour ${r.busiest}, mean ${(r.requests / r.hours).toFixed(0)} (${r.requests} in ${r.hours} h) — Apple's limit ${APPLE_LIMIT}/h per key, watching's own share 1800/h`,
  )
  console.log(
    `transitions:   ${r.expected - r.missed.length}/${r.expected} expected ones seen, ${r.missed.length} missed`,
  )
  for (const m of r.missed) console.log(`  missed ${m}`)
  console.log(
    `still watched: ${r.still.length === 0 ? 'none (every app on sale or its rejection acknowledged)' : r.still.join(', ')}`,
  )
  console.log(`time:          ${r.seconds.toFixed(1)} s of real time`)
  process.exitCode = r.missed.length === 0 && r.busiest <= APPLE_LIMIT ? 0 : 1
} finally {
  await rm(dir, { recursive: true, force: true })
}
