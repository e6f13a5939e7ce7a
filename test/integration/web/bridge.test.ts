import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { startWebBridge } from '../../../electron/web/bridge-server'
import type { PublishEvent } from '../../../shared/publish-events'
import { ecPrivateKeyPem, KEY_MATERIAL, startBridgeFixture, type BridgeFixture } from './support'
import { http, nextMessage, openSocket } from './http'

let fx: BridgeFixture
beforeEach(async () => {
  fx = await startBridgeFixture()
})
afterEach(async () => {
  await fx.close()
})

const json = { 'content-type': 'application/json' }
function auth(): Record<string, string> {
  return { 'x-ascent-token': fx.bridge.token }
}
async function call(name: string, args: unknown[], headers: Record<string, string> = auth()) {
  const answer = await http(`${fx.bridge.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(args),
  })
  return {
    status: answer.status,
    body: answer.body,
    reply:
      answer.status === 200
        ? (JSON.parse(answer.body) as {
            ok: boolean
            value?: unknown
            error?: { code: string; message: string }
          })
        : null,
  }
}

describe('web bridge: refusals', () => {
  it('refuses a request without a token', async () => {
    expect((await http(`${fx.bridge.origin}/`)).status).toBe(401)
    expect((await call('listKeys', [], {})).status).toBe(401)
  })

  it('refuses a wrong token in the query, the header and the cookie', async () => {
    expect((await http(`${fx.bridge.origin}/?token=nope`)).status).toBe(403)
    expect((await call('listKeys', [], { 'x-ascent-token': `${fx.bridge.token}x` })).status).toBe(403)
    const cookie = `ascent_token_${fx.bridge.port}=wrong`
    expect((await http(`${fx.bridge.origin}/assets/app.js`, { headers: { cookie } })).status).toBe(403)
  })

  it('refuses a foreign Origin even with the right token', async () => {
    const answer = await call('listKeys', [], { ...auth(), origin: 'http://evil.example' })
    expect(answer.status).toBe(403)
    const sameHostOtherPort = await call('listKeys', [], {
      ...auth(),
      origin: `http://127.0.0.1:${fx.bridge.port + 1}`,
    })
    expect(sameHostOtherPort.status).toBe(403)
    expect((await call('listKeys', [], { ...auth(), origin: fx.bridge.origin })).status).toBe(200)
  })

  it('refuses a Host header that is not its own (DNS rebinding)', async () => {
    const answer = await http(`${fx.bridge.origin}/api/call/listKeys`, {
      method: 'POST',
      headers: { ...json, ...auth(), host: `attacker.example:${fx.bridge.port}` },
      body: '[]',
    })
    expect(answer.status).toBe(403)
  })

  it('refuses to listen anywhere but loopback', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.com']) {
      await expect(
        startWebBridge({ services: fx.services, rendererDir: fx.dir, host }),
      ).rejects.toMatchObject({
        code: 'BAD_INPUT',
      })
    }
    await expect(
      startWebBridge({ services: fx.services, rendererDir: fx.dir, host: '0.0.0.0' }),
    ).rejects.toBeInstanceOf(AscentError)
  })

  it('refuses the event socket without the token or from another origin', async () => {
    const url = `ws://127.0.0.1:${fx.bridge.port}/api/events`
    await expect(openSocket(url, {})).rejects.toThrow('HTTP 401')
    await expect(openSocket(url, { 'x-ascent-token': 'wrong' })).rejects.toThrow('HTTP 403')
    await expect(openSocket(url, { ...auth(), origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/../support.ts', '/%2e%2e/data', '/assets/%2e%2e%2f%2e%2e%2fconfig']) {
      const answer = await http(`${fx.bridge.origin}${path}`, { headers: auth() })
      expect(answer.status, path).toBe(404)
    }
  })
})

