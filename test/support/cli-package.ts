import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { CliResult } from './cli'

const ROOT = join(__dirname, '../..')

/** Runs a command to its end and collects its output (npm, npx, bash: what a CI job runs). */
export function run(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end()
  })
}

/** `npm run pack:cli` in this checkout: the tarball's absolute path (its last line). */
export async function packCli(env: NodeJS.ProcessEnv): Promise<string> {
  const r = await run('npm', ['run', '--silent', 'pack:cli'], { cwd: ROOT, env })
  if (r.code !== 0) throw new Error(`npm run pack:cli failed (${r.code}): ${r.stderr}`)
  const last = r.stdout.trim().split('\n').at(-1) ?? ''
  return last
}

/**
 * npm's environment for a test: its cache and global prefix in the test's folder (never the user's), no
 * update check, no audit, no registry needed for a package without dependencies.
 */
export function npmEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_cache: join(dir, '.npm-cache'),
    npm_config_prefix: join(dir, '.npm-global'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ...extra,
  }
}
