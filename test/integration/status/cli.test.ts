import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'
import { AppStatus } from '../../../shared/release-status'
import { defaultSeed, type SandboxOptions } from '../../../electron/sandbox'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, okList, submitUpdate } from '../sandbox/helpers'

/** `ascent status` and `ascent release` against the sandbox, as CI runs them after a publish. */

const DEMO = 'com.example.ascent.demo'
const DAY = 86_400_000
let dir: string
let sandbox: TestSandbox | null = null

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-release-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await sandbox?.close()
  sandbox = null
})

async function start(options: SandboxOptions = {}): Promise<{ sb: TestSandbox; env: NodeJS.ProcessEnv }> {
  const demo = defaultSeed.apps[0]
  if (!demo) throw new Error('the default seed has no app')
  const seed = {
    apps: [
      {
        ...demo,
        builds: [
          ...(demo.builds ?? []),
          { versionString: '1.1.0', buildNumber: '7', platform: 'IOS' as const, state: 'VALID' as const },
        ],
      },
    ],
  }
  const sb = await startTestSandbox({ processingMs: 40, reviewMs: 0, betaReviewMs: 0, seed, ...options })
  sandbox = sb
  return {
    sb,
    env: {
      ASCENT_API_URL: sb.url,
      APP_STORE_CONNECT_KEY_IDENTIFIER: sb.keyId,
      APP_STORE_CONNECT_ISSUER_ID: sb.issuerId,
      APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sb.privateKeyPath}`,
      ASCENT_DATA_DIR: join(dir, 'data'),
    },
  }
}

async function decide(sb: TestSandbox, decision: 'approve' | 'reject'): Promise<void> {
  const res = await fetch(`${sb.url}/__sandbox/review`, {
    method: 'POST',
    body: JSON.stringify({ bundleId: DEMO, kind: 'app-store', decision }),
  })
  expect(res.status).toBe(200)
}

async function status(env: NodeJS.ProcessEnv): Promise<AppStatus> {
  const out = await runCli(['status', DEMO, '--json'], { env })
  expect(out.code, out.stderr).toBe(0)
  return AppStatus.parse(JSON.parse(out.stdout))
}

/** Submits the seeded 1.1.0 build 7 as an update straight through the API: what a publish leaves behind. */
async function submitted(
  sb: TestSandbox,
  attributes: Record<string, unknown>,
  phased = false,
): Promise<void> {
  const appId = await demoAppId(sb)
  const builds = await okList(sb, `/v1/builds?filter[app]=${appId}&filter[version]=7`)
  await submitUpdate(sb, appId, builds.data[0]?.id ?? '', attributes, phased)
}

describe('ascent status / release', () => {
  it('publish MANUAL -> approved -> PENDING_DEVELOPER_RELEASE -> release --now -> READY_FOR_SALE', async () => {
    const { sb, env } = await start()
    const file = await makeIpa({ version: '1.1.0', buildNumber: '5' }, dir)
    const publish = await runCli(
      [
        'publish',
        file,
        '--app-store',
        '--whats-new',
        'Bug fixes',
        '--release-type',
        'MANUAL',
        '--processing-timeout',
        '60',
      ],
      { env },
    )
    expect(publish.code, publish.stderr).toBe(0)
    const waiting = await status(env)
    expect(waiting).toMatchObject({ bundleId: DEMO, appName: 'Ascent Demo' })
    expect(waiting.versions[0]).toEqual({
      platform: 'IOS',
      versionString: '1.1.0',
      appStoreState: 'WAITING_FOR_REVIEW',
      releaseType: 'MANUAL',
      earliestReleaseDate: null,
      reviewSubmissionState: 'WAITING_FOR_REVIEW',
      build: '5',
      phasedRelease: null,
    })
    expect(waiting.versions[1]).toMatchObject({ versionString: '1.0.0', appStoreState: 'READY_FOR_SALE' })
    expect(waiting.builds[0]).toMatchObject({ version: '1.1.0', buildNumber: '5', processingState: 'VALID' })

    const early = await runCli(['release', DEMO, '--now'], { env })
    expect(early.code).toBe(3)
    expect(early.stderr).toMatch(
      /Release now is not possible: 1\.1\.0 is WAITING_FOR_REVIEW.*--cancel-review/,
    )

    await decide(sb, 'approve')
    expect((await status(env)).versions[0]).toMatchObject({
      appStoreState: 'PENDING_DEVELOPER_RELEASE',
      reviewSubmissionState: 'COMPLETE',
    })
    const text = await runCli(['status', DEMO], { env })
    expect(text.stdout).toContain(
      '1.1.0 (5) · Approved, waiting for you to release it [PENDING_DEVELOPER_RELEASE]',
    )

    const released = await runCli(['release', DEMO, '--now'], { env })
    expect(released.code, released.stderr).toBe(0)
    expect(released.stdout).toContain('Release now: done for 1.1.0.')
    const after = await status(env)
    expect(after.versions.map((v) => [v.versionString, v.appStoreState])).toEqual([
      ['1.1.0', 'READY_FOR_SALE'],
    ])
  })

  it('a rejection shows REJECTED / UNRESOLVED_ISSUES and release --now exits 3 naming the state', async () => {
    const { sb, env } = await start()
    await submitted(sb, { releaseType: 'MANUAL' })
    await decide(sb, 'reject')
    expect((await status(env)).versions[0]).toMatchObject({
      appStoreState: 'REJECTED',
      reviewSubmissionState: 'UNRESOLVED_ISSUES',
    })
    const refused = await runCli(['release', DEMO, '--now'], { env })
    expect(refused.code).toBe(3)
    expect(refused.stderr.trim()).toBe(
      `ascent: ${DEMO}: Release now is not possible: 1.1.0 is REJECTED, review submission UNRESOLVED_ISSUES. Possible now: --cancel-review.`,
    )
    const canceled = await runCli(['release', DEMO, '--cancel-review', '--app-version', '1.1.0'], { env })
    expect(canceled.code, canceled.stderr).toBe(0)
    expect(['CANCELING', 'COMPLETE']).toContain((await status(env)).versions[0]?.reviewSubmissionState)
  })

  it('phased release: ACTIVE when released, --pause, --resume, --complete', async () => {
    const { sb, env } = await start()
    await submitted(sb, { releaseType: 'AFTER_APPROVAL' }, true)
    const refused = await runCli(['release', DEMO, '--pause'], { env })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('phased release INACTIVE')
    await decide(sb, 'approve')
    expect((await status(env)).versions[0]?.phasedRelease).toEqual({ state: 'ACTIVE', currentDayNumber: 1 })
    sb.advanceClock(2 * DAY)
    expect((await status(env)).versions[0]?.phasedRelease).toEqual({ state: 'ACTIVE', currentDayNumber: 3 })
    for (const [flag, state] of [
      ['--pause', 'PAUSED'],
      ['--resume', 'ACTIVE'],
      ['--complete', 'COMPLETE'],
    ] as const) {
      const out = await runCli(['release', DEMO, flag], { env })
      expect(out.code, out.stderr).toBe(0)
      expect((await status(env)).versions[0]?.phasedRelease?.state).toBe(state)
    }
    const again = await runCli(['release', DEMO, '--resume'], { env })
    expect(again.code).toBe(3)
    expect(again.stderr).toContain('phased release COMPLETE. Nothing can be done to it now.')
  })

  it('status --watch --until PENDING_DEVELOPER_RELEASE returns soon after the approval (--review-ms 3000)', async () => {
    const { sb, env } = await start({ reviewMs: 3000 })
    await submitted(sb, { releaseType: 'MANUAL' })
    const child = spawn(
      process.execPath,
      [CLI, 'status', DEMO, '--watch', '--json', '--until', 'PENDING_DEVELOPER_RELEASE', '--timeout', '60'],
      { env: { ...process.env, ...env } },
    )
    const lines: AppStatus[] = []
    createInterface({ input: child.stdout }).on('line', (line) =>
      lines.push(AppStatus.parse(JSON.parse(line))),
    )
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    const states = lines.map((l) => l.versions[0]?.appStoreState)
    expect(states.at(-1)).toBe('PENDING_DEVELOPER_RELEASE')
    // Watching printed each change once, not every read.
    expect(new Set(states).size).toBe(states.length)
  })

  it('bad input exits 2; --until with a timeout that passes exits 5', async () => {
    const { env } = await start()
    const cases: [string[], RegExp][] = [
      [['status', DEMO, '--until', 'APPROVED_SOON'], /--until APPROVED_SOON is not a known state/],
      [['status', DEMO, '--timeout', 'soon'], /--timeout must be a whole number from 0 to 2592000/],
      [['release', DEMO], /say what to do: one of --now \| --pause/],
      [['release', DEMO, '--now', '--pause'], /choose one action, not 2/],
      [
        ['release', DEMO, '--now', '--app-version', '9.9'],
        /has no App Store version 9\.9 \(it has 1\.0\.0\)/,
      ],
      [['status', 'com.example.none'], /no app with bundle id com\.example\.none/],
    ]
    for (const [args, message] of cases) {
      const out = await runCli(args, { env })
      expect(out.code, args.join(' ')).toBe(2)
      expect(out.stderr).toMatch(message)
    }
    // Any case, as --release-type; a near miss is named; the whole list of states fits the message.
    const lower = await runCli(['status', DEMO, '--until', 'ready_for_sale', '--timeout', '0'], { env })
    expect(lower.stderr).toBe('')
    expect(lower.code).toBe(0)
    const near = await runCli(['status', DEMO, '--until', 'READY_FOR_SALES'], { env })
    expect(near.code).toBe(2)
    expect(near.stderr).toContain('did you mean READY_FOR_SALE?')
    const far = await runCli(['status', DEMO, '--until', 'SHIPPED'], { env })
    expect(far.code).toBe(2)
    expect(far.stderr).toMatch(/PENDING_DEVELOPER_RELEASE, .*READY_FOR_SALE, .*APPROVED\n$/)
    expect(far.stderr).not.toContain('…')
    const timeout = await runCli(['status', DEMO, '--until', 'IN_REVIEW', '--timeout', '0'], { env })
    expect(timeout.code).toBe(5)
    expect(timeout.stderr).toContain('no version or build reached IN_REVIEW within 0 s')
  })
})

describe('ascent status lists versions newest first', () => {
  it('by version number compared part by part (1.10 above 1.9), one platform order for a shared version, in text and --json', async () => {
    const demo = defaultSeed.apps[0]
    if (!demo) throw new Error('the default seed has no app')
    // Seeded in the same second and in no order: neither the creation time nor Apple's listing order sorts them.
    const { env } = await start({
      seed: {
        apps: [
          {
            ...demo,
            platforms: ['IOS', 'MAC_OS'],
            versions: [
              { platform: 'IOS', versionString: '1.9', state: 'READY_FOR_DISTRIBUTION' },
              { platform: 'MAC_OS', versionString: '1.2.0', state: 'READY_FOR_DISTRIBUTION' },
              { platform: 'IOS', versionString: '1.10', state: 'PREPARE_FOR_SUBMISSION' },
              { platform: 'MAC_OS', versionString: '1.10', state: 'PREPARE_FOR_SUBMISSION' },
            ],
            builds: [],
          },
        ],
      },
    })
    const expected = [
      ['IOS', '1.10'],
      ['MAC_OS', '1.10'],
      ['IOS', '1.9'],
      ['MAC_OS', '1.2.0'],
    ]
    expect((await status(env)).versions.map((v) => [v.platform, v.versionString])).toEqual(expected)
    const text = await runCli(['status', DEMO], { env })
    expect(text.code, text.stderr).toBe(0)
    const rows = text.stdout.split('\n').filter((line) => /^ {2}(IOS|MAC_OS) /.test(line))
    expect(rows.map((line) => line.trim().split(' ').slice(0, 2))).toEqual(expected)
  })
})