describe('web bridge: serving the renderer', () => {
  it('turns the URL token into a cookie, injects the shim before the app script, and sends the CSP', async () => {
    const first = await http(fx.bridge.url)
    expect(first.status).toBe(200)
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(first.body.indexOf('<script src="/bridge.js">')).toBeGreaterThan(-1)
    expect(first.body.indexOf('<script src="/bridge.js">')).toBeLessThan(first.body.indexOf('/assets/app.js'))
    const csp = String(first.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    const setCookie = String(first.headers['set-cookie'])
    expect(setCookie).toContain(`ascent_token_${fx.bridge.port}=`)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')

    const cookie = setCookie.split(';')[0] ?? ''
    const script = await http(`${fx.bridge.origin}/assets/app.js`, { headers: { cookie } })
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const css = await http(`${fx.bridge.origin}/assets/app.css`, { headers: { cookie } })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    const shim = await http(`${fx.bridge.origin}/bridge.js`, { headers: { cookie } })
    expect(shim.status).toBe(200)
    // The bundled electron/web/bridge-client.ts: it calls /api/call/… and rejects with AscentCallError.
    expect(shim.body).toContain('/api/call/')
    expect(shim.body).toContain('AscentCallError')
  })
})

describe('web bridge: calls', () => {
  it('answers getConnection over HTTP in sandbox mode when no key exists, without key material', async () => {
    const { reply, body } = await call('getConnection', [])
    expect(reply).toMatchObject({
      ok: true,
      value: {
        mode: 'sandbox',
        keyName: 'Sandbox key',
        apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/),
      },
    })
    expect(body).not.toMatch(KEY_MATERIAL)
    expect(fx.sandboxStarts()).toBe(1)
    await call('getConnection', [])
    expect(fx.sandboxStarts()).toBe(1)
  })

  it('validates arguments with the contract and names unknown calls', async () => {
    expect((await call('findApp', [42])).reply).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect((await call('noSuchCall', [])).reply).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect((await call('__proto__', [])).reply).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    const notJson = await http(`${fx.bridge.origin}/api/call/listKeys`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: '[]',
    })
    expect(notJson.status).toBe(415)
  })

  it('adds a pasted key, switches to key mode, and never returns the key', async () => {
    const pem = ecPrivateKeyPem()
    const added = await call('addKey', [
      {
        source: 'pem',
        pem,
        name: 'CI key',
        keyId: 'ABCDEF1234',
        issuerId: '69a6de70-03db-47e3-e053-5b8c7c11a4d1',
      },
    ])
    expect(added.reply).toMatchObject({ ok: true, value: { keyId: 'ABCDEF1234', name: 'CI key' } })
    const replies = [added.body]
    for (const [name, args] of [
      ['listKeys', []],
      ['getConnection', []],
      ['keychainStatus', []],
    ] as const) {
      const answer = await call(name, [...args])
      expect(answer.reply?.ok, name).toBe(true)
      replies.push(answer.body)
    }
    expect(JSON.parse(replies[2] ?? '{}')).toMatchObject({
      value: { mode: 'key', keyId: 'ABCDEF1234', keyName: 'CI key' },
    })
    for (const body of replies) {
      expect(body).not.toMatch(KEY_MATERIAL)
      expect(body).not.toContain(pem.split('\n')[1] ?? 'unreachable')
    }
  })

  it('turns an uploaded file into a FileRef showing only its name, and refuses FileRefs it never handed out', async () => {
    const upload = await http(`${fx.bridge.origin}/api/files?name=${encodeURIComponent('../My App.ipa')}`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/octet-stream' },
      body: Buffer.from('not really a build'),
    })
    const reply = JSON.parse(upload.body) as {
      ok: true
      value: { id: string; name: string; path: string; sizeBytes: number }
    }
    expect(reply).toMatchObject({
      ok: true,
      value: { name: 'My App.ipa', path: 'My App.ipa', sizeBytes: 18 },
    })

    const inspected = await call('inspectBuild', [reply.value])
    expect(inspected.reply).toMatchObject({ ok: false, error: { code: 'BAD_BUILD' } })
    expect(inspected.body).not.toContain(fx.dir)

    const forged = await call('inspectBuild', [{ ...reply.value, id: 'made-up' }])
    expect(forged.reply).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })
})

describe('web bridge: events', () => {
  it('delivers publish and app events to a subscribed socket, and stops after close', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${fx.bridge.port}/api/events`, {
      ...auth(),
      origin: fx.bridge.origin,
    })
    const event: PublishEvent = {
      type: 'log',
      runId: 'r1',
      at: '2026-01-01T00:00:00.000Z',
      level: 'info',
      message: 'hello',
    }
    const received = nextMessage(ws)
    fx.services.events.emit('publish', event)
    expect(await received).toEqual({ name: 'publish', event })
    const appEvent = nextMessage(ws)
    fx.services.events.emit('app', { type: 'navigate', screen: 'keys' })
    expect(await appEvent).toEqual({ name: 'app', event: { type: 'navigate', screen: 'keys' } })
    const closed = new Promise((resolve) => ws.once('close', resolve))
    await fx.bridge.close()
    await closed
  })
})
