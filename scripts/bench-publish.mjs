// `npm run bench:publish`: the critical path of a full publish as users feel it. The built CLI publishes one build
// (upload, expire the build in beta review, two beta groups, What to Test, beta review, a SCHEDULED update with
// phased release, review submission) against `ascent sandbox --latency-ms L` for L = 0 and 300, as a CI job would
// run it (process start included). Prints API calls (from /__sandbox/state), wall time, wall/latency ("round
// trips") beside the sequential sum of its calls (every call waiting for the one before), and the targets.
// Then the processing wait: how long after the sandbox marks the build VALID Ascent says so, and how many looks
// at the build it took, at 2 s, 20 s, 120 s and 10 min of processing, beside Codemagic's
// fixed 30 s sleeps. Real runs of the CLI for the short ones (BENCH_PUBLISH_PROCESSING); every length also on a
// simulated clock: the publisher and the sandbox in this process, each sleep of the publisher and its uploader
// moving both clocks at once instead of waiting, so 10 minutes take well under a second. The two agree where
// both run.
// Options: BENCH_PUBLISH_LATENCIES=0,300  BENCH_PUBLISH_PROCESSING=2000,20000 (ms, real runs)
//          BENCH_PUBLISH_SIMULATED=2000,20000,120000,600000 (ms)
//          BENCH_PUBLISH_BEFORE=dist-cli/ascent-before.cjs (another build of the CLI, its publish measured in the same run)
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { importTs } from './bundle-ts.mjs'
import { bridgeClientEsbuildPlugin } from './bridge-client-bundle.mjs'

const CLI = path.resolve('dist-cli/ascent.cjs')
const BEFORE = process.env.BENCH_PUBLISH_BEFORE ? path.resolve(process.env.BENCH_PUBLISH_BEFORE) : null
const latencies = (process.env.BENCH_PUBLISH_LATENCIES ?? '0,300').split(',').map(Number)
const processings = (process.env.BENCH_PUBLISH_PROCESSING ?? '2000,20000')
  .split(',')
  .filter(Boolean)
  .map(Number)
const simulated = (process.env.BENCH_PUBLISH_SIMULATED ?? '2000,20000,120000,600000')
  .split(',')
  .filter(Boolean)
  .map(Number)
const TARGET_LOOKS_10_MIN = 12
// Codemagic's publisher: sleep 30 s, then look, while the build is PROCESSING.
const CODEMAGIC_SLEEP_MS = 30_000
const TARGET_ROUND_TRIPS = 14
const TARGET_CALLS = 22
// The scenario test/integration/publish/calls.test.ts counts the calls of: the same seed and app.
const scenario = await importTs('publish-scenario', 'test/fixtures/publish-scenario.ts')
const BUNDLE_ID = scenario.SCENARIO_BUNDLE_ID

