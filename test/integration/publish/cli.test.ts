import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { parseLogText } from '../../../shared/run-progress'
import { runLogPath } from '../../../electron/publish/run-log'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli, startCliSandbox, type CliSandbox } from '../../support/cli'
import type { TestSandbox } from '../../support/sandbox'

/** `ascent publish`, `ascent groups`, `ascent runs`: exit codes, one-line errors, NDJSON. */

let cli: CliSandbox
let sandbox: TestSandbox
let dir: string
let file: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  cli = await startCliSandbox('ascent-publish-cli-', {
    processingMs: 40,
    betaReviewMs: 60_000,
    reviewMs: 60_000,
  })
  ;({ sandbox, dir, env } = cli)
  file = await makeIpa({}, dir)
})
afterAll(() => cli.close())

describe('ascent publish: bad input exits 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a missing file',
      ['publish', '/nonexistent/App.ipa', '--testflight'],
      /^ascent: \/nonexistent\/App\.ipa: /,
    ],
    [
      'a bad release type',
      ['publish', 'FILE', '--app-store', '--release-type', 'SOON'],
      /--release-type: must be MANUAL, AFTER_APPROVAL or SCHEDULED/,
    ],
    [
      'a date whose seconds do not exist',
      [
        'publish',
        'FILE',
        '--app-store',
        '--release-type',
        'SCHEDULED',
        '--earliest-release-date',
        '2031-12-01T14:00:60Z',
      ],
      /--earliest-release-date: "2031-12-01T14:00:60Z" has an invalid time \(14:00:60\)/,
    ],
    [
      'a date without SCHEDULED',
      ['publish', 'FILE', '--app-store', '--earliest-release-date', '2031-12-01T14:00:00Z'],
      /release_type is MANUAL/,
    ],
    [
      'a date off the hour',
      [
        'publish',
        'FILE',
        '--app-store',
        '--release-type',
        'SCHEDULED',
        '--earliest-release-date',
        '2031-12-01T14:30:00Z',
      ],
      /not on the hour/,
    ],
    [
      'a bad processing timeout',
      ['publish', 'FILE', '--processing-timeout', 'soon'],
      /--processing-timeout must be a whole number from 0 to 604800/,
    ],
    [
      '--config with setting flags',
      ['publish', 'FILE', '--config', 'codemagic.yaml', '--testflight'],
      /use either --config or setting flags/,
    ],
  ]
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await runCli(
        args.map((a) => (a === 'FILE' ? file : a)),
        { env },
      )
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
    })
  }
})

