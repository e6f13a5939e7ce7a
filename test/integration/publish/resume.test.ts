import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { SubstepId } from '../../../electron/publish/journal'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { publishHarness } from './publish-support'

/**
 * kill -9 of `ascent publish --json` at every step boundary (and inside steps), then the same command again:
 * it resumes the same run, and App Store Connect ends up with exactly one build, one beta review submission
 * and one review submission.
 */

const ARGS = [
  '--testflight',
  '--beta-group',
  'Public Beta',
  '--what-to-test',
  'Resume test',
  '--app-store',
  '--whats-new',
  'Resume notes',
  '--phased-release',
  '--json',
  '--upload-method',
  'api',
  '--processing-timeout',
  '60',
]

type Kill = {
  readonly name: string
  readonly when: (e: PublishEvent) => boolean
  /** The build's Info.plist answers export compliance unless this says otherwise. */
  readonly compliance?: null
}
const KILLS: readonly Kill[] = [
  ...(['preflight', 'upload', 'processing', 'testflight', 'app-store'] as const).map((step) => ({
    name: `after step ${step}`,
    when: (e: PublishEvent) => e.type === 'step-finished' && e.step === step,
  })),
  ...[
    'sending',
    'export compliance answered',
    'submitted for beta review',
    'created version',
    'created review submission',
    'added version',
  ].map((text) => ({
    name: `at "${text}"`,
    when: (e: PublishEvent) => e.type === 'step-progress' && (e.message ?? '').startsWith(text),
    // App Store Connect takes Info.plist's answer: only a build without one has Ascent answer compliance.
    ...(text === 'export compliance answered' ? { compliance: null } : {}),
  })),
]

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-resume-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function cliEnv(sandbox: TestSandbox, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...sandboxCredentials(sandbox),
    ASCENT_DATA_DIR: dataDir,
  }
}

/** Runs the CLI and SIGKILLs it the moment `kill.when` matches an event; resolves with the events it printed. */
function runAndKill(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  kill: Kill,
): Promise<{ events: PublishEvent[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const events: PublishEvent[] = []
    let killed = false
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = PublishEvent.parse(JSON.parse(line))
      events.push(event)
      if (!killed && kill.when(event)) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.on('error', reject)
    child.on('close', () => resolve({ events, killed }))
  })
}

function events(stdout: string): PublishEvent[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => PublishEvent.parse(JSON.parse(l)))
}

describe('kill -9 and resume (CLI child process)', () => {
  for (const kill of KILLS) {
    it(`killed ${kill.name}, the same command again finishes the same run once`, async () => {
      const sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
      try {
        const caseDir = await mkdtemp(join(dir, 'case-'))
        const file = await makeIpa(kill.compliance === null ? { usesNonExemptEncryption: null } : {}, caseDir)
        const env = cliEnv(sandbox, join(caseDir, 'data'))
        const first = await runAndKill(['publish', file, ...ARGS], env, kill)
        expect(first.killed).toBe(true)
        const runId = first.events[0]?.runId

        if (kill.name.includes('upload') || kill.name.includes('review submission')) {
          // History sees the dead run as interrupted and resumable (checked on a few cases: each CLI start costs a second).
          const history = await runCli(['runs', '--json'], { env })
          const [record] = JSON.parse(history.stdout) as {
            runId: string
            outcome: string
            resumable: boolean
          }[]
          expect(record).toMatchObject({ runId, outcome: 'interrupted', resumable: true })
        }

        const second = await runCli(['publish', file, ...ARGS], { env })
        expect(second.stderr).toBe('')
        expect(second.code).toBe(0)
        const finished = events(second.stdout).find((e) => e.type === 'run-finished')
        expect(finished).toMatchObject({ runId, outcome: 'submitted-for-review' })

        const state = sandbox.state()
        expect(state.buildUploads).toHaveLength(1)
        expect(state.builds.filter((b) => b.buildNumber === '100')).toHaveLength(1)
        const build = state.builds.find((b) => b.buildNumber === '100')!
        expect(build.groups).toEqual(['Public Beta'])
        expect(build.whatsNew).toEqual({ 'en-US': 'Resume test' })
        expect(state.builds.filter((b) => b.betaReviewState !== null)).toHaveLength(1)
        const versions = state.versions.filter((v) => v.versionString === '1.1.0')
        expect(versions).toHaveLength(1)
        expect(versions[0]?.localizations.map((l) => [l.locale, l.whatsNew])).toEqual([
          ['en-US', 'Resume notes'],
        ])
        expect(state.phasedReleases).toHaveLength(1)
        expect(state.reviewSubmissions).toHaveLength(1)
        expect(state.reviewSubmissions[0]).toMatchObject({ state: 'WAITING_FOR_REVIEW' })
        expect(state.reviewSubmissions[0]?.items).toHaveLength(1)
      } finally {
        await sandbox.close()
      }
    })
  }
})

