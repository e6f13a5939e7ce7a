import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { makeIpa } from '../../fixtures/build-factory'
import { publishWatching, runCli, sandboxCredentials } from '../../support/cli'
import { startCountingProxy } from '../../support/counting-proxy'
import { startTestSandbox, withSandbox, type TestSandbox } from '../../support/sandbox'

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

  it('a build in TestFlight, then refused for the App Store: the refusal is not resumable, and the fix goes on from the same upload', async () => {
    // Its own sandbox: the version it submits for review would change what the other cases' App Store runs meet.
    await withSandbox({ processingMs: 30, betaReviewMs: 60_000, reviewMs: 60_000 }, async (own) => {
      const caseDir = await mkdtemp(join(dir, 'refused-later-'))
      const env = { ...sandboxCredentials(own), ASCENT_DATA_DIR: join(caseDir, 'data') }
      const file = await makeIpa({ buildNumber: '403' }, caseDir)
      const args = ['--upload-method', 'api', '--processing-timeout', '60']
      expect((await runCli(['publish', file, '--beta-group', 'QA', ...args], { env })).code).toBe(0)

      // An update without What's New: refused before anything is sent; the upload was the earlier run's.
      const outputs = join(caseDir, 'github-output')
      const refused = await runCli(['publish', file, '--app-store', ...args], {
        env: { ...env, GITHUB_OUTPUT: outputs },
      })
      expect(refused.code).toBe(3)
      expect(refused.stdout).toMatch(/Refused by preflight, nothing was sent: .*What’s New/)
      expect(await readFile(outputs, 'utf8')).toContain('outcome=refused\n')
      const listed = await runCli(['runs'], { env })
      expect(listed.stdout).not.toMatch(/resumable/)
      expect((await runs(env)).map((r) => [r.outcome, r.resumable])).toEqual([
        ['refused', false],
        ['testflight', false],
      ])

      // The plan of the fix says so too: nothing to upload.
      const plan = await runCli(['publish', file, '--app-store', '--whats-new', 'Faster sync.', '--plan'], {
        env,
      })
      expect(plan.code).toBe(0)
      expect(plan.stdout).toContain('Upload:\n  - Already uploaded from this file\n')
      const fixed = await runCli(['publish', file, '--app-store', '--whats-new', 'Faster sync.', ...args], {
        env,
      })
      expect(fixed.stderr).toBe('')
      expect(fixed.code).toBe(0)
      expect(own.state().buildUploads).toHaveLength(1)
      expect((await runs(env)).map((r) => r.outcome)).toEqual([
        'submitted-for-review',
        'refused',
        'testflight',
      ])
    })
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
    // Once: a second Ctrl-C leaves at once.
    let sent = false
    const { code, events } = await publishWatching(first, env, (e, child) => {
      if (sent || e.type !== 'step-progress' || e.step !== 'upload' || e.message !== 'verifying') return
      sent = true
      child.kill('SIGINT')
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

describe('Ctrl-C during preflight, an earlier attempt having uploaded', () => {
  it('asks App Store Connect whether that upload arrived and says so in the events, the journal and runs', async () => {
    const { env, caseDir } = await caseEnv('cancel-preflight')
    const file = await makeIpa({ buildNumber: '405' }, caseDir)
    const args = ['publish', file, '--app-store', '--whats-new', 'Fixes', '--json', '--upload-method', 'api']
    // The first attempt is killed once every byte is sent: its journal says the upload was started, no more.
    const killed = await publishWatching(args, env, (e, child) => {
      if (e.type === 'step-progress' && e.step === 'upload' && e.message === 'verifying')
        child.kill('SIGKILL')
    })
    expect(killed.signal).toBe('SIGKILL')

    // The resume's preflight reads the App Store information; that read is held in flight, and Ctrl-C comes then.
    let interrupted: ChildProcess | null = null
    const proxy = await startCountingProxy({
      hold: (request) => /^GET \/v1\/apps\/[^/]+\/appInfos$/.test(request),
      onHold: () => interrupted?.kill('SIGINT'),
    })
    const throughProxy = { ...env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: undefined }
    const resumed = await publishWatching(args, throughProxy, (_, child) => (interrupted = child)).finally(
      () => proxy.close(),
    )
    expect(proxy.held).toHaveLength(1)
    expect(resumed.code).toBe(5)
    const arrived = /reached App Store Connect before the cancel|App Store Connect has build 405/
    const finished = resumed.events.find((e) => e.type === 'run-finished')
    expect(finished).toMatchObject({ outcome: 'canceled', message: expect.stringMatching(arrived) })
    expect(finished?.type === 'run-finished' && finished.message).not.toMatch(/upload was started/)
    // The window hears it as the run's log line too; preflight itself did not fail, it was stopped.
    expect(resumed.events).toContainEqual(
      expect.objectContaining({ type: 'log', message: expect.stringMatching(arrived) }),
    )
    expect(resumed.events.filter((e) => e.type === 'step-failed')).toEqual([])
    const journal = JSON.parse(
      await readFile(join(caseDir, 'data', 'runs', finished!.runId, 'journal.json'), 'utf8'),
    ) as { message: string; substeps: { upload?: { note: string | null } } }
    expect(journal.substeps.upload?.note).toMatch(arrived)
    expect((await runs(env))[0]).toMatchObject({
      runId: finished!.runId,
      message: expect.stringMatching(arrived),
    })
    expect(uploadsOf('405')).toHaveLength(1)
  })
})

describe('killed after App Store Connect created the upload, before Ascent heard it', () => {
  it('publishing again carries on with that upload instead of starting a second one', async () => {
    const { env, caseDir } = await caseEnv('unheard-upload')
    const file = await makeIpa({ buildNumber: '406' }, caseDir)
    const args = ['publish', file, '--json', '--upload-method', 'api', '--processing-timeout', '60']
    let running: ChildProcess | null = null
    const proxy = await startCountingProxy({
      holdAnswer: (request) => request === 'POST /v1/buildUploads',
      onHold: () => running?.kill('SIGKILL'),
    })
    const throughProxy = { ...env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: undefined }
    const killed = await publishWatching(args, throughProxy, (_, child) => (running = child)).finally(() =>
      proxy.close(),
    )
    expect(killed.signal).toBe('SIGKILL')
    expect(proxy.held).toEqual(['POST /v1/buildUploads'])
    expect(uploadsOf('406')).toHaveLength(1)

    const again = await runCli(
      args.filter((a) => a !== '--json'),
      { env },
    )
    expect(again.code).toBe(0)
    expect(uploadsOf('406')).toHaveLength(1)
    expect(buildsOf('406')).toHaveLength(1)
    expect(buildsOf('406')[0]?.processingState).toBe('VALID')
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
