// `npm run soak` (via scripts/bench.mjs) or `node scripts/soak.mjs [--publishes N] [--faults RATE] [--seed S]`:
// N full publishes (upload, TestFlight groups + What to Test + beta review, App Store version + phased release +
// review submission) against the local sandbox with injected faults (429, 500, 503, dropped connections before
// and AFTER a write landed, slow answers). A publish that fails is published again (it resumes), as a person
// would. Prints successes, duplicates (must be 0), API calls per publish next to Codemagic's sequence for the
// same options (the CODEMAGIC table below), and time. Exits 1 on any duplicate or failure.
// Everything runs on 127.0.0.1 and stops by itself.
import { build } from 'esbuild'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}
const PUBLISHES = arg('publishes', 100)
const FAULT_RATE = arg('faults', 0.1)
const FAULT_SEED = arg('seed', 7)
const MAX_ATTEMPTS = 3

// The runner is TypeScript against the real modules; esbuild bundles it once into a temp file.
const runner = String.raw`
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { startSandbox } from './electron/sandbox'
import { createPublisher } from './electron/publish/publisher'
import { defaultUploaderFactory } from './electron/publish/default-uploader'
import { parsePrivateKey } from './electron/asc/private-key'
import { createTokenSource } from './electron/asc/token'
import { inspectBuild } from './electron/ipa'
import { defaultReleaseSettings } from './shared/release-settings'
import { makeIpa } from './test/fixtures/build-factory'

export async function soak({ publishes, faultRate, faultSeed, maxAttempts, dir }) {
  const apps = Array.from({ length: publishes }, (_, i) => ({
    bundleId: 'com.example.soak.app' + i,
    name: 'Soak ' + i,
    platforms: ['IOS'],
    betaGroups: [
      { name: 'QA', isInternal: true },
      { name: 'Public Beta', isInternal: false },
    ],
    versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' }],
    builds: [],
  }))
  const sandbox = await startSandbox({ seed: { apps }, processingMs: 40, betaReviewMs: 3_600_000, reviewMs: 3_600_000 })
  const tokens = createTokenSource({ keyId: sandbox.keyId, issuerId: sandbox.issuerId, privateKey: parsePrivateKey(sandbox.privateKeyPem) })
  const publisher = createPublisher({
    dataDir: join(dir, 'data'),
    credentials: async () => ({ apiUrl: sandbox.url, tokens }),
    uploaderFactory: defaultUploaderFactory({ api: { pollIntervalMs: 10, retryBaseMs: 10, retryMaxMs: 50 } }),
    inspect: (p) => inspectBuild(p),
    pollIntervals: { initialMs: 10, maxMs: 40 },
    client: { retry: { baseDelayMs: 10, maxDelayMs: 100 }, timeoutMs: 5_000 },
  })
  const settings = {
    ...defaultReleaseSettings,
    submitToTestflight: true,
    betaGroups: ['QA', 'Public Beta'],
    whatToTest: 'Soak test',
    submitToAppStore: true,
    whatsNew: 'Soak test release notes',
    phasedRelease: true,
  }
  const options = { uploadMethod: 'api', processingTimeoutMs: 60_000 }

  // One publish without faults: the call count of the happy path.
  const baselineFile = await makeIpa({ bundleId: apps[0].bundleId }, await dirFor(dir, 'baseline'))
  const before = sandbox.state().requests.total
  const baseline = await publishOnce(publisher, baselineFile, settings, options)
  const baselineCalls = sandbox.state().requests.total - before
  const baselineByRoute = sandbox.state().requests.byRoute
  if (baseline.outcome !== 'submitted-for-review') throw new Error('baseline publish failed: ' + baseline.message)

  sandbox.setFaults({ rate: faultRate, seed: faultSeed })
  const started = Date.now()
  let firstTry = 0
  let succeeded = 0
  const attemptsUsed = []
  const failures = []
  const callsPerPublish = []
  for (let i = 1; i < publishes; i++) {
    const file = await makeIpa({ bundleId: apps[i].bundleId }, await dirFor(dir, 'b' + i))
    const start = sandbox.state().requests.total
    let run
    let attempt = 0
    while (attempt < maxAttempts) {
      attempt++
      run = await publishOnce(publisher, file, settings, options)
      if (run.outcome === 'submitted-for-review') break
    }
    callsPerPublish.push(sandbox.state().requests.total - start)
    attemptsUsed.push(attempt)
    if (run.outcome === 'submitted-for-review') {
      succeeded++
      if (attempt === 1) firstTry++
    } else failures.push(apps[i].bundleId + ': ' + run.outcome + ': ' + run.message)
  }
  const seconds = (Date.now() - started) / 1000
  const state = sandbox.state()
  await sandbox.close()

  // Duplicates: anything App Store Connect holds twice for one publish.
  const byApp = new Map(state.apps.map((a) => [a.id, a]))
  const dup = { builds: 0, buildUploads: 0, betaReviews: 0, versions: 0, phasedReleases: 0, reviewSubmissions: 0, reviewItems: 0, localizations: 0 }
  for (const app of byApp.values()) {
    const builds = state.builds.filter((b) => b.appId === app.id && b.buildNumber === '100')
    dup.builds += Math.max(0, builds.length - 1)
    dup.buildUploads += Math.max(0, state.buildUploads.filter((u) => u.appId === app.id).length - 1)
    dup.betaReviews += Math.max(0, builds.filter((b) => b.betaReviewState !== null).length - 1)
    for (const b of builds) dup.localizations += Math.max(0, Object.keys(b.whatsNew).length - 1)
    const versions = state.versions.filter((v) => v.appId === app.id && v.versionString === '1.1.0')
    dup.versions += Math.max(0, versions.length - 1)
    dup.phasedReleases += Math.max(0, state.phasedReleases.filter((p) => versions.some((v) => v.id === p.versionId)).length - 1)
    const subs = state.reviewSubmissions.filter((s) => s.appId === app.id)
    dup.reviewSubmissions += Math.max(0, subs.length - 1)
    for (const s of subs) dup.reviewItems += Math.max(0, s.items.length - 1)
  }
  return {
    publishes,
    succeeded: succeeded + 1,
    firstTry: firstTry + 1,
    failures,
    attemptsUsed,
    duplicates: dup,
    baselineCalls,
    baselineByRoute,
    callsPerPublish,
    seconds,
    faults: state.faults,
  }
}

async function dirFor(dir, name) {
  const d = join(dir, name)
  await mkdir(d, { recursive: true })
  return d
}

async function publishOnce(publisher, file, settings, options) {
  const { runId } = await publisher.start({ file: { id: file, name: 'App.ipa', path: file, sizeBytes: 0 }, filePath: file, settings, options })
  return publisher.wait(runId)
}
`

