import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli, startCliSandbox, type CliSandbox } from '../../support/cli'

/**
 * A fixed interface: `ascent publish` exits 0 only when every requested step is done. With
 * `--processing-timeout 0` the steps that need a processed build wait for a later run: that is exit 5
 * (test/integration/publish/options.test.ts shows the later run finishing it).
 */

let cli: CliSandbox
let dir: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  // The upload turns into a build after a quarter of this and is VALID only after all of it, well after
  // a run that does not wait for processing has ended.
  cli = await startCliSandbox('ascent-publish-postponed-', { processingMs: 8_000 })
  ;({ dir, env } = cli)
})
afterAll(() => cli.close())

describe('ascent publish --processing-timeout 0', () => {
  it('exits 5 and says which steps wait when TestFlight was asked for', async () => {
    const file = await makeIpa({ buildNumber: '501' }, dir)
    const r = await runCli(
      [
        'publish',
        file,
        '--testflight',
        '--what-to-test',
        'Try it',
        '--beta-group',
        'QA',
        '--processing-timeout',
        '0',
      ],
      { env },
    )
    expect(r.code).toBe(5)
    const last = r.stderr.trim().split('\n').at(-1) ?? ''
    expect(last).toMatch(
      /^ascent: .*AscentDemo.*\.ipa: not finished: .* publish the same build again to resume run \S+/,
    )
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('reports the steps that wait as postponed in --json events, not as skipped', async () => {
    const file = await makeIpa({ buildNumber: '503' }, dir)
    const r = await runCli(
      ['publish', file, '--testflight', '--what-to-test', 'Try it', '--processing-timeout', '0', '--json'],
      { env },
    )
    expect(r.code).toBe(5)
    const finishedSteps = r.stdout
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { type: string; step?: string; skipped?: boolean; postponed?: boolean },
      )
      .filter((e) => e.type === 'step-finished')
    const testflight = finishedSteps.find((e) => e.step === 'testflight')
    expect(testflight).toMatchObject({ postponed: true })
    expect(testflight?.skipped).toBeUndefined()
    expect(finishedSteps.find((e) => e.step === 'upload')?.postponed).toBeUndefined()
  })

  it('exits 0 for an upload-only run, which has nothing left to do', async () => {
    const file = await makeIpa({ buildNumber: '502' }, dir)
    const r = await runCli(['publish', file, '--processing-timeout', '0'], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })
})