describe('ascent publish --plan', () => {
  it('prints the plan and exits 0; a refused plan exits 3', async () => {
    const ok = await runCli(['publish', file, '--beta-group', 'QA', '--plan', '--json'], { env })
    expect(ok.code).toBe(0)
    const plan = JSON.parse(ok.stdout) as { problems: unknown[]; steps: { step: string }[] }
    expect(plan.problems).toEqual([])
    expect(plan.steps.map((s) => s.step)).toEqual([
      'preflight',
      'upload',
      'processing',
      'testflight',
      'app-store',
      'review',
    ])
    const refused = await runCli(['publish', file, '--beta-group', 'qa', '--plan'], { env })
    expect(refused.code).toBe(3)
    expect(refused.stdout).toContain('did you mean "QA"?')
    expect(Object.keys(sandbox.state().requests.byRoute).filter((r) => !r.startsWith('GET '))).toEqual([])
  })

  it('reads the settings from a codemagic.yaml workflow', async () => {
    const yaml = join(dir, 'codemagic.yaml')
    await writeFile(
      yaml,
      [
        'workflows:',
        '  ios-release:',
        '    publishing:',
        '      app_store_connect:',
        '        submit_to_testflight: true',
        '        what_to_test: Try the new sync',
        '        beta_groups: [Public Beta]',
        '        submit_to_app_store: true',
        '        whats_new: Faster sync.',
        '        release_type: SCHEDULED',
        '        earliest_release_date: 2031-12-01T14:00:00+02:00',
        '        phased_release: false',
        '',
      ].join('\n'),
    )
    const r = await runCli(['publish', file, '--config', yaml, '--workflow', 'ios-release', '--plan'], {
      env,
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Add to Public Beta (external)')
    expect(r.stdout).toContain('Release: scheduled, not before 2031-12-01T14:00:00+02:00')
    expect(r.stdout).toContain('Phased release: off')
    expect(r.stdout).toContain('What to Test (en-US): “Try the new sync”')
    expect(r.stdout).toContain('What’s New (en-US): “Faster sync.”')
  })
})

describe('ascent groups', () => {
  it('lists the beta groups of an app as JSON', async () => {
    const r = await runCli(['groups', 'com.example.ascent.demo', '--json'], { env })
    expect(r.code).toBe(0)
    const groups = JSON.parse(r.stdout) as { name: string; isInternal: boolean }[]
    expect(groups.map((g) => [g.name, g.isInternal])).toEqual([
      ['Core Team', true],
      ['QA', true],
      ['Public Beta', false],
      ['Friends & Family', false],
    ])
  })

  it('an unknown app exits 2 with one line', async () => {
    const r = await runCli(['groups', 'com.example.nope'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ascent: com\.example\.nope: no app with this bundle id/)
  })
})

describe('ascent publish against the sandbox', () => {
  it('says what it published and links no appstoreconnect.apple.com page (the sandbox’s apps have none)', async () => {
    const caseDir = await mkdtemp(join(dir, 'links-'))
    const build = await makeIpa({ buildNumber: '210' }, caseDir)
    const r = await runCli(['publish', build, '--beta-group', 'QA'], {
      env: { ...env, ASCENT_DATA_DIR: join(caseDir, 'data') },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('com.example.ascent.demo 1.1.0 (210) is in TestFlight: 1 group')
    expect(r.stdout).not.toContain('appstoreconnect.apple.com')
  })

  it('says a step it was not asked for once, "not requested", in its output and its run log; --json keeps every event', async () => {
    const caseDir = await mkdtemp(join(dir, 'not-requested-'))
    const build = await makeIpa({ buildNumber: '211' }, caseDir)
    const dataDir = join(caseDir, 'data')
    const r = await runCli(['publish', build, '--beta-group', 'QA'], {
      env: { ...env, ASCENT_DATA_DIR: dataDir },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const notRequested = r.stdout
      .split('\n')
      .filter((line) => /^(… App Store( review)?$|. (app-store|review):)/.test(line))
    expect(notRequested).toEqual(['– app-store: not requested', '– review: not requested'])

    const [runId] = await readdir(join(dataDir, 'runs'))
    const log = parseLogText(await readFile(runLogPath(dataDir, runId ?? ''), 'utf8')).map((l) => l.message)
    expect(log.filter((m) => /^App Store( review)?:/.test(m))).toEqual([
      'App Store: not requested',
      'App Store review: not requested',
    ])
    expect(log).toContain('Upload: started')

    // The events stay a fixed interface: each step starts and finishes, the skipped ones too.
    const second = await makeIpa({ buildNumber: '212' }, caseDir)
    const json = await runCli(['publish', second, '--beta-group', 'QA', '--json'], {
      env: { ...env, ASCENT_DATA_DIR: join(caseDir, 'json') },
    })
    expect(json.code).toBe(0)
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => PublishEvent.parse(JSON.parse(line)))
    const ofAppStore = events.flatMap((e) =>
      (e.type === 'step-started' || e.type === 'step-finished') && e.step === 'app-store' ? [e.type] : [],
    )
    expect(ofAppStore).toEqual(['step-started', 'step-finished'])
  })
})

describe('ascent publish: the same build and settings again after the run finished', () => {
  it('a CI job run again says the run is done and exits 0; it sends nothing twice and refuses nothing', async () => {
    const caseDir = await mkdtemp(join(dir, 'again-'))
    // Its own app version: the other cases' 1.1.0 is in review.
    const build = await makeIpa({ version: '1.2.0', buildNumber: '230' }, caseDir)
    const args = [
      ...['publish', build, '--testflight', '--beta-group', 'Public Beta', '--what-to-test', 'Again'],
      '--app-store',
    ]
    const caseEnv = { ...env, ASCENT_DATA_DIR: join(caseDir, 'data') }
    const first = await runCli([...args, '--whats-new', 'Once', '--json'], { env: caseEnv })
    expect(first.stderr).toBe('')
    expect(events(first.stdout).find((e) => e.type === 'run-finished')).toMatchObject({
      outcome: 'submitted-for-review',
    })
    expect(first.code).toBe(0)
    const runId = events(first.stdout).find((e) => e.type === 'run-finished')?.runId
    const before = sandbox.state()

    // Before, the version this run put in review refused a new run, with the advice to withdraw it.
    const again = await runCli([...args, '--whats-new', 'Once'], { env: caseEnv })
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect(again.stdout.split('\n')[0]).toBe(
      `Run ${runId} already published this build with these settings (submitted-for-review): checking it with App Store Connect`,
    )
    const after = sandbox.state()
    expect(after.buildUploads).toHaveLength(before.buildUploads.length)
    expect(after.reviewSubmissions).toEqual(before.reviewSubmissions)
    expect(after.versions).toEqual(before.versions)

    // Other settings are another run, which goes on from the same upload (here refused: the version is in review).
    const other = await runCli([...args, '--whats-new', 'Twice'], { env: caseEnv })
    expect(other.code).toBe(3)
    expect(other.stderr).toMatch(/version 1\.2\.0 is WAITING_FOR_REVIEW/)
  })
})

function events(stdout: string): PublishEvent[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => PublishEvent.parse(JSON.parse(line)))
}

describe('ascent publish: Ctrl-C', () => {
  it('SIGINT cancels at a safe point and exits 5; publishing again finishes with exit 0', async () => {
    const caseDir = await mkdtemp(join(dir, 'sigint-'))
    const build = await makeIpa({ buildNumber: '200' }, caseDir)
    const args = ['publish', build, '--beta-group', 'QA', '--json', '--upload-method', 'api']
    const caseEnv = { ...env, ASCENT_DATA_DIR: join(caseDir, 'data') }
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...caseEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let sent = false
      createInterface({ input: child.stdout }).on('line', (line) => {
        const e = PublishEvent.parse(JSON.parse(line))
        if (!sent && e.type === 'step-finished' && e.step === 'upload') {
          sent = true
          child.kill('SIGINT')
        }
        if (e.type === 'run-finished') expect(e.outcome).toBe('canceled')
      })
      child.on('error', reject)
      child.on('close', resolve)
    })
    expect(code).toBe(5)
    const again = await runCli(args, { env: caseEnv })
    expect(again.code).toBe(0)
    expect(sandbox.state().buildUploads.filter((u) => u.cfBundleVersion === '200')).toHaveLength(1)
    const runs = await runCli(['runs', '--json'], { env: caseEnv })
    expect(JSON.parse(runs.stdout)).toEqual([
      expect.objectContaining({ outcome: 'testflight', buildNumber: '200', sandbox: true }),
    ])
    // A run against the sandbox says so, and points at no appstoreconnect.apple.com page that does not exist.
    const listed = await runCli(['runs'], { env: caseEnv })
    expect(listed.stdout).toMatch(/testflight .* \(200\) IOS \(sandbox\)\n/)
    expect(listed.stdout).not.toContain('appstoreconnect.apple.com')
  })
})
