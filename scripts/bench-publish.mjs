// `npm run bench:publish`: the critical path of a full publish as users feel it. The built CLI publishes one build
// (upload, expire the build in beta review, two beta groups, What to Test, beta review, a SCHEDULED update with
// phased release, review submission) against `ascent sandbox --latency-ms L` for L = 0 and 300, as a CI job would
// run it (process start included). Prints API calls (from /__sandbox/state), wall time, wall/latency ("round
// trips") beside the sequential sum of its calls (every call waiting for the one before), and the targets.
// Then the processing wait: how long after the sandbox marks the build VALID Ascent's --json stream says so, and
// how many looks it took, at 2 s and 20 s of processing (a real wait: Ascent sleeps on its own clock, which the
// sandbox's clock cannot move, so 120 s and 10 min are left to the schedule printed below).
// Options: BENCH_PUBLISH_LATENCIES=0,300  BENCH_PUBLISH_PROCESSING=2000,20000 (ms)
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const CLI = path.resolve('dist-cli/ascent.cjs')
const latencies = (process.env.BENCH_PUBLISH_LATENCIES ?? '0,300').split(',').map(Number)
const processings = (process.env.BENCH_PUBLISH_PROCESSING ?? '2000,20000').split(',').map(Number)
const TARGET_ROUND_TRIPS = 14
const TARGET_CALLS = 22
const BUNDLE_ID = 'com.example.bench'

const seed = {
  apps: [
    {
      bundleId: BUNDLE_ID,
      name: 'Bench',
      platforms: ['IOS'],
      betaGroups: [
        { name: 'QA', isInternal: true },
        { name: 'Public Beta', isInternal: false },
      ],
      versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_SALE' }],
      builds: [
        {
          versionString: '1.0.0',
          buildNumber: '99',
          platform: 'IOS',
          state: 'VALID',
          betaReviewState: 'WAITING_FOR_REVIEW',
        },
      ],
    },
  ],
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-publish-'))
const running = []
try {
  const seedFile = path.join(dir, 'seed.json')
  await writeFile(seedFile, JSON.stringify(seed))
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
    const r = await publishOnce(seedFile, ipa, args, { latencyMs, processingMs: 500 }, `lat${latencyMs}`)
    rows.push({ latencyMs, ...r })
  }
  const base = rows.find((r) => r.latencyMs === 0)
  for (const r of rows) {
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
      `  latency ${String(r.latencyMs).padStart(3)} ms: ${r.outcome}, ${r.calls} API calls, wall ${(r.wallMs / 1000).toFixed(2)} s${trips}${sequential}${net}`,
    )
  }
  console.log(`  target: <= ${TARGET_ROUND_TRIPS} round trips at 300 ms, <= ${TARGET_CALLS} API calls`)
  const top = rows.at(-1)
  if (top) {
    console.log(`  calls at ${top.latencyMs} ms by route:`)
    for (const [route, n] of Object.entries(top.byRoute).sort())
      console.log(`    ${String(n).padStart(2)}  ${route}`)
  }

  console.log('processing wait (latency 0): how long after the sandbox marks the build VALID Ascent says so')
  for (const processingMs of processings) {
    const r = await publishOnce(
      seedFile,
      ipa,
      ['publish', ipa, '--testflight', '--what-to-test', 'Everything', '--upload-method', 'api', '--json'],
      { latencyMs: 0, processingMs },
      `proc${processingMs}`,
    )
    console.log(
      `  processing ${(processingMs / 1000).toFixed(0).padStart(3)} s: noticed ${r.noticeLagMs === null ? 'never' : `${(r.noticeLagMs / 1000).toFixed(2)} s`} after VALID, ${r.looks} looks (${r.outcome})`,
    )
  }
  console.log(
    '  target: noticed within 2 s while processing is short, <= 12 looks for 10 minutes, no fixed sleep',
  )
} finally {
  for (const p of running) p.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
}

async function publishOnce(seedFile, ipa, args, { latencyMs, processingMs }, name) {
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
    }
    const before = await state(sandbox)
    const started = Date.now()
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
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
  const cacheDir = path.resolve('node_modules', '.cache', 'ascent-scripts')
  mkdirSync(cacheDir, { recursive: true })
  const outfile = path.join(cacheDir, 'build-factory.mjs')
  await build({
    entryPoints: ['test/fixtures/build-factory.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  })
  return (await import(pathToFileURL(outfile).href)).makeIpa
}

function load() {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}