// Codemagic's calls for the same options (TestFlight + 2 groups + What to Test + beta review, App Store version
// created + phased release + review submission), as codemagic-cli-tools' `app-store-connect publish` makes them, with the minimum of polling.
const CODEMAGIC = [
  ['find app: GET /apps?filter[bundleId]', 1],
  ['find build: GET /builds?filter[...]', 1],
  ['what to test: GET /builds/{id}/app, GET /betaBuildLocalizations, POST', 3],
  ['wait for processing: GET /builds/{id}, GET /builds/{id}/buildBetaDetail (30 s apart)', 2],
  ['beta groups: GET /builds/{id}/app, GET /betaGroups, POST per group (2)', 4],
  ['beta review: GET /builds/{id}?include=app, GET betaAppLocalizations, GET betaAppReviewDetail, POST', 4],
  [
    'app store: GET build, GET versions, GET build, POST version, GET + POST phased, GET first-version check',
    7,
  ],
  ['review: POST reviewSubmissions, POST items, PATCH submitted', 3],
]
const codemagicTotal = CODEMAGIC.reduce((n, [, c]) => n + c, 0)

const root = process.cwd()
const dir = await mkdtemp(join(tmpdir(), 'ascent-soak-'))
// The bundle lives inside the checkout, so the native modules it leaves external (the run lock's
// fs-native-extensions) resolve from node_modules as they do for the app.
await mkdir(join(root, 'node_modules', '.cache'), { recursive: true })
const bundleDir = await mkdtemp(join(root, 'node_modules', '.cache', 'ascent-soak-'))
try {
  const out = join(bundleDir, 'soak-runner.mjs')
  await build({
    stdin: { contents: runner, resolveDir: root, loader: 'ts', sourcefile: 'soak-runner.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: out,
    external: ['keytar', 'electron', 'fs-native-extensions'],
    banner: {
      js: "import { createRequire as soakCreateRequire } from 'node:module'; const require = soakCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  })
  const { soak } = await import(pathToFileURL(out).href)
  console.log(
    `soak: ${PUBLISHES} publishes, ${Math.round(FAULT_RATE * 100)} % injected faults (seed ${FAULT_SEED}), sandbox on 127.0.0.1`,
  )
  const r = await soak({
    publishes: PUBLISHES,
    faultRate: FAULT_RATE,
    faultSeed: FAULT_SEED,
    maxAttempts: MAX_ATTEMPTS,
    dir,
  })

  const sorted = [...r.callsPerPublish].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)
  const duplicates = Object.values(r.duplicates).reduce((a, b) => a + b, 0)
  const uploadCalls = Object.entries(r.baselineByRoute)
    .filter(([route]) => /buildUpload/.test(route))
    .reduce((n, [, c]) => n + c, 0)
  console.log(
    `successes:   ${r.succeeded}/${r.publishes} (${r.firstTry} on the first try${r.firstTry < r.succeeded ? `, ${r.succeeded - r.firstTry} after publishing again` : ''})`,
  )
  for (const f of r.failures) console.log(`  failed: ${f}`)
  console.log(`duplicates:  ${duplicates} ${JSON.stringify(r.duplicates)}`)
  console.log(`faults:      ${r.faults.injected} injected ${JSON.stringify(r.faults.byKind)}`)
  console.log(
    `API calls per publish, no faults: ${r.baselineCalls} (of which ${uploadCalls} Build Upload API calls, ${r.baselineCalls - uploadCalls} others)`,
  )
  console.log(
    `API calls per publish, with faults: median ${median}, mean ${mean.toFixed(1)}, max ${sorted.at(-1) ?? 0} (retries and resumes included)`,
  )
  console.log(
    `Codemagic's sequence for the same options: at least ${codemagicTotal} API calls besides altool's upload, with no preflight and no export compliance:`,
  )
  for (const [what, n] of CODEMAGIC) console.log(`  ${String(n).padStart(2)}  ${what}`)
  console.log(
    `Ascent without upload calls: ${r.baselineCalls - uploadCalls} (preflight and export compliance included)`,
  )
  console.log(
    `time:        ${r.seconds.toFixed(1)} s for ${r.publishes - 1} publishes with faults (${((r.seconds * 1000) / Math.max(1, r.publishes - 1)).toFixed(0)} ms each)`,
  )
  process.exitCode = duplicates === 0 && r.succeeded === r.publishes ? 0 : 1
} finally {
  await rm(dir, { recursive: true, force: true })
  await rm(bundleDir, { recursive: true, force: true })
}
