import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * `ascent publish` killed with SIGKILL and never reaped (its parent does not wait(), as in a container without
 * an init): the dead process is a zombie whose pid still answers kill(pid, 0). An immediate rerun must not take
 * it for "another Ascent process" publishing the build: it resumes the run at once.
 */

const ARGS = ['--beta-group', 'QA', '--json', '--upload-method', 'api']

let sandbox: TestSandbox
let dir: string
beforeAll(async () => {
  sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
  dir = await mkdtemp(join(tmpdir(), 'ascent-zombie-'))
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

async function processState(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  // "pid (comm) S …": the state is the field after the command name.
  return stat === null ? null : (/\) (\S)/.exec(stat)?.[1] ?? null)
}

describe.runIf(process.platform === 'linux')('a publish killed with SIGKILL and left unreaped', () => {
  it('does not keep the run locked: the rerun resumes the same run at once and uploads once', async () => {
    const file = await makeIpa({ buildNumber: '300' }, dir)
    const env = {
      ...process.env,
      ...sandboxCredentials(sandbox),
      ASCENT_DATA_DIR: join(dir, 'data'),
    }
    // sh starts the CLI in the background and does not wait() for it until its stdin gives it a line.
    const parent = spawn(
      'sh',
      ['-c', '"$0" "$@" & echo "pid $!"; read _; wait', process.execPath, CLI, 'publish', file, ...ARGS],
      { env, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    let pid = 0
    let runId: string | null = null
    const killed = new Promise<void>((resolve, reject) => {
      parent.once('close', () => reject(new Error('the CLI ended before it was killed')))
      createInterface({ input: parent.stdout! }).on('line', (line) => {
        const announced = /^pid (\d+)$/.exec(line)
        if (announced) {
          pid = Number(announced[1])
          return
        }
        const event = PublishEvent.parse(JSON.parse(line))
        runId ??= event.runId
        // Mid-run, lock held: the upload has begun.
        if (pid !== 0 && event.type === 'step-progress' && event.step === 'upload') {
          process.kill(pid, 'SIGKILL')
          resolve()
        }
      })
    })
    try {
      await killed
      await expect.poll(() => processState(pid)).toBe('Z')

      const rerun = await runCli(['publish', file, ...ARGS], { env })
      expect(rerun.stderr).toBe('')
      expect(rerun.code).toBe(0)
      const finished = rerun.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => PublishEvent.parse(JSON.parse(l)))
        .find((e) => e.type === 'run-finished')
      expect(finished).toMatchObject({ runId, outcome: 'testflight' })
      expect(sandbox.state().builds.filter((b) => b.buildNumber === '300')).toHaveLength(1)
      // Still unreaped while the rerun ran: the case the lock must survive.
      expect(await processState(pid)).toBe('Z')
    } finally {
      const closed = once(parent, 'close')
      parent.stdin!.end('\n')
      await closed
    }
  })
})
