import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli, sandboxCredentials } from '../../support/cli'
import { startCountingProxy, type CountingProxy } from '../../support/counting-proxy'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { selfSignedCertificate } from '../../support/self-signed'

/**
 * Corporate CI reaches App Store Connect only through a proxy: every API call and every upload part of
 * `ascent publish` must pass through HTTP(S)_PROXY, NO_PROXY must exempt, and a TLS proxy signed by a
 * private CA must be trusted through NODE_EXTRA_CA_CERTS.
 */

let dir: string
let sandbox: TestSandbox
let proxy: CountingProxy | undefined
let closeFront: (() => Promise<void>) | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-proxy-'))
})
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await closeFront?.()
  closeFront = undefined
  await sandbox?.close()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The environment of a CI job: sandbox credentials, a fresh data dir, and no proxy settings of our own. */
function ciEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...sandboxCredentials(sandbox),
    ASCENT_DATA_DIR: join(dir, `data-${Math.random().toString(36).slice(2)}`),
  }
  for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) {
    delete env[name]
  }
  return { ...env, ...extra }
}

/** Requests the sandbox served, by `METHOD /path` shape, from its own count. */
function served(): { total: number; uploads: number } {
  const { requests } = sandbox.state()
  const uploads = Object.entries(requests.byRoute)
    .filter(([route]) => /^PUT .*upload/i.test(route))
    .reduce((sum, [, n]) => sum + n, 0)
  return { total: requests.total, uploads }
}

/** An https front for the sandbox: every request it takes is forwarded to the sandbox over http, as given. */
async function startTlsFront(
  keyFile: string,
  certFile: string,
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  const target = new URL(sandbox.url)
  const front = https.createServer(
    { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') },
    (req, res) => {
      requests.push(`${req.method} ${req.url}`)
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    },
  )
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  closeFront = () =>
    new Promise<void>((resolve) => {
      front.close(() => resolve())
      front.closeAllConnections()
    })
  return { url: `https://localhost:${(front.address() as AddressInfo).port}`, requests }
}

describe('HTTP(S)_PROXY', () => {
  it('carries every API call and every upload part of a publish, loopback included', async () => {
    sandbox = await startTestSandbox({ partSize: 256 * 1024, processingMs: 30 })
    proxy = await startCountingProxy()
    const file = await makeIpa({ padBytes: 1024 * 1024 }, dir)
    const before = served().total

    const r = await runCli(
      ['publish', file, '--app-store', '--whats-new', 'Bug fixes', '--beta-group', 'QA'],
      {
        env: ciEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }),
      },
    )

    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const after = served()
    const apiCalls = proxy.requests.filter((line) => line.includes('/v1/'))
    const parts = proxy.requests.filter((line) => /^PUT \/upload\//.test(line))
    expect(parts.length).toBeGreaterThanOrEqual(4)
    expect(parts.length).toBe(after.uploads)
    expect(apiCalls.length).toBeGreaterThan(10)
    // Everything the sandbox served during the run came through the proxy.
    expect(proxy.requests).toHaveLength(after.total - before)
    expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(sandbox.url).host]))
  })

  it('carries every API call and every upload part of `ascent upload` (its client speaks node:http)', async () => {
    sandbox = await startTestSandbox({ partSize: 256 * 1024, processingMs: 30 })
    proxy = await startCountingProxy()
    const file = await makeIpa({ padBytes: 1024 * 1024 }, dir)
    const before = served().total

    const r = await runCli(['upload', file, '--upload-method', 'api', '--json'], {
      env: ciEnv({ HTTP_PROXY: proxy.url }),
    })

    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('"outcome":"uploaded"')
    const after = served()
    const apiCalls = proxy.requests.filter((line) => line.includes('/v1/'))
    expect(proxy.requests.filter((line) => /^PUT \/upload\//.test(line)).length).toBe(after.uploads)
    // The app lookup, the upload and its file, the commit, at least one look at the upload.
    expect(apiCalls.length).toBeGreaterThanOrEqual(5)
    expect(proxy.requests).toHaveLength(after.total - before)
    expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(sandbox.url).host]))
  })

  it('NO_PROXY exempts the host: nothing passes through the proxy', async () => {
    sandbox = await startTestSandbox({ processingMs: 30 })
    proxy = await startCountingProxy()
    const file = await makeIpa({}, dir)
    const host = new URL(sandbox.url).hostname

    const r = await runCli(['publish', file, '--beta-group', 'QA'], {
      env: ciEnv({ HTTP_PROXY: proxy.url, NO_PROXY: `example.com, ${host}` }),
    })

    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(served().total).toBeGreaterThan(0)
    expect(proxy.requests).toEqual([])
    expect(proxy.tunnels).toEqual([])
  })

  it('a proxy that is down fails with App Store Connect unreachable (exit 4), not a hang', async () => {
    sandbox = await startTestSandbox()
    const down = await startCountingProxy()
    await down.close()

    const r = await runCli(['groups', 'com.example.ascent.demo', '--json'], {
      env: ciEnv({ HTTP_PROXY: down.url, ASCENT_DEBUG: '' }),
    })

    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(
      /^ascent: .*App Store Connect at [^ ]+ refused the connection \(nothing answers at that address, or the proxy is down\)/,
    )
    expect(served().total).toBe(0)
  })

  it('a malformed proxy variable is bad input naming the variable (exit 2)', async () => {
    sandbox = await startTestSandbox()
    const r = await runCli(['groups', 'com.example.ascent.demo'], {
      env: ciEnv({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }),
    })
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      'ascent: HTTPS_PROXY uses socks5, which Ascent cannot use; give an http:// or https:// proxy',
    )
    expect(served().total).toBe(0)
  })
})

describe('NODE_EXTRA_CA_CERTS', () => {
  it.each([
    ['a TLS proxy', 'proxy'],
    ['an https API without a proxy', 'api'],
  ] as const)(
    '%s: its private certificate is refused, then trusted once NODE_EXTRA_CA_CERTS names it',
    async (_, through) => {
      sandbox = await startTestSandbox()
      const { keyFile, certFile } = selfSignedCertificate(dir, through)
      // What carries the requests, and the variable that points the CLI at it.
      let seen: string[]
      let route: NodeJS.ProcessEnv
      if (through === 'proxy') {
        proxy = await startCountingProxy({
          tls: { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') },
        })
        seen = proxy.requests
        route = { HTTP_PROXY: proxy.url }
      } else {
        const front = await startTlsFront(keyFile, certFile)
        seen = front.requests
        route = { ASCENT_API_URL: front.url }
      }
      const args = ['groups', 'com.example.ascent.demo', '--json']

      const untrusted = await runCli(args, {
        env: ciEnv({ ...route, NODE_EXTRA_CA_CERTS: '', ASCENT_DEBUG: '' }),
      })
      expect(untrusted.code).toBe(4)
      expect(untrusted.stderr).toMatch(/SELF_SIGNED|self.signed|certificate/i)
      expect(seen).toEqual([])

      const trusted = await runCli(args, { env: ciEnv({ ...route, NODE_EXTRA_CA_CERTS: certFile }) })
      expect(trusted.stderr).toBe('')
      expect(trusted.code).toBe(0)
      expect(JSON.parse(trusted.stdout)).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'QA' })]),
      )
      expect(seen.length).toBeGreaterThan(0)
      expect(seen.length).toBe(served().total)
    },
  )
})
