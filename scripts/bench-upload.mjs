// `npm run bench:upload`: Ascent's Build Upload API upload to the sandbox (create, parts, checksum, commit, wait
// for COMPLETE) next to `curl -T` of the same file to the sandbox's /__sandbox/sink, measured in one run, plus
// Ascent's peak RSS. Ascent runs in its own process (the esbuild bundle of test/integration/upload/upload-child.ts)
// so its RSS is its own. Targets (issue 6): ratio >= 0.9, peak RSS <= 200 MiB, both independent of file size.
// Options: BENCH_UPLOAD_SIZES=512,128 (MiB)  BENCH_UPLOAD_CONCURRENCY=4  BENCH_UPLOAD_CHECKSUM=worker|inline|none
//          BENCH_UPLOAD_PART_MIB=16  BENCH_UPLOAD_RUNS=3 (best of)  BENCH_UPLOAD_READ_KIB=1024 (disk read size)
import { spawn, spawnSync } from 'node:child_process'
import { createPrivateKey, randomBytes, sign } from 'node:crypto'
import { open, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'

const MiB = 1024 * 1024
const sizes = (process.env.BENCH_UPLOAD_SIZES ?? '512,128').split(',').map(Number)
const concurrency = Number(process.env.BENCH_UPLOAD_CONCURRENCY ?? 4)
const checksum = process.env.BENCH_UPLOAD_CHECKSUM ?? 'worker'
const partMiB = Number(process.env.BENCH_UPLOAD_PART_MIB ?? 16)
const runs = Number(process.env.BENCH_UPLOAD_RUNS ?? 3)
const readChunkBytes = process.env.BENCH_UPLOAD_READ_KIB
  ? Number(process.env.BENCH_UPLOAD_READ_KIB) * 1024
  : undefined

const dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-bench-upload-'))
let sandbox = null
let wholeFileSandbox = null
try {
  if (spawnSync('curl', ['--version']).status !== 0) throw new Error('curl is needed for the baseline')
  const child = path.join(dir, 'upload-child.cjs')
  await build({
    entryPoints: ['test/integration/upload/upload-child.ts'],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['keytar', 'electron'],
    logLevel: 'error',
  })
  sandbox = await startSandbox(partMiB * MiB)
  const appId = await demoAppId(sandbox)
  // A second sandbox whose single part is the whole file: curl's time for the same server-side work as Ascent's.
  wholeFileSandbox = await startSandbox(Math.max(...sizes) * MiB)
  const wholeAppId = await demoAppId(wholeFileSandbox)
  console.log(
    `sandbox ${sandbox.url}, parts of ${partMiB} MiB, ${concurrency} in flight, checksum ${checksum}, best of ${runs}`,
  )
  console.log(
    'size      ascent MB/s  curl→sink MB/s  ratio  ascent s (send+commit)  curl→part URL s  peak RSS',
  )
  let buildNumber = 5000 + Math.floor(Math.random() * 1000) * 10
  const results = []
  for (const size of sizes) {
    const file = path.join(dir, `bench-${size}.ipa`)
    await makeFile(file, size * MiB)
    const bytes = (await stat(file)).size
    let best = null
    let bestCurl = Infinity
    let bestCurlPart = Infinity
    for (let run = 0; run < runs; run++) {
      bestCurl = Math.min(bestCurl, curlSeconds(file, `${sandbox.url}/__sandbox/sink`))
      const url = await reservePartUrl(wholeFileSandbox, wholeAppId, bytes, String(buildNumber++))
      bestCurlPart = Math.min(
        bestCurlPart,
        curlSeconds(file, url, ['-H', 'Content-Type: application/octet-stream']),
      )
      const timing = await ascentUpload(child, sandbox, appId, file, bytes, String(buildNumber++))
      if (!best || timing.ms < best.ms) best = timing
    }
    const ascentMBs = bytes / 1e6 / (best.ms / 1000)
    const curlMBs = bytes / 1e6 / bestCurl
    const ratio = ascentMBs / curlMBs
    const rssMiB = best.maxRssBytes / MiB
    results.push({ size, ratio, rssMiB, sendVsPart: bestCurlPart / (best.sendMs / 1000) })
    console.log(
      `${String(size).padStart(4)} MiB  ${ascentMBs.toFixed(0).padStart(11)}  ${curlMBs.toFixed(0).padStart(14)}  ${ratio.toFixed(2).padStart(5)}  ` +
        `${(best.ms / 1000).toFixed(2).padStart(8)} (${(best.sendMs / 1000).toFixed(2)}+${(best.commitMs / 1000).toFixed(2)})  ` +
        `${bestCurlPart.toFixed(2).padStart(15)}  ${rssMiB.toFixed(0).padStart(4)} MiB`,
    )
    await rm(file, { force: true })
  }
  const worst = results.reduce((a, b) => (b.ratio < a.ratio ? b : a))
  const fat = results.reduce((a, b) => (b.rssMiB > a.rssMiB ? b : a))
  console.log(
    `targets: ratio >= 0.90 (worst ${worst.ratio.toFixed(2)} at ${worst.size} MiB), peak RSS <= 200 MiB (max ${fat.rssMiB.toFixed(0)} MiB)`,
  )
  console.log(
    `Ascent's send phase (parts + checksum) vs curl -T of the whole file to a sandbox part URL: ` +
      results.map((r) => `${r.sendVsPart.toFixed(2)}x at ${r.size} MiB`).join(', '),
  )
  console.log(
    '"commit" is App Store Connect\'s part: the sandbox re-reads and hashes the whole file when it is committed.',
  )
} finally {
  sandbox?.stop()
  wholeFileSandbox?.stop()
  await rm(dir, { recursive: true, force: true })
}

/** Bytes from a seeded pattern: random 1 MiB blocks, each stamped with its index, so nothing compresses or repeats. */
async function makeFile(file, bytes) {
  const block = randomBytes(MiB)
  const handle = await open(file, 'w')
  try {
    for (let offset = 0, i = 0; offset < bytes; offset += MiB, i++) {
      block.writeUInt32LE(i, 0)
      await handle.write(block, 0, Math.min(MiB, bytes - offset), offset)
    }
  } finally {
    await handle.close()
  }
}

function curlSeconds(file, url, extra = []) {
  const r = spawnSync(
    'curl',
    ['-sS', '-f', ...extra, '-T', file, url, '-o', '/dev/null', '-w', '%{time_total}'],
    { encoding: 'utf8' },
  )
  if (r.status !== 0) throw new Error(`curl failed: ${r.stderr}`)
  return Number(r.stdout.trim())
}

/** Creates a buildUpload and reserves a file on `sb`, returning the URL of its first part. */
async function reservePartUrl(sb, appId, bytes, buildNumber) {
  const call = async (method, p, body) => {
    const res = await fetch(sb.url + p, {
      method,
      headers: { Authorization: `Bearer ${sb.token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`)
    return res.json()
  }
  const up = await call('POST', '/v1/buildUploads', {
    data: {
      type: 'buildUploads',
      attributes: { cfBundleShortVersionString: '9.9.9', cfBundleVersion: buildNumber, platform: 'IOS' },
      relationships: { app: { data: { type: 'apps', id: appId } } },
    },
  })
  const f = await call('POST', '/v1/buildUploadFiles', {
    data: {
      type: 'buildUploadFiles',
      attributes: { fileName: 'curl.ipa', fileSize: bytes, uti: 'com.apple.ipa', assetType: 'ASSET' },
      relationships: { buildUpload: { data: { type: 'buildUploads', id: up.data.id } } },
    },
  })
  return f.data.attributes.uploadOperations[0].url
}

function startSandbox(partSize) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        'dist-cli/ascent.cjs',
        'sandbox',
        '--port',
        '0',
        '--processing-ms',
        '0',
        '--part-size',
        String(partSize),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let text = ''
    proc.stdout.setEncoding('utf8')
    proc.stdout.on('data', (chunk) => {
      text += chunk
      const line = text.split('\n')[0]
      if (text.includes('\n')) {
        try {
          const info = JSON.parse(line)
          resolve({ ...info, stop: () => proc.kill('SIGTERM') })
        } catch (error) {
          reject(new Error(`the sandbox printed ${line}: ${error.message}`))
        }
      }
    })
    proc.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}; run npm run build first`)))
  })
}

async function demoAppId(sb) {
  const pem = await readFile(sb.privateKeyPath, 'utf8')
  const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')
  sb.pem = pem
  sb.token = () => {
    const iat = Math.floor(Date.now() / 1000) - 60
    const input = `${enc({ alg: 'ES256', kid: sb.keyId, typ: 'JWT' })}.${enc({ iss: sb.issuerId, iat, exp: iat + 900, aud: 'appstoreconnect-v1' })}`
    const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey(pem), dsaEncoding: 'ieee-p1363' })
    return `${input}.${sig.toString('base64url')}`
  }
  const res = await fetch(`${sb.url}/v1/apps?filter[bundleId]=com.example.ascent.demo`, {
    headers: { Authorization: `Bearer ${sb.token()}` },
  })
  const body = await res.json()
  return body.data[0].id
}

function ascentUpload(child, sb, appId, file, bytes, buildNumber) {
  const input = {
    url: sb.url,
    keyId: sb.keyId,
    issuerId: sb.issuerId,
    pem: sb.pem,
    build: {
      file,
      kind: 'ipa',
      bundleId: 'com.example.ascent.demo',
      version: '9.9.9',
      buildNumber,
      platform: 'IOS',
      appId,
      sizeBytes: bytes,
    },
    concurrency,
    checksum,
    readChunkBytes,
    quiet: true,
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, ASCENT_UPLOAD_CHILD: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    proc.stdout.on('data', (c) => (out += c))
    proc.stderr.on('data', (c) => (err += c))
    proc.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('done '))
      if (code !== 0 || !line) return reject(new Error(`ascent upload failed (${code}): ${err.trim()}`))
      resolve(JSON.parse(line.slice(5)))
    })
  })
}
