import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { SandboxOptions } from '../../electron/sandbox'
import { PublishEvent } from '../../shared/publish-events'
import { startTestSandbox, type TestSandbox } from './sandbox'

export const CLI = join(__dirname, '../../dist-cli/ascent.cjs')

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built `ascent` CLI (npm test builds it first; `cli`: a copy of it elsewhere) and collects its output. */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; cli?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    // A command may stop reading its input early (and exit): the rest of it is then refused with EPIPE.
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
  })
}

/** The variables a CI job sets to point the CLI at App Store Connect, here the test sandbox and its key. */
export function sandboxCredentials(sandbox: {
  readonly url: string
  readonly keyId: string
  readonly issuerId: string
  readonly privateKeyPath: string
}): NodeJS.ProcessEnv {
  return {
    ASCENT_API_URL: sandbox.url,
    APP_STORE_CONNECT_KEY_IDENTIFIER: sandbox.keyId,
    APP_STORE_CONNECT_ISSUER_ID: sandbox.issuerId,
    APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sandbox.privateKeyPath}`,
  }
}

/** A sandbox for a test file's CLI runs, a folder of its own, and the environment pointing the CLI at both. */
export interface CliSandbox {
  readonly sandbox: TestSandbox
  readonly dir: string
  /** The sandbox's credentials and ASCENT_DATA_DIR in `dir`. */
  readonly env: NodeJS.ProcessEnv
  /** Stops the sandbox and removes the folder. */
  close(): Promise<void>
}

export async function startCliSandbox(prefix: string, options: SandboxOptions): Promise<CliSandbox> {
  const sandbox = await startTestSandbox(options)
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return {
    sandbox,
    dir,
    env: { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(dir, 'data') },
    close: async () => {
      await sandbox.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * `ascent publish … --json` (args include both) as a child process: `watch` sees each event as it comes (and may
 * signal the child or change App Store Connect meanwhile); resolves with how it exited, every event and stderr.
 */
export function publishWatching(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  watch: (event: PublishEvent, child: ChildProcess) => void = () => undefined,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; events: PublishEvent[]; stderr: string }> {
  const events: PublishEvent[] = []
  let stderr = ''
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = PublishEvent.parse(JSON.parse(line))
      events.push(event)
      watch(event, child)
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, events, stderr }))
  })
}