// The publisher (its default poll schedule) and the sandbox in one process on a simulated clock.
const SIMULATED_ENTRY = `
import { loadSeed, startSandbox } from './electron/sandbox'
import { createPublisher } from './electron/publish/publisher'
import { defaultUploaderFactory } from './electron/publish/default-uploader'
import { inspectBuild } from './electron/ipa'
import { parsePrivateKey } from './electron/asc/private-key'
import { createTokenSource } from './electron/asc/token'
import { defaultReleaseSettings } from './shared/release-settings'

export async function simulate(seedFile: string, ipa: string, dataDir: string, processingMs: number) {
  const sandbox = await startSandbox({ processingMs, seed: await loadSeed(seedFile) })
  // Ascent's clock and App Store Connect's move together: a sleep moves both and returns (almost) at once.
  let skew = 0
  let looks = 0
  const now = () => Date.now() + skew
  // The sandbox checks a committed build's contents asynchronously, in real time: each sleep leaves it 30 ms.
  const sleep = async (ms: number) => {
    skew += ms
    sandbox.advanceClock(ms)
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
  const tokens = createTokenSource({
    keyId: sandbox.keyId,
    issuerId: sandbox.issuerId,
    privateKey: parsePrivateKey(sandbox.privateKeyPem),
  })
  const publisher = createPublisher({
    dataDir,
    credentials: async () => ({ apiUrl: sandbox.url, tokens }),
    uploaderFactory: defaultUploaderFactory({ api: { now, sleep } }),
    inspect: (path: string) => inspectBuild(path),
    now,
    sleep,
  })
  let noticedAt: number | null = null
  publisher.onEvent((e) => {
    if (e.type === 'step-progress' && e.step === 'processing' && e.state) looks++
    if (e.type === 'step-finished' && e.step === 'processing') noticedAt = now()
  })
  try {
    const { runId } = await publisher.start({
      file: { id: 'bench', name: 'bench.ipa', path: ipa, sizeBytes: 0 },
      filePath: ipa,
      settings: { ...defaultReleaseSettings, submitToTestflight: true, whatToTest: 'Everything' },
      options: { uploadMethod: 'api', processingTimeoutMs: 30 * 60_000 },
    })
    const run = await publisher.wait(runId)
    const state = await (await fetch(sandbox.url + '/__sandbox/state')).json()
    const uploadLooks = state.requests.byRoute['GET /v1/buildUploads/{id}'] ?? 0
    const build = state.builds.find((b: { buildNumber: string }) => b.buildNumber === '100')
    const validAt = build?.processedDate ? Date.parse(build.processedDate) : null
    if (noticedAt === null || validAt === null) throw new Error('the simulated run did not process: ' + run.outcome)
    return { looks, uploadLooks, noticeLagMs: noticedAt - validAt, outcome: run.outcome }
  } finally {
    await sandbox.close()
  }
}
`

