import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * `ascent publish --upload-method altool|auto` end to end with the stand-in `xcrun` first on PATH. The stand-in,
 * given the sandbox's URL, uploads through the sandbox's Build Upload API with the key file Ascent wrote for
 * altool, so the sandbox verifying that key's signature proves the right PEM reached altool.
 */

const STANDIN_BIN = resolve(__dirname, '../../fixtures/bin')

let sandbox: TestSandbox
let dir: string
let env: NodeJS.ProcessEnv

interface StandinRun {
  readonly argv: readonly string[]
  readonly keyFileFound: boolean
  readonly keysDir: string
}

async function standinRuns(file: string): Promise<StandinRun[]> {
  if (!existsSync(file)) return []
  const text = await readFile(file, 'utf8')
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StandinRun)
}

function events(stdout: string): PublishEvent[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => PublishEvent.parse(JSON.parse(line)))
}

beforeAll(async () => {
  sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
  dir = await mkdtemp(join(tmpdir(), 'ascent-publish-altool-'))
  env = {
    ...sandboxCredentials(sandbox),
    PATH: `${STANDIN_BIN}${delimiter}${process.env.PATH ?? ''}`,
    XCRUN_STANDIN_ASC_URL: sandbox.url,
  }
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

describe('ascent publish with altool', () => {
  it('--upload-method altool uploads with xcrun altool and the run goes on to TestFlight', async () => {
    const caseDir = await mkdtemp(join(dir, 'altool-'))
    const build = await makeIpa({ buildNumber: '300' }, caseDir)
    const argvFile = join(caseDir, 'argv.ndjson')
    const r = await runCli(['publish', build, '--beta-group', 'QA', '--json', '--upload-method', 'altool'], {
      env: { ...env, ASCENT_DATA_DIR: join(caseDir, 'data'), XCRUN_STANDIN_ARGV_FILE: argvFile },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)

    const runs = await standinRuns(argvFile)
    expect(runs).toHaveLength(1)
    const run = runs[0]!
    expect(run.argv).toEqual(expect.arrayContaining(['--upload-package', build, '--api-key', sandbox.keyId]))
    expect(run.argv).toEqual(expect.arrayContaining(['--api-issuer', sandbox.issuerId]))
    expect(run.keyFileFound).toBe(true)
    // The private key directory handed to altool is gone once the upload ended.
    expect(existsSync(run.keysDir)).toBe(false)

    const all = events(r.stdout)
    expect(all).toContainEqual(
      expect.objectContaining({
        type: 'step-finished',
        step: 'upload',
        summary: expect.stringMatching(/altool/),
      }),
    )
    expect(all.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'testflight' })
    // No key material in what the CLI printed.
    const pem = await readFile(sandbox.privateKeyPath, 'utf8')
    const body = pem.split('\n').find((l) => l.length > 40) ?? pem
    expect(r.stdout).not.toContain(body)

    const state = sandbox.state()
    const builds = state.builds.filter((b) => b.buildNumber === '300')
    expect(builds).toHaveLength(1)
    expect(builds[0]!.processingState).toBe('VALID')
    expect(builds[0]!.groups).toEqual(['QA'])
  })

  it('--upload-method auto against another App Store Connect than Apple uses the Build Upload API (altool only reaches Apple)', async () => {
    const caseDir = await mkdtemp(join(dir, 'auto-'))
    const build = await makeIpa({ buildNumber: '301' }, caseDir)
    const argvFile = join(caseDir, 'argv.ndjson')
    const r = await runCli(['publish', build, '--beta-group', 'QA', '--json', '--upload-method', 'auto'], {
      env: { ...env, ASCENT_DATA_DIR: join(caseDir, 'data'), XCRUN_STANDIN_ARGV_FILE: argvFile },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(await standinRuns(argvFile)).toEqual([])
    expect(events(r.stdout)).toContainEqual(
      expect.objectContaining({
        type: 'step-finished',
        step: 'upload',
        summary: expect.stringMatching(/Build Upload API/),
      }),
    )
    expect(sandbox.state().buildUploads.filter((u) => u.cfBundleVersion === '301')).toHaveLength(1)
  })

  it('a key the sandbox does not trust fails the altool upload as a key error, exit 2', async () => {
    const caseDir = await mkdtemp(join(dir, 'untrusted-'))
    const build = await makeIpa({ buildNumber: '302' }, caseDir)
    const other = await startTestSandbox({})
    try {
      // The run talks to `sandbox`, but altool (like Apple's) is pointed at another service that does not know the key.
      const r = await runCli(
        ['publish', build, '--beta-group', 'QA', '--json', '--upload-method', 'altool'],
        {
          env: { ...env, ASCENT_DATA_DIR: join(caseDir, 'data'), XCRUN_STANDIN_ASC_URL: other.url },
        },
      )
      expect(r.code).toBe(2)
      const failed = events(r.stdout).find((e) => e.type === 'step-failed')
      expect(failed).toMatchObject({ step: 'upload', error: { code: 'BAD_KEY' } })
      expect(sandbox.state().builds.filter((b) => b.buildNumber === '302')).toEqual([])
    } finally {
      await other.close()
    }
  })
})