describe('cancel and history (in process)', () => {
  it('cancel stops at a safe point, says what was done, and publishing again resumes', async () => {
    const h = await publishHarness({ processingMs: 40 })
    try {
      const file = await h.ipa()
      const settings = {
        submitToTestflight: true,
        whatToTest: 'Try it',
        betaGroups: ['QA'],
        submitToAppStore: true,
        whatsNew: 'Bug fixes',
      } as const
      let canceledAt: string | null = null
      const off = h.publisher.onEvent((e) => {
        if (canceledAt === null && e.type === 'step-finished' && e.step === 'processing') {
          canceledAt = e.runId
          void h.publisher.cancel(e.runId)
        }
      })
      const { runId } = await h.publisher.start(h.job(file, settings))
      const canceled = await h.publisher.wait(runId)
      off()
      expect(canceled.outcome).toBe('canceled')
      expect(canceled.message).toMatch(/^Canceled at a safe point\. Done: uploaded .*processed \(VALID\)/)
      expect(canceled.resumable).toBe(true)
      // The review submission was prepared while the build was processed; the version is not in it yet.
      for (const s of h.sandbox.state().reviewSubmissions)
        expect(s).toMatchObject({ state: 'READY_FOR_REVIEW', items: [] })

      const again = await h.publisher.start(h.job(file, settings))
      expect(again.runId).toBe(runId)
      const done = await h.publisher.wait(runId)
      expect(done.outcome).toBe('submitted-for-review')
      expect(h.sandbox.state().buildUploads).toHaveLength(1)

      const runs = await h.publisher.listRuns()
      expect(runs).toHaveLength(1)
      expect(runs[0]).toMatchObject({ runId, outcome: 'submitted-for-review', resumable: false })
      expect(runs[0]?.links.map((l) => l.url)).toContain(
        `https://appstoreconnect.apple.com/apps/${h.sandbox.state().apps[0]!.id}/testflight/ios`,
      )
      // No key material in any event.
      const all = JSON.stringify(h.events)
      expect(all).not.toMatch(/BEGIN PRIVATE KEY|eyJ[\w-]{5,}\.eyJ/)
    } finally {
      await h.close()
    }
  })

  it('a second start of the same build and settings while it runs returns the same run', async () => {
    const h = await publishHarness({ processingMs: 200 })
    try {
      const file = await h.ipa()
      const a = await h.publisher.start(h.job(file, { betaGroups: ['QA'] }))
      const b = await h.publisher.start(h.job(file, { betaGroups: ['QA'] }))
      expect(b.runId).toBe(a.runId)
      expect((await h.publisher.wait(a.runId)).outcome).toBe('testflight')
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
    } finally {
      await h.close()
    }
  })
})

/** The same command again after a kill: it finishes the same run, and App Store Connect holds each thing once. */
async function resumeFinishesOnce(
  sandbox: TestSandbox,
  file: string,
  env: NodeJS.ProcessEnv,
  runId: string | undefined,
  caseDir: string,
): Promise<void> {
  const second = await runCli(['publish', file, ...ARGS], { env })
  expect(second.stderr).toBe('')
  expect(second.code).toBe(0)
  expect(events(second.stdout).find((e) => e.type === 'run-finished')).toMatchObject({
    runId,
    outcome: 'submitted-for-review',
  })
  const state = sandbox.state()
  expect(state.buildUploads).toHaveLength(1)
  const build = state.builds.find((b) => b.buildNumber === '100')
  expect(build?.groups).toEqual(['Public Beta'])
  expect(build?.whatsNew).toEqual({ 'en-US': 'Resume test' })
  expect(state.builds.filter((b) => b.betaReviewState !== null)).toHaveLength(1)
  const versions = state.versions.filter((v) => v.versionString === '1.1.0')
  expect(versions).toHaveLength(1)
  expect(versions[0]?.buildId).toBe(build?.id)
  expect(versions[0]?.localizations.map((l) => [l.locale, l.whatsNew])).toEqual([['en-US', 'Resume notes']])
  expect(state.phasedReleases).toHaveLength(1)
  expect(state.reviewSubmissions).toHaveLength(1)
  expect(state.reviewSubmissions[0]).toMatchObject({ state: 'WAITING_FOR_REVIEW' })
  expect(state.reviewSubmissions[0]?.items).toHaveLength(1)

  // The journal lists sub-steps in execution order, not in the order the branches finished them.
  const journal = JSON.parse(
    await readFile(join(caseDir, 'data', 'runs', runId ?? '', 'journal.json'), 'utf8'),
  ) as { substeps: Record<string, unknown> }
  const order = Object.keys(journal.substeps)
  expect(order).toEqual(SubstepId.options.filter((id) => order.includes(id)))
  expect(order).toEqual(expect.arrayContaining(['beta-review', 'phased-release', 'review-submit']))
}

