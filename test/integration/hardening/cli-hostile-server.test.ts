import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ascKeyEnv } from '../keys/key-fixtures'
import { runCli } from '../../support/cli'
import { useHostileServers, type HostileAnswer } from '../../support/hostile-server'

/**
 * `ascent groups` against a server that is not App Store Connect's good self, through the built CLI:
 * exit 4, one short line that says what happened, one request (a retry cannot help), and a process that
 * stays small: the heap is capped well under 400 MiB, so a CLI that held a whole answer would crash instead.
 */

const serve = useHostileServers()
let dir: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-hostile-'))
  env = {
    ...ascKeyEnv(),
    ASCENT_DATA_DIR: join(dir, 'data'),
    ASCENT_CONFIG_DIR: join(dir, 'config'),
    NODE_OPTIONS: '--max-old-space-size=256',
  }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const MIB = 1024 * 1024

const cases: readonly [string, HostileAnswer, RegExp][] = [
  [
    'a 200 MB JSON answer',
    { kind: 'huge-json', bytes: 200 * MIB, declared: false },
    /^ascent: com\.example\.x: App Store Connect sent an answer larger than 16 MiB to GET \/v1\/apps \(HTTP 200\); Ascent stopped reading it\./,
  ],
  [
    'a gzip answer that inflates to 512 MiB',
    { kind: 'bomb', encoding: 'gzip', bytes: 512 * MIB },
    /App Store Connect sent an answer larger than 16 MiB to GET \/v1\/apps/,
  ],
  [
    'a brotli answer that inflates to 512 MiB',
    { kind: 'bomb', encoding: 'br', bytes: 512 * MIB },
    /App Store Connect sent an answer larger than 16 MiB/,
  ],
  [
    'a 302',
    { kind: 'redirect', status: 302, location: 'https://elsewhere.example/v1/apps' },
    /redirected GET \/v1\/apps to "https:\/\/elsewhere\.example\/v1\/apps" \(HTTP 302\); Ascent does not follow redirects/,
  ],
  [
    'an empty 200',
    { kind: 'empty', status: 200 },
    /App Store Connect answered GET \/v1\/apps, but the answer was empty \(HTTP 200\) where a JSON document was expected\./,
  ],
  [
    'a 204',
    { kind: 'empty', status: 204 },
    /the answer was empty \(HTTP 204\) where a JSON document was expected/,
  ],
  [
    'a document without data',
    { kind: 'json', status: 200, body: { meta: {} } },
    /unexpected shape \(\/data: is missing \(expected a list\)\)/,
  ],
]

describe('ascent groups against a hostile server', () => {
  it.each(cases)('%s: exit 4, one clear line, one request', async (_name, answer, message) => {
    const server = await serve(answer)
    const result = await runCli(['groups', 'com.example.x', '--api-url', server.url], { env })
    expect(result.stderr).toMatch(message)
    expect(result.code).toBe(4)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr.length).toBeLessThan(500)
    expect(result.stderr).not.toMatch(/undefined|fetch failed|Could not reach|at .*\.cjs/)
    expect(server.requests).toEqual(['/v1/apps'])
  })
})

describe('--api-url and ASCENT_API_URL that are not http(s) URLs', () => {
  it.each([
    ['not a url', ['--api-url', 'not a url'], {}],
    ['ftp', ['--api-url', 'ftp://files.example/'], {}],
    ['empty', ['--api-url', ''], {}],
    ['a bad ASCENT_API_URL', [], { ASCENT_API_URL: 'file:///etc/passwd' }],
  ])('%s: exit 2 with what a valid URL looks like, nothing sent', async (_name, args, extra) => {
    const result = await runCli(['groups', 'com.example.x', ...args], { env: { ...env, ...extra } })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /is not an http:\/\/ or https:\/\/ URL; give one like https:\/\/api\.appstoreconnect\.apple\.com/,
    )
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses the same for publish and upload before reading the build', async () => {
    for (const command of [
      ['publish', join(dir, 'App.ipa'), '--testflight', '--api-url', 'ftp://x.example'],
      ['upload', join(dir, 'App.ipa'), '--api-url', 'ftp://x.example'],
    ]) {
      const result = await runCli(command, { env })
      expect(result.stderr).toMatch(/--api-url "ftp:\/\/x\.example" is not an http:\/\/ or https:\/\/ URL/)
      expect(result.code).toBe(2)
    }
  })
})
