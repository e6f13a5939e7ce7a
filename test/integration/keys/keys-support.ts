import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { bridgeClientEsbuildPlugin } from '../../../scripts/bridge-client-bundle.mjs'
import { afterEach } from 'vitest'
import { createKeytarStore } from '../../../electron/keys/keytar-store'

const ROOT = path.resolve(__dirname, '../../..')

/** Fails (never skips) when the tests run without a Secret Service: CI always has one. */
export async function requireKeychain(): Promise<void> {
  const status = await createKeytarStore().status()
  if (!status.available)
    throw new Error(
      'these tests need an unlocked Secret Service; run them as ' +
        '`dbus-run-session -- sh scripts/with-keyring.sh npx vitest run test/integration/keys` ' +
        `(keychain said: ${status.message})`,
    )
}

const madeDirs: string[] = []
// Every test file that uses tempDir gets its folders removed after each test.
afterEach(async () => {
  await Promise.all(madeDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })))
})

/** A fresh folder, removed after the test that made it. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ascent-keys-${prefix}-`))
  madeDirs.push(dir)
  return dir
}

/**
 * Bundles the real CLI (or another entry) into test/artifacts, inside the repo so `import('keytar')` resolves
 * from node_modules: the tests do not depend on a dist-cli/ that other work may have left stale.
 */
export async function bundle(entry: { file: string } | { contents: string }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(ROOT, 'test', 'artifacts', 'keys-'))
  const outfile = path.join(dir, 'entry.cjs')
  await fs.mkdir(dir, { recursive: true })
  await build({
    ...('file' in entry
      ? { entryPoints: [path.join(ROOT, entry.file)] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['keytar', 'fs-native-extensions', 'electron'],
    logLevel: 'error',
    plugins: [bridgeClientEsbuildPlugin()],
  })
  return outfile
}

export async function ensureArtifactsDir(): Promise<void> {
  await fs.mkdir(path.join(ROOT, 'test', 'artifacts'), { recursive: true })
}

export interface RunResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function runNode(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return run(process.execPath, [script, ...args], options)
}

/** Runs a program; `env` entries set to undefined are removed from the inherited environment. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd ?? ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** Every file under a directory, recursively, as bytes. */
export async function allFiles(dir: string): Promise<ReadonlyArray<{ file: string; bytes: Buffer }>> {
  const out: { file: string; bytes: Buffer }[] = []
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out.push({ file, bytes: await fs.readFile(file) })
  }
  return out
}