describe('kill -9 while TestFlight and the App Store run side by side (CLI child process)', () => {
  // The n-th progress line of the branches once the build is processed: both steps are under way and TestFlight
  // (four sub-steps) is not done.
  for (const n of [2, 4, 6]) {
    it(`killed at the branches' progress line ${n}, the same command again finishes the same run once`, async () => {
      const sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
      try {
        const caseDir = await mkdtemp(join(dir, 'side-'))
        // No export compliance in Info.plist: Ascent answers it, so TestFlight has its four sub-steps.
        const file = await makeIpa({ usesNonExemptEncryption: null }, caseDir)
        const env = cliEnv(sandbox, join(caseDir, 'data'))
        let processed = false
        let seen = 0
        const first = await runAndKill(['publish', file, ...ARGS], env, {
          name: `branch line ${n}`,
          when: (e) => {
            if (e.type === 'step-finished' && e.step === 'processing') processed = true
            return (
              processed &&
              e.type === 'step-progress' &&
              (e.step === 'testflight' || e.step === 'app-store' || e.step === 'review') &&
              ++seen === n
            )
          },
        })
        expect(first.killed).toBe(true)
        const started = first.events.flatMap((e) => (e.type === 'step-started' ? [e.step] : []))
        const finished = first.events.flatMap((e) => (e.type === 'step-finished' ? [e.step] : []))
        expect(started).toEqual(expect.arrayContaining(['testflight', 'app-store']))
        expect(finished).not.toContain('testflight')
        expect(finished).not.toContain('review')
        await resumeFinishesOnce(sandbox, file, env, first.events[0]?.runId, caseDir)
      } finally {
        await sandbox.close()
      }
    })
  }
})

describe('kill -9 while the App Store version is set up beside the upload and processing (CLI child process)', () => {
  // The n-th progress line of the App Store and review steps while the build is still processed (3 s): the version
  // created (2), What's New and phased release under way (4, 6), the review submission being created (7).
  for (const n of [2, 4, 6, 7]) {
    it(`killed at the App Store's progress line ${n}, the same command again finishes the same run once`, async () => {
      const sandbox = await startTestSandbox({ processingMs: 3_000, betaReviewMs: 60_000, reviewMs: 60_000 })
      try {
        const caseDir = await mkdtemp(join(dir, 'early-'))
        const file = await makeIpa({}, caseDir)
        const env = cliEnv(sandbox, join(caseDir, 'data'))
        let seen = 0
        const first = await runAndKill(['publish', file, ...ARGS], env, {
          name: `App Store line ${n}`,
          when: (e) =>
            e.type === 'step-progress' && (e.step === 'app-store' || e.step === 'review') && ++seen === n,
        })
        expect(first.killed).toBe(true)
        const finished = first.events.flatMap((e) => (e.type === 'step-finished' ? [e.step] : []))
        expect(finished).not.toContain('processing')
        await resumeFinishesOnce(sandbox, file, env, first.events[0]?.runId, caseDir)
      } finally {
        await sandbox.close()
      }
    })
  }
})

describe('a run journaled before the build was attached on its own (CLI child process)', () => {
  it('killed after the App Store step, resumes with its version taken as having the build', async () => {
    const sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
    try {
      const caseDir = await mkdtemp(join(dir, 'older-'))
      const file = await makeIpa({}, caseDir)
      const env = cliEnv(sandbox, join(caseDir, 'data'))
      const first = await runAndKill(['publish', file, ...ARGS], env, {
        name: 'after step app-store',
        when: (e) => e.type === 'step-finished' && e.step === 'app-store',
      })
      expect(first.killed).toBe(true)
      const runId = first.events[0]?.runId ?? ''
      // As an earlier Ascent wrote it: the version step attached the build, and there was no version-build.
      const path = join(caseDir, 'data', 'runs', runId, 'journal.json')
      const journal = JSON.parse(await readFile(path, 'utf8')) as {
        substeps: Record<string, unknown>
        ids: Record<string, unknown>
      }
      delete journal.substeps['version-build']
      delete journal.ids.versionBuildId
      await writeFile(path, JSON.stringify(journal))
      await resumeFinishesOnce(sandbox, file, env, runId, caseDir)
    } finally {
      await sandbox.close()
    }
  })
})
