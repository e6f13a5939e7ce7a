import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * Off the happy path with the CLI, as a person meets it: a refused build, then its fix with the same build
 * number; another file while a run is unfinished; Ctrl-C during the upload, then the same build with other
 * settings.
 */

let sandbox: TestSandbox
let dir: string
beforeAll(async () => {
  // Processing long enough that a cancel right after the bytes went out comes before the build exists.
  sandbox = await startTestSandbox({ processingMs: 2_000, betaReviewMs: 60_000, reviewMs: 60_000 })
  dir = await mkdtemp(join(tmpdir(), 'ascent-detours-'))
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

async function caseEnv(name: string): Promise<{ env: NodeJS.ProcessEnv; caseDir: string }> {
  const caseDir = await mkdtemp(join(dir, `${name}-`))
  return {
    caseDir,
    env: {
      ...sandboxCredentials(sandbox),
      ASCENT_DATA_DIR: join(caseDir, 'data'),
    },
  }
}

async function runs(env: NodeJS.ProcessEnv): Promise<RunRecord[]> {
  const r = await runCli(['runs', '--json'], { env })
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as RunRecord[]
}

const uploadsOf = (buildNumber: string) =>
  sandbox.state().buildUploads.filter((u) => u.cfBundleVersion === buildNumber)
const buildsOf = (buildNumber: string) => sandbox.state().builds.filter((b) => b.buildNumber === buildNumber)

describe('refused, fixed, published', () => {
  it('an ad-hoc build refused by preflight leaves its build number free for the App Store build', async () => {
    const { env, caseDir } = await caseEnv('refused')
    const adhoc = await makeIpa(
      { buildNumber: '400', profileType: 'ad-hoc', fileName: 'store-adhoc.ipa' },
      caseDir,
    )
    const store = await makeIpa({ buildNumber: '400', fileName: 'store.ipa' }, caseDir)
    const args = ['--beta-group', 'QA', '--upload-method', 'api', '--processing-timeout', '60']

    const refused = await runCli(['publish', adhoc, ...args], { env })
    expect(refused.code).toBe(3)
    expect(refused.stdout).toMatch(/Refused by preflight, nothing was sent: .*ad-hoc/)

    const listed = await runCli(['runs'], { env })
    expect(listed.stdout).toMatch(/ refused /)
    expect(listed.stdout).toMatch(/Refused by preflight, nothing was sent: .*ad-hoc/)
    expect(listed.stdout).not.toMatch(/resumable/)
    expect(await runs(env)).toEqual([expect.objectContaining({ outcome: 'refused', resumable: false })])

    const published = await runCli(['publish', store, ...args], { env })
    expect(published.stderr).toBe('')
    expect(published.code).toBe(0)
    expect(uploadsOf('400')).toHaveLength(1)
    expect(buildsOf('400')).toHaveLength(1)
    expect((await runs(env)).map((r) => [r.fileName, r.outcome, r.resumable])).toEqual([
      ['store.ipa', 'testflight', false],
      ['store-adhoc.ipa', 'refused', false],
    ])
  })

  it('a run that changed App Store Connect keeps another file of its build out and says what it did', async () => {
    const { env, caseDir } = await caseEnv('unfinished')
    const first = await makeIpa({ buildNumber: '401', fileName: 'first.ipa' }, caseDir)
    const other = await makeIpa({ buildNumber: '401', fileName: 'other.ipa', displayName: 'Other' }, caseDir)
    const args = ['--beta-group', 'QA', '--upload-method', 'api', '--processing-timeout', '0']
    // Uploaded, not waited for processing: unfinished, and the build number is taken by this file.
    expect((await runCli(['publish', first, ...args], { env })).code).toBe(5)

    const blocked = await runCli(['publish', other, ...args], { env })
    expect(blocked.code).toBe(2)
    expect(blocked.stderr).toMatch(
      /an unfinished run \(\S+\) of \S+ 1\.1\.0 \(401\) with another file \(.*first\.ipa\) already changed App Store Connect \(uploaded .* with the Build Upload API; /,
    )
    expect(uploadsOf('401')).toHaveLength(1)
  })
})

describe('Ctrl-C during the upload', () => {
  it('says whether the build reached App Store Connect, and the same build with other settings goes on from it', async () => {
    const { env, caseDir } = await caseEnv('cancel')
    const file = await makeIpa({ buildNumber: '402' }, caseDir)
    const first = ['publish', file, '--beta-group', 'QA', '--json', '--upload-method', 'api']
    // Ctrl-C once every byte is sent and Ascent waits for Apple's verdict on the upload.
    const events: PublishEvent[] = []
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...first], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let sent = false
      createInterface({ input: child.stdout }).on('line', (line) => {
        const e = PublishEvent.parse(JSON.parse(line))
        events.push(e)
        if (!sent && e.type === 'step-progress' && e.step === 'upload' && e.message === 'verifying') {
          sent = true
          child.kill('SIGINT')
        }
      })
      child.on('error', reject)
      child.on('close', resolve)
    })
    expect(code).toBe(5)
    const finished = events.find((e) => e.type === 'run-finished')
    expect(finished).toMatchObject({ outcome: 'canceled' })
    const arrived = /reached App Store Connect before the cancel|App Store Connect has build 402/
    const message = finished?.type === 'run-finished' ? finished.message : ''
    expect(message).toMatch(arrived)
    expect(message).not.toMatch(/nothing was sent/)
    const runId = finished!.runId
    const journal = JSON.parse(
      await readFile(join(caseDir, 'data', 'runs', runId, 'journal.json'), 'utf8'),
    ) as { message: string; substeps: { upload?: { note: string | null } } }
    expect(journal.message).toMatch(arrived)
    expect(journal.substeps.upload?.note).toMatch(arrived)

    // Other settings now: TestFlight beta review instead of the QA group.
    const again = await runCli(
      ['publish', file, '--testflight', '--what-to-test', 'Try it', '--upload-method', 'api'],
      { env },
    )
    expect(again.stdout).not.toMatch(/raise CFBundleVersion/)
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect(uploadsOf('402')).toHaveLength(1)
    expect(buildsOf('402')).toHaveLength(1)
    expect(buildsOf('402')[0]?.betaReviewState).not.toBeNull()

    const [latest, canceled] = await runs(env)
    expect(latest).toMatchObject({ outcome: 'testflight', resumable: false })
    expect(canceled).toMatchObject({ runId, outcome: 'canceled', resumable: false })
    expect(canceled?.message).toContain(`continued by run ${latest!.runId}`)
  })
})