const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-publish-'))
// The CLIs this bench starts keep their code cache here, never in the user's cache folder.
process.env.ASCENT_CACHE_DIR = path.join(dir, 'cache')
const running = []
try {
  const seedFile = path.join(dir, 'seed.json')
  await writeFile(seedFile, JSON.stringify(scenario.scenarioSeed()))
  const makeIpa = await buildFactory()
  const ipa = await makeIpa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' }, dir)
  const help = await runCapture([CLI, 'publish', '--help'])
  const whatsNew = help.includes('--whats-new') ? ['--whats-new', 'Faster and smaller.'] : []
  const args = [
    'publish',
    ipa,
    '--testflight',
    '--expire-previous',
    '--beta-group',
    'QA',
    '--beta-group',
    'Public Beta',
    '--what-to-test',
    'Everything',
    '--app-store',
    '--release-type',
    'SCHEDULED',
    '--earliest-release-date',
    `${new Date().getUTCFullYear() + 2}-06-01T14:00:00Z`,
    '--phased-release',
    ...whatsNew,
    '--upload-method',
    'api',
    '--json',
  ]
  console.log(
    `machine: ${os.cpus().length} cores, Node ${process.versions.node}, load average ${load()} (shared with whatever else runs)`,
  )
  console.log('full publish of one build, processing 0.5 s, one publish per latency:')
  const rows = []
  for (const latencyMs of latencies) {
    if (BEFORE) {
      const r = await publishOnce(
        seedFile,
        ipa,
        args,
        { latencyMs, processingMs: 500 },
        `before${latencyMs}`,
        BEFORE,
      )
      rows.push({ latencyMs, label: 'before: ', ...r })
    }
    const r = await publishOnce(seedFile, ipa, args, { latencyMs, processingMs: 500 }, `lat${latencyMs}`)
    rows.push({ latencyMs, label: BEFORE ? 'now:    ' : '', ...r })
  }
  for (const r of rows) {
    const base = rows.find((b) => b.latencyMs === 0 && b.label === r.label)
    const trips = r.latencyMs > 0 ? ` = ${(r.wallMs / r.latencyMs).toFixed(1)} round trips` : ''
    const sequential =
      r.latencyMs > 0
        ? `; sequential sum of its calls ${r.calls} × ${r.latencyMs} ms = ${((r.calls * r.latencyMs) / 1000).toFixed(1)} s`
        : ''
    const net =
      r.latencyMs > 0 && base
        ? `; beyond the 0 ms run ${((r.wallMs - base.wallMs) / r.latencyMs).toFixed(1)} round trips`
        : ''
    console.log(
      `  ${r.label}latency ${String(r.latencyMs).padStart(3)} ms: ${r.outcome}, ${r.calls} API calls, wall ${(r.wallMs / 1000).toFixed(2)} s${trips}${sequential}${net}`,
    )
  }
  console.log(`  target: <= ${TARGET_ROUND_TRIPS} round trips at 300 ms, <= ${TARGET_CALLS} API calls`)
  const top = rows.at(-1)
  if (top) {
    console.log(`  calls at ${top.latencyMs} ms by route:`)
    for (const [route, n] of Object.entries(top.byRoute).sort())
      console.log(`    ${String(n).padStart(2)}  ${route}`)
  }

  console.log(
    'processing wait: how long after the sandbox marks the build VALID Ascent says so, and its looks',
  )
  const real = new Map()
  for (const processingMs of processings) {
    const r = await publishOnce(
      seedFile,
      ipa,
      ['publish', ipa, '--testflight', '--what-to-test', 'Everything', '--upload-method', 'api', '--json'],
      { latencyMs: 0, processingMs },
      `proc${processingMs}`,
    )
    real.set(processingMs, r)
  }
  const simulate = await simulatedClock()
  const header = ['processing', 'Ascent, real run', 'Ascent, simulated clock', 'Codemagic (30 s sleeps)']
  const widths = [12, 30, 30, 26]
  const line = (cells) => console.log('  ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(''))
  line(header)
  const lengths = [...new Set([...processings, ...simulated])].sort((a, b) => a - b)
  const sims = new Map()
  for (const processingMs of lengths) {
    const r = real.get(processingMs)
    const realCell = r
      ? `${r.noticeLagMs === null ? 'never' : `${(r.noticeLagMs / 1000).toFixed(1)} s`} after, ${r.looks} + ${r.uploadLooks} looks`
      : '(not run)'
    let simCell = '(not simulated)'
    if (simulated.includes(processingMs)) {
      const sim = await simulate(seedFile, ipa, path.join(dir, `sim-${processingMs}`), processingMs)
      sims.set(processingMs, sim)
      simCell = `${(sim.noticeLagMs / 1000).toFixed(1)} s after, ${sim.looks} + ${sim.uploadLooks} looks`
    }
    const cm = codemagic(processingMs)
    line([
      formatLength(processingMs),
      realCell,
      simCell,
      `${(cm.noticeLagMs / 1000).toFixed(1)} s after, ${cm.looks} looks`,
    ])
  }
  const tenMinutes = sims.get(600_000)
  if (tenMinutes) {
    console.log(
      `  10 min: ${tenMinutes.looks + tenMinutes.uploadLooks} looks in all (simulated clock), Codemagic ${codemagic(600_000).looks}; target <= ${TARGET_LOOKS_10_MIN}`,
    )
  }
  console.log(
    `  target: noticed within 2 s while processing is short, <= ${TARGET_LOOKS_10_MIN} looks for 10 minutes, no fixed sleep`,
  )
  console.log(
    '  looks: at the build (the processing step) + at the build upload (until it names its build); Codemagic looks at the build',
  )
} finally {
  for (const p of running) p.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
}

function formatLength(ms) {
  return ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`
}

/** Codemagic's wait, computed: it looks once, then sleeps 30 s before each further look while processing goes on. */
function codemagic(processingMs) {
  const sleeps = Math.ceil(processingMs / CODEMAGIC_SLEEP_MS)
  return { looks: sleeps + 1, noticeLagMs: sleeps * CODEMAGIC_SLEEP_MS - processingMs }
}

async function simulatedClock() {
  const plugins = [bridgeClientEsbuildPlugin()]
  return (await importTs('bench-processing', { contents: SIMULATED_ENTRY }, { plugins })).simulate
}

async function publishOnce(seedFile, ipa, args, { latencyMs, processingMs }, name, cli = CLI) {
  const sandbox = await startSandbox(seedFile, latencyMs, processingMs)
  try {
    const dataDir = path.join(dir, `data-${name}`)
    mkdirSync(dataDir, { recursive: true })
    const env = {
      ...process.env,
      ASCENT_API_URL: sandbox.url,
      APP_STORE_CONNECT_KEY_IDENTIFIER: sandbox.keyId,
      APP_STORE_CONNECT_ISSUER_ID: sandbox.issuerId,
      APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sandbox.privateKeyPath}`,
      ASCENT_DATA_DIR: dataDir,
      // Each build its own V8 code cache, in the bench's folder (not the user's): two builds sharing one would
      // each find the other's and start without one. The 0 ms run makes it; the 300 ms run starts with it.
      ASCENT_CACHE_DIR: path.join(dir, cli === CLI ? 'cache-now' : 'cache-before'),
    }
    const before = await state(sandbox)
    const started = Date.now()
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let outcome = 'no run-finished event'
    let noticedAt = null
    let looks = 0
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    for await (const line of createInterface({ input: child.stdout })) {
      let event
      try {
        event = JSON.parse(line)
      } catch {
        continue
      }
      if (event.type === 'step-progress' && event.step === 'processing' && event.state) looks++
      if (event.type === 'step-finished' && event.step === 'processing') noticedAt = Date.now()
      if (event.type === 'run-finished') outcome = event.outcome
    }
    const code = await new Promise((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
    )
    const wallMs = Date.now() - started
    if (code !== 0) console.log(`    (exit ${code}: ${stderr.trim().split('\n').at(-1)})`)
    const after = await state(sandbox)
    // Upload part PUTs carry the file, not API calls (the sandbox waits no latency on them either).
    const PART = 'PUT /upload/{id}/{part}'
    const byRoute = {}
    for (const [route, n] of Object.entries(after.requests.byRoute)) {
      const d = n - (before.requests.byRoute[route] ?? 0)
      if (d > 0 && route !== PART) byRoute[route] = d
    }
    const built = after.builds.find((b) => b.buildNumber === '100')
    const validAt = built?.processedDate ? Date.parse(built.processedDate) : null
    return {
      outcome,
      wallMs,
      calls: Object.values(byRoute).reduce((a, b) => a + b, 0),
      byRoute,
      looks,
      uploadLooks: byRoute['GET /v1/buildUploads/{id}'] ?? 0,
      noticeLagMs: noticedAt !== null && validAt !== null ? noticedAt - validAt : null,
    }
  } finally {
    sandbox.stop()
  }
}

async function state(sandbox) {
  const res = await fetch(`${sandbox.url}/__sandbox/state`)
  return res.json()
}

function startSandbox(seedFile, latencyMs, processingMs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        CLI,
        'sandbox',
        '--seed',
        seedFile,
        '--latency-ms',
        String(latencyMs),
        '--processing-ms',
        String(processingMs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    running.push(proc)
    proc.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)))
    createInterface({ input: proc.stdout }).once('line', (line) => {
      resolve({ ...JSON.parse(line), stop: () => proc.kill('SIGTERM') })
    })
  })
}

function runCapture(argv) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.once('exit', () => resolve(out))
  })
}

/** The TypeScript build factory, bundled once (packages resolve from node_modules). */
async function buildFactory() {
  return (await importTs('build-factory', 'test/fixtures/build-factory.ts')).makeIpa
}

function load() {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}
