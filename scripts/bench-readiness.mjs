// `npm run bench:readiness`: the time from choosing a build to a complete App Store readiness answer (every row
// of App Review's checklist App Store Connect shows, for every locale), for an app with 5 locales, 2 screenshots
// each, against `ascent sandbox --latency-ms L`. The engine's answer is timed in-process, as the window asks it
// when a build is chosen (median of 7, after one warm-up); `ascent metadata check --json` is timed as a CI job
// runs it (process start included). Beside each: API calls, and wall/latency ("round trips") next to the
// sequential sum of its calls. Target: under 1 s at every latency measured.
// Options: BENCH_READINESS_LATENCIES=0,50 (ms)
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { importTs } from './bundle-ts.mjs'

const CLI = path.resolve('dist-cli/ascent.cjs')
const latencies = (process.env.BENCH_READINESS_LATENCIES ?? '0,50').split(',').map(Number)
const TARGET_MS = 1000
const BUNDLE_ID = 'com.example.bench.readiness'
const LOCALES = ['en-US', 'de-DE', 'fr-FR', 'ja', 'es-ES']
const RUNS = 7

const seed = {
  apps: [
    {
      bundleId: BUNDLE_ID,
      name: 'Readiness Bench',
      platforms: ['IOS'],
      appStoreInfo: false,
      betaGroups: [],
      versions: [{ platform: 'IOS', versionString: '1.0', state: 'PREPARE_FOR_SUBMISSION' }],
      builds: [],
    },
  ],
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-readiness-'))
const running = []
try {
  const lib = await bundleEngine()
  const seedFile = path.join(dir, 'seed.json')
  await writeFile(seedFile, JSON.stringify(seed))
  const folder = await makeFolder(lib, path.join(dir, 'deliver'))
  console.log(`readiness of one version with ${LOCALES.length} locales, 2 screenshots each (load ${load()}):`)
  let over = false
  for (const latencyMs of latencies) {
    const sandbox = await startSandbox(seedFile, latencyMs)
    try {
      const env = credentials(sandbox)
      const push = await run([CLI, 'metadata', 'push', BUNDLE_ID, '--from', folder, '--json'], env)
      if (push.code !== 0) throw new Error(`metadata push failed (${push.code}): ${push.stderr}`)
      const engine = lib.engine(sandbox)
      await engine.check(BUNDLE_ID)
      const before = await calls(sandbox)
      const times = []
      let answer = null
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now()
        answer = await engine.check(BUNDLE_ID)
        times.push(performance.now() - started)
      }
      const perCheck = ((await calls(sandbox)) - before) / RUNS
      const cliTimes = []
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        const r = await run([CLI, 'metadata', 'check', BUNDLE_ID, '--json'], env)
        cliTimes.push(performance.now() - started)
        if (r.code !== 0) throw new Error(`metadata check exited ${r.code}: ${r.stdout}${r.stderr}`)
      }
      const ms = median(times)
      const cli = median(cliTimes)
      over ||= ms >= TARGET_MS
      const trips =
        latencyMs > 0
          ? `, ${(ms / latencyMs).toFixed(1)} round trips (sequential sum of its calls ${((perCheck * latencyMs) / 1000).toFixed(2)} s)`
          : ''
      console.log(
        `  latency ${String(latencyMs).padStart(3)} ms: engine ${ms.toFixed(0)} ms (ready=${answer.ready}, ${answer.missing.length} missing), ${perCheck} API calls${trips}; ascent metadata check ${cli.toFixed(0)} ms with process start`,
      )
    } finally {
      await sandbox.stop()
    }
  }
  console.log(
    `target: under ${TARGET_MS} ms from choosing a build to the answer${over ? ' — MISSED' : ' — met'}`,
  )
} finally {
  for (const p of running) p.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function makeFolder(lib, root) {
  const text = {
    'description.txt': 'A benchmark app.\n\nIt has text in five languages.',
    'keywords.txt': 'bench,readiness',
    'support_url.txt': 'https://example.com/support',
    'name.txt': 'Readiness Bench',
    'privacy_url.txt': 'https://example.com/privacy',
  }
  const files = {
    'metadata/primary_category.txt': 'PRODUCTIVITY',
    'metadata/review_information/first_name.txt': 'Ada',
    'metadata/review_information/last_name.txt': 'Lovelace',
    'metadata/review_information/phone_number.txt': '+1 555 0100',
    'metadata/review_information/email_address.txt': 'review@example.com',
  }
  LOCALES.forEach((locale, i) => {
    for (const [name, value] of Object.entries(text)) files[`metadata/${locale}/${name}`] = value
    files[`screenshots/${locale}/1.png`] = lib.pngImage(1290, 2796, { seed: i * 2 + 1 })
    files[`screenshots/${locale}/2.png`] = lib.pngImage(1290, 2796, { seed: i * 2 + 2 })
  })
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true })
    await writeFile(path.join(root, relative), content)
  }
  return root
}

function credentials(sandbox) {
  return {
    ASCENT_API_URL: sandbox.url,
    APP_STORE_CONNECT_KEY_IDENTIFIER: sandbox.keyId,
    APP_STORE_CONNECT_ISSUER_ID: sandbox.issuerId,
    APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sandbox.privateKeyPath}`,
  }
}

async function calls(sandbox) {
  const res = await fetch(`${sandbox.url}/__sandbox/state`)
  return (await res.json()).requests.total
}

function startSandbox(seedFile, latencyMs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [CLI, 'sandbox', '--seed', seedFile, '--latency-ms', String(latencyMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    running.push(proc)
    proc.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)))
    const exited = new Promise((done) => proc.once('exit', done))
    createInterface({ input: proc.stdout }).once('line', (line) => {
      // One SIGTERM, then wait: a second one would cut the sandbox's own clean-up (its key folder) short.
      const stop = async () => {
        running.splice(running.indexOf(proc), 1)
        proc.kill('SIGTERM')
        await exited
      }
      resolve({ ...JSON.parse(line), stop })
    })
  })
}

function run(argv, env) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d) => (stdout += d))
    proc.stderr.on('data', (d) => (stderr += d))
    proc.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The readiness engine and the image factory, bundled once (packages resolve from node_modules). */
async function bundleEngine() {
  return importTs('bench-readiness-engine', {
    contents: `
        import { createPrivateKey } from 'node:crypto'
        import { readFileSync } from 'node:fs'
        import { createAscClient } from './electron/asc/client'
        import { createTokenSource } from './electron/asc/token'
        import { checkMetadata } from './electron/metadata/metadata-service'
        export { pngImage } from './test/fixtures/screenshot-factory'
        export function engine(sandbox) {
          const tokens = createTokenSource({ keyId: sandbox.keyId, issuerId: sandbox.issuerId, privateKey: createPrivateKey(readFileSync(sandbox.privateKeyPath, 'utf8')) })
          const client = createAscClient({ baseUrl: sandbox.url, tokens })
          return { check: (bundleId) => checkMetadata(client, { bundleId }) }
        }`,
  })
}

function load() {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}
