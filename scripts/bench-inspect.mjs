// Benchmark of `ascent inspect`: generates a >= 1 GiB IPA whose Info.plist is the LAST entry
// (behind a big stored padding entry), then prints in one run Ascent's in-process time, the CLI's
// time, `unzip -p` of the same Info.plist and Node's bare start-up, with ratios and peak RSS.
// Target: in-process <= 3x `unzip -p`; memory independent of the file size.
//
//   node scripts/bench-inspect.mjs [--size-mib 1024] [--runs 7] [--keep]
//   (or through scripts/bench.mjs: `import { benchInspect } from './bench-inspect.mjs'`)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundleTs } from './bundle-ts.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function timeCommand(command, args, runs) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  }
  return median(times)
}

/** Peak RSS (KiB) of one run, from GNU time when it is installed. */
function peakRssKiB(command, args) {
  if (!existsSync('/usr/bin/time')) return null
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const last = result.stderr.toString().trim().split('\n').pop()
  return Number(last) || null
}

/**
 * This process's own peak RSS in KiB. On Linux, getrusage's maxRSS of a process the bench spawned starts from the
 * bench's own RSS (the kernel keeps the peak of the memory copied at fork across exec), so it read the same 276 MiB
 * for every IPA; /proc's VmHWM is the peak of this program's memory alone. Runs inside the spawned process.
 */
function ownPeakRssKiB(readFileSync) {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)
    if (hwm) return Number(hwm[1])
  } catch {
    // No /proc (not Linux): getrusage's figure instead.
  }
  return process.resourceUsage().maxRSS
}

/**
 * Runs inspectBuild in a fresh Node process: import time, first call, median of warm calls, peak RSS.
 * `options` go to inspectBuild (e.g. `{ validate: false }` for the baseline without the validation pass).
 */
function inProcess(ipaModule, file, runs, options = {}) {
  const script = `
    import { readFileSync } from 'node:fs'
    const t0 = performance.now()
    const { inspectBuild } = await import(${JSON.stringify(pathToFileURL(ipaModule).href)})
    const t1 = performance.now()
    const options = ${JSON.stringify(options)}
    await inspectBuild(${JSON.stringify(file)}, options)
    const t2 = performance.now()
    const warm = []
    for (let i = 0; i < ${runs * 3}; i++) { const s = performance.now(); await inspectBuild(${JSON.stringify(file)}, options); warm.push(performance.now() - s) }
    warm.sort((a, b) => a - b)
    console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, warmMs: warm[Math.floor(warm.length / 2)], bestMs: warm[0], maxRssKiB: (${ownPeakRssKiB.toString()})(readFileSync) }))
  `
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (result.status !== 0) throw new Error(`in-process run failed: ${result.stderr}`)
  return JSON.parse(result.stdout.toString())
}

