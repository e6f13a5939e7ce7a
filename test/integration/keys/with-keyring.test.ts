import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../../support/temp-dir'

const ROOT = path.resolve(__dirname, '../../..')
const SCRIPT = path.join(ROOT, 'scripts', 'with-keyring.sh')

const tempDir = useTempDir('ascent-with-keyring-')

/** Stores a secret through keytar (the Secret Service), reads it back and deletes it. */
const PROBE = `
const keytar = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'keytar'))})
keytar
  .setPassword('Ascent with-keyring probe', 'probe', 'secret-value')
  .then(() => keytar.getPassword('Ascent with-keyring probe', 'probe'))
  .then(async (value) => {
    await keytar.deletePassword('Ascent with-keyring probe', 'probe')
    process.stdout.write('read back: ' + value + '\\n')
  })
  .catch((error) => {
    process.stdout.write('keychain error: ' + error.message + '\\n')
    process.exitCode = 1
  })
`

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Every regular file under `dir` with its SHA-256 (sockets and folders a daemon leaves are not data). A folder may
 * vanish while it is read: a keyring daemon whose session ended removes its runtime folder (~/.cache/keyring-*,
 * sockets only) as it exits, which can be after the listing that named it.
 */
async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  async function walk(folder: string): Promise<void> {
    let entries
    try {
      entries = await fs.readdir(folder, { withFileTypes: true })
    } catch (error) {
      if (folder !== dir && (error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile())
        out[path.relative(dir, full)] = createHash('sha256')
          .update(await fs.readFile(full))
          .digest('hex')
    }
  }
  await walk(dir)
  return out
}

/** The gnome-keyring daemons still running with a HOME inside `dir` (Linux: read from /proc). */
async function keyringDaemonsUnder(dir: string): Promise<number[]> {
  const found: number[] = []
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const [comm, environ] = await Promise.all([
      fs.readFile(`/proc/${name}/comm`, 'utf8').catch(() => ''),
      fs.readFile(`/proc/${name}/environ`, 'utf8').catch(() => ''),
    ])
    if (!comm.startsWith('gnome-keyring')) continue
    const home = environ.split('\0').find((v) => v.startsWith('HOME='))
    if (home?.slice('HOME='.length).startsWith(dir)) found.push(Number(name))
  }
  return found
}

/** Stops the daemon this test started as "the user's own" (a desktop's would live on; this one must not). */
async function stopDaemons(pids: readonly number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid)
    } catch {
      // already gone
    }
  }
}

/** A desktop's environment: its own HOME, and no display (an unlock prompt would wait for a person). */
function desktopEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra }
  for (const name of [
    'XDG_DATA_HOME',
    'XDG_CONFIG_HOME',
    'XDG_CACHE_HOME',
    'XDG_RUNTIME_DIR',
    'DISPLAY',
    'WAYLAND_DISPLAY',
    'DBUS_SESSION_BUS_ADDRESS',
    'GNOME_KEYRING_CONTROL',
  ])
    delete env[name]
  return env
}

describe('scripts/with-keyring.sh', () => {
  it("gives the tests an unlocked keyring of their own and leaves a user's locked login keyring and the temp dir as they were", async () => {
    const dir = await tempDir()
    const home = path.join(dir, 'home')
    const tmp = path.join(dir, 'tmp')
    await fs.mkdir(home)
    await fs.mkdir(tmp)
    const probe = path.join(dir, 'probe.cjs')
    await fs.writeFile(probe, PROBE)

    // The user's own login keyring, made by gnome-keyring under a password the script cannot know, holding a secret.
    const made = await run(
      'dbus-run-session',
      [
        '--',
        'sh',
        '-c',
        'printf %s "the user\'s own password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "$0" "$1"',
        process.execPath,
        probe,
      ],
      desktopEnv(home),
    )
    expect(made.stdout, made.stderr).toContain('read back: secret-value')
    const before = await files(home)
    expect(Object.keys(before)).toContain(path.join('.local', 'share', 'keyrings', 'login.keyring'))

    // As README runs it.
    const result = await run(
      'dbus-run-session',
      ['--', 'sh', SCRIPT, process.execPath, probe],
      desktopEnv(home, { TMPDIR: tmp }),
    )
    expect(result.stdout, result.stderr).toContain('read back: secret-value')
    expect(result.code).toBe(0)
    // Not a byte of the user's keyrings (or anything else in their home) was read into a change or written.
    expect(await files(home)).toEqual(before)
    // The throw-away home and keyring are gone, and so is the keyring daemon the script started.
    expect(await fs.readdir(tmp)).toEqual([])
    const users = await keyringDaemonsUnder(home)
    await stopDaemons(users)
    expect(await keyringDaemonsUnder(tmp)).toEqual([])
  }, 60_000)

  it("passes the command's exit status through", async () => {
    const dir = await tempDir()
    const result = await run('sh', [SCRIPT, 'sh', '-c', 'exit 7'], desktopEnv(dir, { TMPDIR: dir }))
    expect(result.code).toBe(7)
    expect(await keyringDaemonsUnder(dir)).toEqual([])
    expect(await fs.readdir(dir)).toEqual([])
  }, 60_000)
})
