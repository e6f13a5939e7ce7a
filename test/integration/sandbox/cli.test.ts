import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { buildCli } from '../../../scripts/build-cli.mjs'
import { afterAll, beforeAll, expect, test } from 'vitest'

let dir: string
let cli: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-sandbox-cli-'))
  cli = join(dir, 'ascent.cjs')
  await buildCli({ outfile: cli })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('ascent sandbox prints one JSON line, serves, and stops cleanly on SIGTERM removing its key', async () => {
  const child = spawn(process.execPath, [cli, 'sandbox', '--processing-ms', '50'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines = createInterface({ input: child.stdout })
  const first = await new Promise<string>((resolve) => lines.once('line', resolve))
  const info = JSON.parse(first) as { url: string; keyId: string; issuerId: string; privateKeyPath: string }
  expect(Object.keys(info)).toEqual(['url', 'keyId', 'issuerId', 'privateKeyPath'])
  expect(existsSync(info.privateKeyPath)).toBe(true)
  expect((await fetch(`${info.url}/__sandbox/state`)).status).toBe(200)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
  expect(existsSync(info.privateKeyPath)).toBe(false)
})

test('a bad seed file exits 2 with one line naming the file', async () => {
  const seed = join(dir, 'seed.json')
  await writeFile(seed, JSON.stringify({ apps: [{ bundleId: 'x' }] }))
  const child = spawn(process.execPath, [cli, 'sandbox', '--seed', seed], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  expect(code).toBe(2)
  expect(stderr.trim().split('\n')).toHaveLength(1)
  expect(stderr).toContain(`ascent: ${seed}: apps.0.name`)
})

test.each([
  [
    'two apps with one bundle id',
    {
      apps: [
        { bundleId: 'com.a', name: 'A' },
        { bundleId: 'com.a', name: 'B' },
      ],
    },
    'apps.1.bundleId: "com.a" is the bundle id of apps.0 too',
  ],
  [
    'a build on a platform the app is not on',
    {
      apps: [
        {
          bundleId: 'com.a',
          name: 'A',
          builds: [{ versionString: '1.0', buildNumber: '1', platform: 'TV_OS', state: 'VALID' }],
        },
      ],
    },
    'apps.0.builds.0.platform: TV_OS is not one of the app’s platforms (IOS): add it to apps.0.platforms',
  ],
  [
    'a version state that does not exist',
    {
      apps: [
        {
          bundleId: 'com.a',
          name: 'A',
          versions: [{ platform: 'IOS', versionString: '1.0', state: 'LIVE' }],
        },
      ],
    },
    'apps.0.versions.0.state: must be an appVersionState (ACCEPTED, ',
  ],
])('a seed with %s exits 2 saying what is wrong and where', async (_, value, message) => {
  const seed = join(dir, 'contradiction.json')
  await writeFile(seed, JSON.stringify(value))
  const child = spawn(process.execPath, [cli, 'sandbox', '--seed', seed], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    // It started serving the seed it should have refused: stop it, the assertions below say why.
    if (out.includes('"url"')) child.kill('SIGTERM')
  })
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  expect(out).toContain(`ascent: ${seed}: ${message}`)
  expect(code).toBe(2)
})

test('ascent sandbox --latency-ms is applied: the state reports it', async () => {
  const child = spawn(process.execPath, [cli, 'sandbox', '--latency-ms', '25'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines = createInterface({ input: child.stdout })
  const first = await new Promise<string>((resolve) => lines.once('line', resolve))
  const info = JSON.parse(first) as { url: string }
  const state = (await (await fetch(`${info.url}/__sandbox/state`)).json()) as { latencyMs: number }
  expect(state.latencyMs).toBe(25)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
})
