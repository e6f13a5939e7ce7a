// `npm run bench:upload`: what an upload costs the machine it runs on. The built CLI, `ascent upload FILE
// --upload-method api --json`, sends a real .ipa to `ascent sandbox` (create, parts, checksum, commit, wait for
// COMPLETE), each run against a fresh sandbox, beside the floor measured in the same run: a Node process that only
// hashes the same file with SHA-256 (Apple's checksum) plus curl's CPU for the same PUT to /__sandbox/sink.
// Ascent's figure is its whole process (start-up, inspection, API calls, hashing, parts), CPU seconds per GiB.
// The CLI keeps V8's compiled code of each command in a cache folder (here one of the benchmark's own): the first
// run of each size starts with none (a fresh CI machine), the later ones with the one it wrote (any machine from
// its second run on). The headline is the best of those later runs; the first is printed beside it.
// Also: peak RSS, whether bytesDone went forward in every NDJSON event, and the wall-time ratio against `curl -T`
// (on 2 shared cores that one mostly measures the sandbox hashing beside the client).
// Targets: CPU <= 1.2x the floor at 128 MiB and 1 GiB, peak RSS <= 200 MiB, bytesDone never going back.
// Each process's CPU comes from bash's `times` (getrusage, to the millisecond). The machine is shared: every figure
// is the best of several interleaved runs (Ascent's and the floor's from the same runs, the first one, without a
// compile cache, left out of both), and the median of the runs' own ratios is printed beside it. Sizes up to 256 MiB
// get 10 such runs, larger ones 5: a small upload's CPU moves more from run to run, and its runs are cheap. Even so
// the 128 MiB ratio moved by 0.1 and more from one bench run to the next on 2 shared cores (the spread row shows
// one run's own): compare figures from the same run, and builds closer than that with paired runs.
// Options: BENCH_UPLOAD_SIZES=128,1024 (MiB)  BENCH_UPLOAD_RUNS=N (runs of every size, the first included)
//          BENCH_UPLOAD_CONCURRENCY=4
//          BENCH_UPLOAD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (extra node flags for the Ascent process)
//          BENCH_UPLOAD_BEFORE=dist-cli/ascent-before.cjs (another build of the CLI, measured in the same runs)
//          BENCH_UPLOAD_VERBOSE=1 (each run's figures as it ends)
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { importTs } from './bundle-ts.mjs'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const CLI = path.resolve('dist-cli/ascent.cjs')
const sizes = (process.env.BENCH_UPLOAD_SIZES ?? '128,1024').split(',').map(Number)
const runsOf = (size) => Math.max(2, Number(process.env.BENCH_UPLOAD_RUNS ?? (size <= 256 ? 11 : 6)))
const concurrency = Number(process.env.BENCH_UPLOAD_CONCURRENCY ?? 4)
const nodeArgs = (process.env.BENCH_UPLOAD_NODE_ARGS ?? '').split(' ').filter(Boolean)
const BEFORE = process.env.BENCH_UPLOAD_BEFORE ? path.resolve(process.env.BENCH_UPLOAD_BEFORE) : null
const TARGET_CPU_RATIO = 1.2
const TARGET_RSS_MIB = 200

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-upload-'))
// Every CLI process of the benchmark (sandboxes included) keeps its compile cache here, not in the user's.
const cacheDir = path.join(dir, 'compile-cache')
process.env.ASCENT_CACHE_DIR = cacheDir
const running = new Set()
try {
  if (spawnSync('curl', ['--version']).status !== 0) throw new Error('curl is needed for the baseline')
  // Reports the Ascent process's peak RSS as it exits; its CPU comes from bash's `times` (spawnMeasured).
  const usageHook = path.join(dir, 'usage-hook.cjs')
  writeFileSync(
    usageHook,
    "process.on('exit',()=>require('fs').writeFileSync(process.env.ASCENT_BENCH_USAGE,String(process.resourceUsage().maxRSS*1024)))",
  )
  const makeIpa = await buildFactory()
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.versions.node}, load average ${load()} (shared with whatever else runs)`,
  )
  console.log(
    `ascent upload --upload-method api --concurrency ${concurrency} against ascent sandbox (parts of 16 MiB); ` +
      `per size, the best of ${sizes.map((size) => `${runsOf(size) - 1} (${size} MiB)`).join(', ')} interleaved runs with ` +
      `the compile cache, Ascent's and the floor's from the same runs; a first run without the cache beside them`,
  )
  if (process.env.NODE_EXTRA_CA_CERTS) {
    // Node reads these certificates as it starts, before any script: Ascent and the floor's hashing process both
    // pay it, so it is in both figures and narrows the ratio.
    const start = async (env) => {
      let least = Infinity
      for (let i = 0; i < 3; i++)
        least = Math.min(least, (await spawnMeasured(process.execPath, ['-e', '0'], { env }).done).cpu)
      return least
    }
    const without = { ...process.env }
    delete without.NODE_EXTRA_CA_CERTS
    const [withCerts, withoutCerts] = [await start(process.env), await start(without)]
    console.log(
      `NODE_EXTRA_CA_CERTS is set: a Node process's start costs ${withCerts.toFixed(3)} s of CPU with it, ` +
        `${withoutCerts.toFixed(3)} s without (both Ascent and the floor's hashing process start that way)`,
    )
  }
  const results = []
  for (const size of sizes) {
    const ipaDir = path.join(dir, `ipa-${size}`)
    mkdirSync(ipaDir)
    const file = await makeIpa({ padBytes: size * MiB }, ipaDir)
    const bytes = (await stat(file)).size
    const best = { ascentCpu: Infinity, shaCpu: Infinity, curlCpu: Infinity, curlWall: Infinity }
    best.sendWall = Infinity
    best.rss = 0
    best.beforeCpu = Infinity
    best.beforeRss = 0
    best.beforeWall = Infinity
    best.coldCpu = Infinity
    // Each run's own ratio (its Ascent against its floor): their median is the typical figure beside the best.
    const runRatios = []
    let events = 0
    let monotonic = true
    for (let run = 0; run < runsOf(size); run++) {
      const sandbox = await startSandbox()
      try {
        const curl = await curlRun(file, `${sandbox.url}/__sandbox/sink`)
        best.curlWall = Math.min(best.curlWall, curl.seconds)
        const sha = await shaCpuSeconds(file)
        // The floor's best comes from the runs Ascent's does: as many chances each, at the same moments.
        if (run > 0) {
          best.curlCpu = Math.min(best.curlCpu, curl.cpu)
          best.shaCpu = Math.min(best.shaCpu, sha)
        }
        let b = null
        if (BEFORE) {
          // The same build number again: the earlier build gets a sandbox of its own.
          const other = await startSandbox()
          try {
            b = await ascentUpload(other, file, path.join(dir, `before-${size}-${run}`), BEFORE)
            best.beforeCpu = Math.min(best.beforeCpu, b.cpu)
            best.beforeRss = Math.max(best.beforeRss, b.rssBytes)
            best.beforeWall = Math.min(best.beforeWall, b.sendSeconds)
          } finally {
            await other.stop()
          }
        }
        // The first run of each size starts without a compile cache (the sandbox's is another command's).
        if (run === 0) rmSync(path.join(cacheDir, 'cli-upload.v8cache'), { force: true })
        const a = await ascentUpload(sandbox, file, path.join(dir, `data-${size}-${run}`))
        if (process.env.BENCH_UPLOAD_VERBOSE)
          console.log(
            `  ${size} MiB run ${run}: Ascent ${a.cpu.toFixed(3)}, SHA-256 ${sha.toFixed(3)}, curl ${curl.cpu.toFixed(3)}` +
              (b ? `, before ${b.cpu.toFixed(3)}` : ''),
          )
        if (run === 0) best.coldCpu = a.cpu
        else {
          best.ascentCpu = Math.min(best.ascentCpu, a.cpu)
          runRatios.push(a.cpu / (sha + curl.cpu))
        }
        best.sendWall = Math.min(best.sendWall, a.sendSeconds)
        best.rss = Math.max(best.rss, a.rssBytes)
        events += a.events
        if (!a.monotonic) monotonic = false
      } finally {
        await sandbox.stop()
      }
    }
    runRatios.sort((x, y) => x - y)
    const medianRatio = runRatios[Math.floor((runRatios.length - 1) / 2)]
    const ratioRange = [runRatios[0], runRatios[runRatios.length - 1]]
    results.push({ size, bytes, ...best, medianRatio, ratioRange, events, monotonic })
  }

  const col = (f) => results.map((r) => String(f(r)).padStart(16)).join('')
  const row = (label, f) => console.log(`${label.padEnd(44)}${col(f)}`)
  const perGiB = (r, s) => (s / (r.bytes / GiB)).toFixed(2)
  const ratio = (r) => r.ascentCpu / (r.shaCpu + r.curlCpu)
  row('', (r) => (r.size >= 1024 ? `${r.size / 1024} GiB` : `${r.size} MiB`))
  row('CPU s: Ascent (whole process)', (r) => r.ascentCpu.toFixed(3))
  row('CPU s: Ascent, first run (no compile cache)', (r) => r.coldCpu.toFixed(3))
  row('CPU s: floor = SHA-256 process + curl PUT', (r) => `${r.shaCpu.toFixed(3)} + ${r.curlCpu.toFixed(3)}`)
  row('CPU s/GiB: Ascent', (r) => perGiB(r, r.ascentCpu))
  row('CPU s/GiB: floor', (r) => perGiB(r, r.shaCpu + r.curlCpu))
  row(`CPU ratio Ascent/floor (target <= ${TARGET_CPU_RATIO})`, (r) => ratio(r).toFixed(2))
  row("CPU ratio, median of the runs' own", (r) => r.medianRatio.toFixed(2))
  // How far one run's ratio strays on this machine: a change smaller than that needs paired runs to be seen.
  row("CPU ratio, the runs' own from … to", (r) => r.ratioRange.map((x) => x.toFixed(2)).join(' … '))
  row('CPU ratio, first run (no compile cache)', (r) => (r.coldCpu / (r.shaCpu + r.curlCpu)).toFixed(2))
  if (BEFORE) {
    row('CPU s/GiB: Ascent before', (r) => perGiB(r, r.beforeCpu))
    row('CPU ratio before/floor', (r) => (r.beforeCpu / (r.shaCpu + r.curlCpu)).toFixed(2))
    row('peak RSS before', (r) => `${(r.beforeRss / MiB).toFixed(0)} MiB`)
  }
  row(`Ascent peak RSS (target <= ${TARGET_RSS_MIB} MiB)`, (r) => `${(r.rss / MiB).toFixed(0)} MiB`)
  row('bytesDone monotonic in every event', (r) => `${r.monotonic ? 'yes' : 'NO'} (${r.events})`)
  row('wall s: curl -T → /__sandbox/sink', (r) => r.curlWall.toFixed(2))
  row('wall s: Ascent create → committed', (r) => r.sendWall.toFixed(2))
  row('wall ratio curl/Ascent', (r) => (r.curlWall / r.sendWall).toFixed(2))
  if (BEFORE) row('wall s: Ascent before, create → committed', (r) => r.beforeWall.toFixed(2))
  const worst = results.reduce((a, b) => (ratio(b) > ratio(a) ? b : a))
  console.log(
    `worst CPU ratio ${ratio(worst).toFixed(2)} at ${worst.size} MiB (target <= ${TARGET_CPU_RATIO}); ` +
      `max peak RSS ${(Math.max(...results.map((r) => r.rss)) / MiB).toFixed(0)} MiB; load average at end: ${load()}`,
  )
  console.log(
    'Ascent also hashes the file (SHA-256) and the sandbox verifies it, as App Store Connect does; curl does neither.',
  )
  if (results.length >= 2) {
    // What each further GiB costs, start-up and per-upload calls cancelled out (a second figure, not the target's).
    const [small, large] = [results[0], results[results.length - 1]]
    const gib = (large.bytes - small.bytes) / GiB
    const floorOf = (r) => r.shaCpu + r.curlCpu
    console.log(
      `marginal CPU s/GiB from ${small.size} to ${large.size} MiB: Ascent ${((large.ascentCpu - small.ascentCpu) / gib).toFixed(2)}, ` +
        `floor ${((floorOf(large) - floorOf(small)) / gib).toFixed(2)}`,
    )
  }
} finally {
  for (const proc of running) proc.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
}