export async function benchInspect({ sizeMiB = 1024, runs = 7, keep = false } = {}) {
  const [ipaModule, factoryModule] = await Promise.all([
    bundleTs('bench-ipa', 'electron/ipa/index.ts'),
    bundleTs('build-factory', 'test/fixtures/build-factory.ts'),
  ])
  const cli = path.join(root, 'dist-cli', 'ascent.cjs')
  if (!existsSync(cli))
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], {
      cwd: root,
      stdio: 'inherit',
    })
  const { makeIpa } = await import(pathToFileURL(factoryModule).href)

  const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-inspect-'))
  try {
    let start = performance.now()
    const big = await makeIpa(
      { fileName: 'Big.ipa', padBytes: sizeMiB * 1024 * 1024, infoPlistLast: true },
      dir,
    )
    const generateS = (performance.now() - start) / 1000
    const small = await makeIpa({ fileName: 'Small.ipa' }, dir)
    // A real app has thousands of files: the central directory, not the size, is then the cost.
    const manyEntries = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [
        `Payload/AscentDemo.app/Resources/r${i}.json`,
        Buffer.from(`{"i":${i}}`),
      ]),
    )
    const many = await makeIpa({ fileName: 'Many.ipa', extraEntries: manyEntries }, dir)
    // Issue 22: Apple's validation reads every bundle's Info.plist and executable head. 200 frameworks with
    // 1 MiB binaries each (code-like bytes, deflated), behind the same 1 GiB of padding.
    const frameworks = Array.from({ length: 200 }, (_, i) => ({
      name: `Kit${i}.framework`,
      executable: { codeBytes: 1024 * 1024, dylibs: ['/usr/lib/libSystem.B.dylib'] },
    }))
    const framed = await makeIpa(
      { fileName: 'Frameworks.ipa', padBytes: sizeMiB * 1024 * 1024, frameworks },
      dir,
    )
    const framedSmall = await makeIpa({ fileName: 'FrameworksSmall.ipa', frameworks }, dir)
    const bigSize = (await stat(big)).size
    const entry = 'Payload/AscentDemo.app/Info.plist'

    const unzipMs = timeCommand('unzip', ['-p', big, entry], runs)
    const nodeMs = timeCommand(process.execPath, ['-e', '0'], runs)
    const cliMs = timeCommand(process.execPath, [cli, 'inspect', big, '--json'], runs)
    const bigRun = inProcess(ipaModule, big, runs)
    const smallRun = inProcess(ipaModule, small, runs)
    const manyRun = inProcess(ipaModule, many, runs)
    const manyUnzipMs = timeCommand('unzip', ['-p', many, entry], runs)
    const framedRun = inProcess(ipaModule, framed, runs)
    const framedBaseline = inProcess(ipaModule, framed, runs, { validate: false })
    const framedSmallRun = inProcess(ipaModule, framedSmall, runs)
    const framedSummary = JSON.parse(
      execFileSync(process.execPath, [cli, 'inspect', framed, '--json'], { maxBuffer: 64 * 1024 * 1024 }),
    )
    if (framedSummary.frameworks.length !== 200 || framedSummary.problems.length !== 0)
      throw new Error(
        `the 200-framework IPA should be a clean build: ${JSON.stringify(framedSummary.problems)}`,
      )
    const rss = {
      cliBig: peakRssKiB(process.execPath, [cli, 'inspect', big, '--json']),
      cliSmall: peakRssKiB(process.execPath, [cli, 'inspect', small, '--json']),
      unzip: peakRssKiB('unzip', ['-p', big, entry]),
      node: peakRssKiB(process.execPath, ['-e', '0']),
    }
    const ms = (v) => `${v.toFixed(1)} ms`
    const x = (v) => `${v.toFixed(2)}x`
    const mib = (kib) => (kib == null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`)
    const rows = [
      [
        'IPA',
        `${(bigSize / 2 ** 30).toFixed(2)} GiB, Info.plist stored last (generated in ${generateS.toFixed(1)} s)`,
      ],
      ['unzip -p Info.plist', `${ms(unzipMs)}  (median of ${runs})  peak RSS ${mib(rss.unzip)}`],
      ['node -e 0', `${ms(nodeMs)}  peak RSS ${mib(rss.node)}`],
      ['in-process, warm', `${ms(bigRun.warmMs)}  = ${x(bigRun.warmMs / unzipMs)} unzip -p   (target <= 3x)`],
      [
        'in-process, first call',
        `${ms(bigRun.firstMs)}  = ${x(bigRun.firstMs / unzipMs)} unzip -p   (module import ${ms(bigRun.importMs)} before it)`,
      ],
      [
        'in-process peak RSS',
        `${mib(bigRun.maxRssKiB)} on the big IPA, ${mib(smallRun.maxRssKiB)} on a ${(await stat(small)).size}-byte IPA`,
      ],
      [
        '20,000-entry IPA',
        `in-process ${ms(manyRun.warmMs)} warm, ${ms(manyRun.firstMs)} first; unzip -p ${ms(manyUnzipMs)}; peak RSS ${mib(manyRun.maxRssKiB)}`,
      ],
      [
        '200 frameworks, validation',
        `${ms(framedRun.warmMs - framedBaseline.warmMs)} added, median (target <= 20 ms): ${ms(framedRun.warmMs)} warm with it, ${ms(framedBaseline.warmMs)} without (baseline), ${(
          (await stat(framed)).size /
          2 ** 30
        ).toFixed(2)} GiB`,
      ],
      [
        '200 frameworks, best runs',
        `${ms(framedRun.bestMs - framedBaseline.bestMs)} added: ${ms(framedRun.bestMs)} with it, ${ms(framedBaseline.bestMs)} without (the least disturbed of ${runs * 3} calls each, on a shared machine)`,
      ],
      [
        '200 frameworks, peak RSS',
        `${mib(framedRun.maxRssKiB)} on the ${sizeMiB} MiB IPA, ${mib(framedSmallRun.maxRssKiB)} on a ${((await stat(framedSmall)).size / 2 ** 20).toFixed(0)} MiB one, ${mib(framedBaseline.maxRssKiB)} without validation`,
      ],
      [
        'CLI inspect --json',
        `${ms(cliMs)}  = ${x(cliMs / unzipMs)} unzip -p, ${x(cliMs / nodeMs)} node -e 0, ${ms(cliMs - nodeMs)} over start-up`,
      ],
      ['CLI peak RSS', `${mib(rss.cliBig)} on the big IPA, ${mib(rss.cliSmall)} on the small one`],
    ]
    const width = Math.max(...rows.map(([label]) => label.length)) + 2
    process.stdout.write(
      `ascent inspect benchmark (${os.cpus().length} cores, Node ${process.versions.node}, load ${os.loadavg()[0].toFixed(2)})\n`,
    )
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}${value}\n`)
    const result = {
      sizeBytes: bigSize,
      unzipMs,
      nodeMs,
      cliMs,
      inProcess: bigRun,
      inProcessSmall: smallRun,
      inProcessManyEntries: manyRun,
      manyUnzipMs,
      validation: {
        withMs: framedRun.warmMs,
        withoutMs: framedBaseline.warmMs,
        addedMs: framedRun.warmMs - framedBaseline.warmMs,
        bestAddedMs: framedRun.bestMs - framedBaseline.bestMs,
        maxRssKiB: framedRun.maxRssKiB,
        maxRssSmallKiB: framedSmallRun.maxRssKiB,
      },
      rss,
      ratio: bigRun.warmMs / unzipMs,
    }
    if (keep) process.stdout.write(`  kept ${big}\n`)
    return result
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const value = (name, fallback) => {
    const i = args.indexOf(name)
    return i === -1 ? fallback : Number(args[i + 1])
  }
  await benchInspect({
    sizeMiB: value('--size-mib', 1024),
    runs: value('--runs', 7),
    keep: args.includes('--keep'),
  })
}
