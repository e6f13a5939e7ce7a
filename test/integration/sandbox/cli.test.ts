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