/** CPU seconds of a whole Node process (start-up included, as in Ascent's figure) that only hashes the file with SHA-256. */
async function shaCpuSeconds(file) {
  const script =
    "const h=require('crypto').createHash('sha256');require('fs').createReadStream(process.argv[1],{highWaterMark:1<<20})" +
    ".on('data',(c)=>h.update(c)).on('end',()=>h.digest())"
  const { code, cpu, stderr } = await spawnMeasured(process.execPath, ['-e', script, file]).done
  if (code !== 0) throw new Error(`hashing ${file} failed: ${stderr}`)
  return cpu
}

/**
 * Spawns `command` under bash, whose `times` reports its children's CPU (user + system, from getrusage, to the
 * millisecond) on fd 3 once the command has exited. /proc's child times come in ticks of 10 ms: on a measured
 * 0.05 s (curl) or 0.3 s that rounding alone moved the ratio by several hundredths from run to run. `done` also
 * gives the exit code and what the command wrote to stderr.
 */
function spawnMeasured(command, args, options = {}) {
  const proc = spawn('bash', ['-c', '"$@"; code=$?; times >&3; exit $code', 'bash', command, ...args], {
    ...options,
    env: { ...(options.env ?? process.env), LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  running.add(proc)
  let report = ''
  let stderr = ''
  proc.stdio[3].on('data', (c) => (report += c))
  proc.stderr.on('data', (c) => (stderr += c))
  const done = new Promise((resolve, reject) =>
    proc.once('close', (code) => {
      running.delete(proc)
      // Line 1 is the shell's own time, line 2 its children's: "0m0.371s 0m0.080s".
      const children = report.trim().split('\n')[1] ?? ''
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]))
      if (seconds.length !== 2) return reject(new Error(`bash's times printed ${JSON.stringify(report)}`))
      resolve({ code, cpu: seconds[0] + seconds[1], stderr })
    }),
  )
  return { proc, done }
}