describe('credentials half set', () => {
  it('a 401 after an individual-key token says no issuer id was given and names the variable', async () => {
    const { env, caseDir } = await caseEnv('issuer')
    const file = await makeIpa({ buildNumber: '403' }, caseDir)
    const misspelled = {
      ...env,
      APP_STORE_CONNECT_ISSUER_ID: undefined,
      APP_STORE_CONNECT_ISSUERID: sandbox.issuerId,
    }
    const r = await runCli(['publish', file, '--beta-group', 'QA'], { env: misspelled })
    expect(r.code).toBe(4)
    expect(r.stdout).toContain(
      'no issuer id was given: APP_STORE_CONNECT_ISSUER_ID is not set (APP_STORE_CONNECT_ISSUERID is set: misspelled?)',
    )
    expect(r.stdout).not.toMatch(/may be revoked/)
    // The value of the look-alike variable is not echoed.
    expect(r.stdout + r.stderr).not.toContain(sandbox.issuerId)
    expect(uploadsOf('403')).toHaveLength(0)
  })

  it('a private key that is not PEM is told so, the guidance intact', async () => {
    const { env, caseDir } = await caseEnv('not-pem')
    const file = await makeIpa({ buildNumber: '404' }, caseDir)
    const r = await runCli(['publish', file, '--beta-group', 'QA'], {
      env: { ...env, APP_STORE_CONNECT_PRIVATE_KEY: 'my key is in the other folder' },
    })
    const out = r.stdout + r.stderr
    expect(out).toContain('it has no "-----BEGIN PRIVATE KEY-----" line')
    expect(out).not.toContain('redacted')
    expect(r.code).not.toBe(0)
  })
})
