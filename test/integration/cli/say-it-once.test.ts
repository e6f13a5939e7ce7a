import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli, startCliSandbox, type CliSandbox } from '../../support/cli'
import { startTestSandbox } from '../../support/sandbox'

/** The CLI says each thing once, names what the user typed, and one idea has one name. */

let cli: CliSandbox
let dir: string
let file: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  cli = await startCliSandbox('ascent-say-once-', {
    processingMs: 2_000,
    betaReviewMs: 60_000,
    reviewMs: 60_000,
  })
  ;({ dir, env } = cli)
  file = await makeIpa({}, dir)
})
afterAll(() => cli.close())

describe('usage errors', () => {
  it('an unknown option prints the did-you-mean and one line pointing at --help, not the whole help', async () => {
    const r = await runCli(['publish', file, '--relase-type', 'MANUAL'], { env })
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/unknown option '--relase-type'/)
    expect(lines[1]).toMatch(/Did you mean --release-type\?/)
    expect(lines[2]).toMatch(/--help/)
    expect(r.stderr).not.toMatch(/Usage:/)
  })

  it('an option error names the option, not the build', async () => {
    const r = await runCli(['publish', file, '--app-store', '--earliest-release-date', 'soon'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ascent: --earliest-release-date: /)
    expect(r.stderr).not.toContain(file)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it.each([
    [['--release-type', 'AFTER_APPROVAL'], '--release-type'],
    [['--copyright', '2026 Example'], '--copyright'],
    [['--earliest-release-date', '2031-12-01T14:00:00Z'], '--earliest-release-date'],
    [['--phased-release'], '--phased-release'],
    [['--no-phased-release'], '--no-phased-release'],
  ])('%j without --app-store is refused with the fix (exit 2)', async (args, flag) => {
    const r = await runCli(['publish', file, '--testflight', ...args], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `ascent: ${flag} sets the App Store version and needs --app-store: add --app-store to submit for App Store review, or leave it out\n`,
    )
  })
})

describe('one name per idea', () => {
  it('upload takes --upload-method like publish; the old --method still works, hidden', async () => {
    const help = await runCli(['upload', '--help'])
    expect(help.stdout).toContain('--upload-method')
    expect(help.stdout).not.toMatch(/--method\b/)
    const bad = await runCli(['upload', file, '--upload-method', 'ftp'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('ascent: --upload-method must be auto, api or altool, not "ftp"\n')
    const old = await runCli(['upload', file, '--method', 'ftp'], { env })
    expect(old.stderr).toBe('ascent: --method must be auto, api or altool, not "ftp"\n')
    const both = await runCli(['publish', file, '--upload-method', 'api', '--method', 'altool'], { env })
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/--upload-method and --method say different things/)
  })

  it('publish spells expiring like the YAML key; --expire-previous stays as a hidden alias', async () => {
    const help = await runCli(['publish', '--help'])
    expect(help.stdout).toContain('--expire-build-submitted-for-review')
    expect(help.stdout).not.toContain('--expire-previous')
    for (const flag of ['--expire-build-submitted-for-review', '--expire-previous']) {
      const r = await runCli(['publish', file, flag], { env })
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^ascent: --expire-build-submitted-for-review: only applies with/)
    }
  })
})

describe('release_type case', () => {
  it('release_type: scheduled in YAML is SCHEDULED, as --release-type scheduled is', async () => {
    const config = join(dir, 'scheduled.yaml')
    await writeFile(
      config,
      [
        'workflows:',
        '  ios:',
        '    publishing:',
        '      app_store_connect:',
        '        submit_to_app_store: true',
        '        release_type: scheduled',
        '        earliest_release_date: "2031-12-01T14:00:00Z"',
        '',
      ].join('\n'),
    )
    const check = await runCli(['config', 'check', config, '--json'])
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true, errors: [] })
    expect(check.code).toBe(0)
  })

  it('a misspelt release_type gives one message, not a second one about the date', async () => {
    const config = join(dir, 'misspelt.yaml')
    await writeFile(
      config,
      [
        'workflows:',
        '  ios:',
        '    publishing:',
        '      app_store_connect:',
        '        submit_to_app_store: true',
        '        release_type: schedulled',
        '        earliest_release_date: "2031-12-01T14:00:00Z"',
        '',
      ].join('\n'),
    )
    const check = await runCli(['config', 'check', config, '--json'])
    const result = JSON.parse(check.stdout) as { errors: { path: string; message: string }[] }
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]!.message).toMatch(/did you mean SCHEDULED\?/)
  })
})

