import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI } from '../../support/cli'
import { http } from './http'

let child: ChildProcess | null = null
let dir = ''
afterEach(async () => {
  // Wait for it to exit: on SIGTERM it removes its upload folder and its sandbox's key folder.
  const running = child
  child = null
  if (running && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Starts `ascent web`, resolves with its first stdout line and what it said on stderr until then. */
async function startWeb(
  args: string[],
): Promise<{ line: string; stderr: () => string; exited: Promise<number | null> }> {
  dir = await mkdtemp(join(tmpdir(), 'ascent-cli-web-'))
  const renderer = join(dir, 'renderer')
  await mkdir(renderer)
  await writeFile(
    join(renderer, 'index.html'),
    '<!doctype html><html><head><title>Ascent</title></head><body></body></html>',
  )
  const proc = spawn(process.execPath, [CLI, 'web', ...args], {
    env: {
      ...process.env,
      ASCENT_DATA_DIR: join(dir, 'data'),
      ASCENT_CONFIG_DIR: join(dir, 'config'),
      ASCENT_RENDERER_DIR: renderer,
      APP_STORE_CONNECT_ISSUER_ID: '',
      APP_STORE_CONNECT_KEY_IDENTIFIER: '',
      APP_STORE_CONNECT_PRIVATE_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = proc
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve)
    proc.once('exit', (code) => reject(new Error(`ascent web exited ${code}: ${stderr}`)))
  })
  return { line, stderr: () => stderr, exited }
}

describe('ascent web', () => {
  it('prints one JSON line whose URL carries the token, says it uses the sandbox, and stops on SIGTERM', async () => {
    const web = await startWeb(['--sandbox'])
    const { url } = JSON.parse(web.line) as { url: string }
    expect(Object.keys(JSON.parse(web.line) as object)).toEqual(['url'])
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/)
    expect(web.stderr()).toMatch(/using the built-in sandbox at http:\/\/127\.0\.0\.1:\d+.*--sandbox/)

    const page = await http(url)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<script src="/bridge.js">')
    expect((await http(url.replace(/\?token=.*/, ''))).status).toBe(401)

    const connection = await http(`${new URL(url).origin}/api/call/getConnection`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ascent-token': new URL(url).searchParams.get('token') ?? '',
      },
      body: '[]',
    })
    expect(JSON.parse(connection.body)).toMatchObject({ ok: true, value: { mode: 'sandbox' } })

    child?.kill('SIGTERM')
    expect(await web.exited).toBe(0)
  })

  it('defaults to the sandbox without credentials and says why', async () => {
    const web = await startWeb([])
    expect(web.stderr()).toMatch(/using the built-in sandbox .*no App Store Connect key/)
  })

  it('starts the in-process sandbox with the --seed file and --processing-ms', async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'ascent-cli-web-seed-'))
    const seed = join(seedDir, 'seed.json')
    await writeFile(
      seed,
      JSON.stringify({
        apps: [
          {
            bundleId: 'com.example.seeded',
            name: 'Seeded App',
            betaGroups: [
              { name: 'Seeded Internal', isInternal: true },
              { name: 'Seeded External', isInternal: false },
            ],
          },
        ],
      }),
    )
    try {
      const web = await startWeb(['--sandbox', '--seed', seed, '--processing-ms', '50'])
      const { url } = JSON.parse(web.line) as { url: string }
      const call = async (name: string, args: unknown[]): Promise<unknown> => {
        const res = await http(`${new URL(url).origin}/api/call/${name}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-ascent-token': new URL(url).searchParams.get('token') ?? '',
          },
          body: JSON.stringify(args),
        })
        return JSON.parse(res.body)
      }
      const app = (await call('findApp', ['com.example.seeded', 'IOS'])) as {
        ok: boolean
        value: { id: string; name: string } | null
      }
      expect(app).toMatchObject({ ok: true, value: { name: 'Seeded App' } })
      expect(await call('findApp', ['com.example.ascent.demo', 'IOS'])).toEqual({ ok: true, value: null })
      const groups = (await call('listBetaGroups', [app.value?.id ?? ''])) as {
        value: { name: string; isInternal: boolean }[]
      }
      expect(groups.value.map((g) => [g.name, g.isInternal]).sort()).toEqual([
        ['Seeded External', false],
        ['Seeded Internal', true],
      ])
    } finally {
      await rm(seedDir, { recursive: true, force: true })
    }
  })

  it('refuses a seed file that is not a seed with one line naming the file, exit 2', async () => {
    const seedDir = await mkdtemp(join(tmpdir(), 'ascent-cli-web-seed-'))
    const seed = join(seedDir, 'seed.json')
    await writeFile(seed, JSON.stringify({ apps: [{ name: 'No bundle id' }] }))
    try {
      const proc = spawn(process.execPath, [CLI, 'web', '--sandbox', '--seed', seed], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve))
      expect(code).toBe(2)
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]?.startsWith(`ascent: ${seed}: apps.0.bundleId: `)).toBe(true)
    } finally {
      await rm(seedDir, { recursive: true, force: true })
    }
  })

  it('refuses a bad --processing-ms with one line and exit 2', async () => {
    const proc = spawn(process.execPath, [CLI, 'web', '--sandbox', '--processing-ms', 'soon'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve))
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toEqual([
      'ascent: --processing-ms must be a whole number from 0 to 3600000, not "soon"',
    ])
  })

  it('refuses a dropped build above --max-upload-bytes with 413, and a bad value with one line and exit 2', async () => {
    const web = await startWeb(['--sandbox', '--max-upload-bytes', '16'])
    const { url } = JSON.parse(web.line) as { url: string }
    const put = (bytes: number) =>
      http(`${new URL(url).origin}/api/files?name=App.ipa`, {
        method: 'PUT',
        headers: { 'x-ascent-token': new URL(url).searchParams.get('token') ?? '' },
        body: 'x'.repeat(bytes),
      })
    expect((await put(16)).status).toBe(200)
    expect((await put(17)).status).toBe(413)

    const proc = spawn(process.execPath, [CLI, 'web', '--max-upload-bytes', 'lots'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    expect(await new Promise<number | null>((resolve) => proc.on('exit', resolve))).toBe(2)
    expect(stderr.trim().split('\n')).toEqual([
      'ascent: --max-upload-bytes must be a whole number from 1 to 9007199254740991, not "lots"',
    ])
  })

  it('refuses a bad port with one line and exit 2', async () => {
    const proc = spawn(process.execPath, [CLI, 'web', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve))
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toEqual([
      'ascent: --port must be a whole number from 0 to 65535, not "eighty"',
    ])
  })
})
