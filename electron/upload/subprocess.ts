import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { AscentError } from '../../shared/errors'

export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess

export interface SubprocessOptions {
  readonly command: string
  readonly args: readonly string[]
  /** The child's whole environment (secrets go here, never in argv). Defaults to this process's. */
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Exit codes that mean "ran as intended"; anything else rejects. 'any' leaves the judgement to the caller. */
  readonly expectedExitCodes?: readonly number[] | 'any'
  readonly signal?: AbortSignal
  /** Every output line as it arrives (\n, \r\n or a bare \r ends a line: progress bars use \r). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Kill the process group when no output line arrived for this long. */
  readonly watchdogMs?: number
  /** SIGTERM first; SIGKILL after this long. */
  readonly killGraceMs?: number
  /** Values that must never appear in argv (key material, tokens); checked before spawning. */
  readonly secrets?: readonly string[]
  /** Output kept for the result, from the end (altool prints its JSON verdict last). */
  readonly keepOutputChars?: number
  readonly spawn?: SpawnFunction
}

export interface SubprocessResult {
  readonly exitCode: number | null
  /** Set when the process died of a signal it did not get from us. */
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly pid: number
}

const SECRET_SHAPES = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\./,
  /^Bearer\s/i,
]

/**
 * The one way Ascent runs a program: lines are streamed, expected exit codes are declared,
 * cancel and the watchdog kill the whole process group (xcrun → altool → its helpers), and argv is refused when
 * it carries anything that looks like a secret (argv is visible to every user of the machine through `ps`).
 */
export function runSubprocess(options: SubprocessOptions): Promise<SubprocessResult> {
  for (const arg of options.args) {
    if (
      SECRET_SHAPES.some((re) => re.test(arg)) ||
      (options.secrets ?? []).some((s) => s.length > 0 && arg.includes(s))
    ) {
      return Promise.reject(
        new AscentError(
          'INTERNAL',
          `refused to start ${options.command}: a secret would be visible in its command line`,
        ),
      )
    }
  }
  if (options.signal?.aborted) {
    return Promise.reject(new AscentError('CANCELED', `${options.command} was canceled before it started`))
  }
  const spawn = options.spawn ?? (nodeSpawn as SpawnFunction)
  const keep = options.keepOutputChars ?? 1_000_000
  const graceMs = options.killGraceMs ?? 3000
  const posix = process.platform !== 'win32'

  return new Promise<SubprocessResult>((resolve, reject) => {
    let child: ChildProcess
    try {
      child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a kill reaches the grandchildren too.
        detached: posix,
        windowsHide: true,
      })
    } catch (error) {
      reject(spawnFailure(options.command, error))
      return
    }
    const pid = child.pid ?? -1
    const output = { stdout: '', stderr: '' }
    let stopReason: 'canceled' | 'watchdog' | null = null
    let watchdog: NodeJS.Timeout | null = null
    let killTimer: NodeJS.Timeout | null = null

    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (posix && pid > 0) process.kill(-pid, sig)
        else child.kill(sig)
      } catch {
        // Already gone.
      }
    }
    const stop = (reason: 'canceled' | 'watchdog'): void => {
      if (stopReason !== null) return
      stopReason = reason
      killGroup('SIGTERM')
      killTimer = setTimeout(() => killGroup('SIGKILL'), graceMs)
    }
    const armWatchdog = (): void => {
      if (options.watchdogMs === undefined) return
      if (watchdog) clearTimeout(watchdog)
      watchdog = setTimeout(() => stop('watchdog'), options.watchdogMs)
    }
    const onAbort = (): void => stop('canceled')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    armWatchdog()

    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = ''
      const source = child[stream]
      source?.setEncoding('utf8')
      source?.on('data', (chunk: string) => {
        output[stream] += chunk
        if (output[stream].length > keep * 2) output[stream] = output[stream].slice(-keep)
        const lines = (partial + chunk).split(/\r\n|\n|\r/)
        partial = lines.pop() ?? ''
        for (const line of lines) {
          armWatchdog()
          options.onLine?.(line, stream)
        }
      })
      source?.on('end', () => {
        if (partial.length > 0) options.onLine?.(partial, stream)
        partial = ''
      })
    }

    child.once('error', (error) => {
      cleanup()
      // The group may have been started before the error (rare); make sure nothing is left.
      killGroup('SIGKILL')
      reject(spawnFailure(options.command, error))
    })
    child.once('close', (code, sig) => {
      cleanup()
      // Whatever the leader did, its group goes with it: no stray helper keeps running after we return.
      if (stopReason !== null) killGroup('SIGKILL')
      const result: SubprocessResult = {
        exitCode: code,
        signal: stopReason === null ? sig : null,
        stdout: output.stdout.slice(-keep),
        stderr: output.stderr.slice(-keep),
        pid,
      }
      if (stopReason === 'canceled') {
        reject(new AscentError('CANCELED', `${options.command} was canceled`))
        return
      }
      if (stopReason === 'watchdog') {
        reject(
          new AscentError(
            'NETWORK',
            `${options.command} printed nothing for ${Math.round((options.watchdogMs ?? 0) / 1000)} s and was stopped (it can loop forever on network errors); check the connection and try again`,
            { detail: tail(result) },
          ),
        )
        return
      }
      const expected = options.expectedExitCodes ?? [0]
      if (expected !== 'any' && (code === null || !expected.includes(code))) {
        reject(new SubprocessExitError(options.command, result))
        return
      }
      resolve(result)
    })

    function cleanup(): void {
      options.signal?.removeEventListener('abort', onAbort)
      if (watchdog) clearTimeout(watchdog)
      if (killTimer) clearTimeout(killTimer)
    }
  })
}

/** The program ran but ended with an exit code its caller did not declare. */
export class SubprocessExitError extends AscentError {
  readonly result: SubprocessResult
  constructor(command: string, result: SubprocessResult) {
    super(
      'INTERNAL',
      `${command} ${result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`}`,
      { detail: tail(result) },
    )
    this.name = 'SubprocessExitError'
    this.result = result
  }
}

function tail(result: SubprocessResult): string {
  return (result.stderr.slice(-2000) + '\n' + result.stdout.slice(-2000)).trim()
}

function spawnFailure(command: string, error: unknown): AscentError {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT'
    ? new AscentError('NOT_FOUND', `${command} was not found; install it or choose another method`, {
        cause: error,
      })
    : new AscentError('INTERNAL', `${command} could not be started: ${(error as Error).message}`, {
        cause: error,
      })
}