async function curlRun(file, url) {
  const run = spawnMeasured('curl', ['-sS', '-f', '-T', file, url, '-o', '/dev/null', '-w', '%{time_total}'])
  let out = ''
  run.proc.stdout.on('data', (c) => (out += c))
  const { code, cpu, stderr } = await run.done
  if (code !== 0) throw new Error(`curl failed: ${stderr}`)
  return { seconds: Number(out.trim()), cpu }
}

/** `ascent sandbox`, one per run (a build number can be uploaded once), its key in the environment Ascent reads. */
function startSandbox() {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, 'sandbox'], { stdio: ['ignore', 'pipe', 'inherit'] })
    running.add(proc)
    proc.once('exit', (code) => {
      running.delete(proc)
      reject(new Error(`the sandbox exited with ${code}`))
    })
    createInterface({ input: proc.stdout }).once('line', (line) => {
      const sb = JSON.parse(line)
      // Stopped before the next run, so no sandbox hashes beside a measured process.
      const stop = () =>
        new Promise((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done()
          proc.once('exit', () => done())
          proc.kill('SIGTERM')
        })
      resolve({ ...sb, stop })
    })
  })
}

/** One `ascent upload --json`: its CPU (from the kernel, once it has exited), peak RSS, and a look at every event. */
async function ascentUpload(sandbox, file, dataDir, cli = CLI) {
  mkdirSync(dataDir)
  const usageFile = path.join(dataDir, 'usage')
  const run = spawnMeasured(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      path.join(dir, 'usage-hook.cjs'),
      cli,
      'upload',
      file,
      '--upload-method',
      'api',
    ].concat(['--concurrency', String(concurrency), '--json']),
    {
      env: {
        ...process.env,
        ASCENT_API_URL: sandbox.url,
        APP_STORE_CONNECT_KEY_IDENTIFIER: sandbox.keyId,
        APP_STORE_CONNECT_ISSUER_ID: sandbox.issuerId,
        APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sandbox.privateKeyPath}`,
        ASCENT_DATA_DIR: dataDir,
        ASCENT_BENCH_USAGE: usageFile,
        // An earlier build keeps a cache of its own: sharing one, each build would find the other's and start
        // without one.
        ...(cli === CLI ? {} : { ASCENT_CACHE_DIR: path.join(dir, 'compile-cache-before') }),
      },
    },
  )
  let events = 0
  let monotonic = true
  let last = -1
  let started = null
  let committed = null
  let outcome = null
  for await (const line of createInterface({ input: run.proc.stdout })) {
    const event = JSON.parse(line)
    if (event.type === 'step-started') started = Date.parse(event.at)
    if (event.type === 'step-progress') {
      events++
      if (event.bytesDone < last) monotonic = false
      last = event.bytesDone
      if (event.message === 'verifying' && committed === null) committed = Date.parse(event.at)
    }
    if (event.type === 'run-finished') outcome = event.outcome
  }
  const { code, cpu, stderr } = await run.done
  if (code !== 0 || outcome !== 'uploaded')
    throw new Error(`ascent upload failed (${code}): ${stderr.trim()}`)
  return {
    cpu,
    rssBytes: Number(readFileSync(usageFile, 'utf8')),
    events,
    monotonic,
    sendSeconds: (committed - started) / 1000,
  }
}

/** The TypeScript build factory, bundled once (packages resolve from node_modules). */
async function buildFactory() {
  return (await importTs('build-factory', 'test/fixtures/build-factory.ts')).makeIpa
}
