import { createServer, type AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { COMPLETE_TEXT, writeFolder } from '../../fixtures/deliver-folder-factory'
import { ascKeyEnv } from '../keys/key-fixtures'
import { publishWatching, runCli, sandboxCredentials } from '../../support/cli'
import { startCuttableRelay, type CuttableRelay } from '../../support/cuttable-relay'
import { useHostileServers } from '../../support/hostile-server'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * Requests that get no answer at all (the connection is reset, refused, or its name does not resolve), through the
 * built CLI: the person reads what happened and what to do in words; the codes Node says (ECONNRESET,
 * UND_ERR_SOCKET, ECONNREFUSED, EAI_AGAIN, …) stay in the call log.
 */

const RAW_CODE = /UND_ERR|ECONN|EPIPE|ETIMEDOUT|EAI_|ENOTFOUND|EHOST|ENET|socket hang up|fetch failed/

const serve = useHostileServers()
let dir: string
let env: NodeJS.ProcessEnv
let file: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-dropped-'))
  file = await makeIpa({}, dir)
  env = {
    ...ascKeyEnv(),
    ASCENT_DATA_DIR: join(dir, 'data'),
    ASCENT_CONFIG_DIR: join(dir, 'config'),
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('every request dropped', () => {
  it('publish against a server that hangs up on every request: exit 4, in words, nothing sent', async () => {
    const server = await serve({ kind: 'hang-up' })
    const result = await runCli(['publish', file, '--testflight', '--api-url', server.url], { env })
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(
      /App Store Connect at 127\.0\.0\.1:\d+ closed the connection before answering \(GET \/v1\/apps, 5 attempts\)\. Check the network and any proxy \(HTTPS_PROXY\), then try again\./,
    )
    expect(result.stdout + result.stderr).toMatch(/nothing was sent to App Store Connect/)
    expect(result.stdout + result.stderr).not.toMatch(RAW_CODE)
    expect(server.requests.length).toBe(5)
  })

  it('metadata push (a save) to a port where nothing listens: refused, in words, exit 4', async () => {
    const port = await closedPort()
    const folder = await writeFolder(join(dir, 'deliver'), COMPLETE_TEXT)
    const result = await runCli(
      ['metadata', 'push', 'com.example.x', '--from', folder, '--api-url', `http://127.0.0.1:${port}`],
      { env },
    )
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(
      new RegExp(`App Store Connect at 127\\.0\\.0\\.1:${port} refused the connection .*Check the API URL`),
    )
    expect(result.stderr).not.toMatch(RAW_CODE)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('a host name that does not resolve: said as a name lookup that failed', async () => {
    const result = await runCli(['groups', 'com.example.x', '--api-url', 'http://asc.invalid'], { env })
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/App Store Connect at asc\.invalid could not be (found|looked up)/)
    expect(result.stderr).not.toMatch(RAW_CODE)
  })
})

describe('the connection drops in the middle of a publish', () => {
  let sandbox: TestSandbox
  let relay: CuttableRelay
  afterEach(async () => {
    await relay.close()
    await sandbox.close()
  })

  it('after the upload: the step that failed says so in words, and the run says publishing again resumes it', async () => {
    sandbox = await startTestSandbox({ processingMs: 40, betaReviewMs: 60_000, reviewMs: 60_000 })
    relay = await startCuttableRelay(sandbox.url)
    const run = await publishWatching(
      ['publish', file, '--beta-group', 'QA', '--json'],
      {
        ...env,
        ...sandboxCredentials(sandbox),
        ASCENT_API_URL: relay.url,
        ASCENT_DATA_DIR: join(dir, 'run'),
      },
      (event) => {
        if (event.type === 'step-finished' && event.step === 'upload') relay.cut()
      },
    )
    expect(run.code).toBe(4)
    const failed = run.events.find((e) => e.type === 'step-failed')
    expect(failed?.type === 'step-failed' && failed.error.message).toMatch(
      /App Store Connect at 127\.0\.0\.1:\d+ (closed the connection before answering|refused the connection)/,
    )
    const finished = run.events.find((e) => e.type === 'run-finished')
    expect(finished?.type === 'run-finished' && finished.message).toMatch(
      /Publish the same build again when the connection is back: the run resumes\.$/,
    )
    expect(JSON.stringify(run.events) + run.stderr).not.toMatch(RAW_CODE)
  })
})