describe('inspect --strict', () => {
  it('exits 3 for a build with an error-level problem, 0 without --strict, 0 for a clean build', async () => {
    const bad = await makeIpa({ fileName: 'Dev.ipa', profileType: 'development' }, dir)
    const plain = await runCli(['inspect', bad, '--json'])
    expect(plain.code).toBe(0)
    const problems = (JSON.parse(plain.stdout) as { problems: { severity: string }[] }).problems
    expect(problems.some((p) => p.severity === 'error')).toBe(true)
    expect((await runCli(['inspect', bad, '--json', '--strict'])).code).toBe(3)
    expect((await runCli(['inspect', bad, '--strict'])).code).toBe(3)
    expect((await runCli(['inspect', file, '--strict'])).code).toBe(0)
  })
})

describe('a rerun says it resumes', () => {
  it('the first line of the rerun of an unfinished publish names the run and what is left', async () => {
    const build = await makeIpa({ fileName: 'Resume.ipa', buildNumber: '731' }, dir)
    const args = [
      'publish',
      build,
      '--testflight',
      '--what-to-test',
      'Resume',
      '--beta-group',
      'QA',
      '--upload-method',
      'api',
    ]
    const first = await runCli([...args, '--processing-timeout', '0'], { env })
    expect(first.code).toBe(5)
    const runId = /resume run (\S+)/.exec(first.stderr)?.[1]
    expect(runId).toBeDefined()
    const again = await runCli([...args, '--processing-timeout', '60'], { env })
    expect(again.stdout.split('\n')[0]).toMatch(
      new RegExp(`^Resuming run ${runId} \\(upload done, \\d steps? left\\)$`),
    )
    expect(again.code).toBe(0)
  })
})

describe('upload progress in NDJSON', () => {
  it('bytesDone never goes back, even when parts fail and are sent again, and ends at the total', async () => {
    const parts = await startTestSandbox({ partSize: 256 * 1024, processingMs: 40 })
    try {
      parts.failPart({ partNumber: 3, times: 2, status: 503 })
      parts.failPart({ partNumber: 5, times: 1, status: 500 })
      const build = await makeIpa({ fileName: 'Parts.ipa', buildNumber: '732', padBytes: 2_500_000 }, dir)
      const r = await runCli(['publish', build, '--json', '--upload-method', 'api'], {
        env: {
          ...env,
          ASCENT_API_URL: parts.url,
          APP_STORE_CONNECT_KEY_IDENTIFIER: parts.keyId,
          APP_STORE_CONNECT_ISSUER_ID: parts.issuerId,
          APP_STORE_CONNECT_PRIVATE_KEY: `@file:${parts.privateKeyPath}`,
          ASCENT_DATA_DIR: join(dir, 'data-parts'),
        },
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const progress = r.stdout
        .trim()
        .split('\n')
        .map((line) => PublishEvent.parse(JSON.parse(line)))
        .flatMap((e) => (e.type === 'step-progress' && e.bytesDone !== undefined ? [e] : []))
      const done = progress.map((e) => e.bytesDone)
      expect(done).toEqual([...done].sort((a, b) => (a ?? 0) - (b ?? 0)))
      expect(done.at(-1)).toBe(progress.at(-1)?.bytesTotal)
      expect(parts.state().partFailures.every((f) => f.remaining === 0)).toBe(true)
    } finally {
      await parts.close()
    }
  })
})
