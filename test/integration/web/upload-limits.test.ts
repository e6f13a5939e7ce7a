import { mkdir, readdir } from 'node:fs/promises'
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startWebBridge, type WebBridge } from '../../../electron/web/bridge-server'
import { startBridgeFixture, type BridgeFixture } from './support'
import { http } from './http'

const LIMIT = 1000

let fx: BridgeFixture
let bridge: WebBridge
let tempDir: string
beforeEach(async () => {
  fx = await startBridgeFixture()
  tempDir = join(fx.dir, 'bridge-tmp')
  await mkdir(tempDir)
  bridge = await startWebBridge({
    services: fx.services,
    rendererDir: fx.dir,
    maxUploadBytes: LIMIT,
    tempDir,
  })
})
afterEach(async () => {
  await bridge.close()
  await fx.close()
})

/** Every file the bridge holds in its upload folder (one subfolder per upload). */
async function uploadedFiles(): Promise<string[]> {
  const [root] = await readdir(tempDir)
  if (root === undefined) return []
  const entries = await readdir(join(tempDir, root), { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => e.name)
}

function openUpload(headers: Record<string, string>): {
  readonly req: ClientRequest
  readonly response: Promise<{ status: number; body: string }>
} {
  const req = request(`${bridge.origin}/api/files?name=Big.ipa`, {
    method: 'PUT',
    headers: { 'x-ascent-token': bridge.token, 'content-type': 'application/octet-stream', ...headers },
  })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('error', reject)
  })
  return { req, response }
}

describe('web bridge: upload size limit and cleanup', () => {
  it('accepts a build of exactly the limit', async () => {
    const answer = await http(`${bridge.origin}/api/files?name=Ok.ipa`, {
      method: 'PUT',
      headers: { 'x-ascent-token': bridge.token, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(LIMIT, 1),
    })
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, value: { name: 'Ok.ipa', sizeBytes: LIMIT } })
    expect(await uploadedFiles()).toEqual(['Ok.ipa'])
  })

  it('refuses a declared Content-Length above the limit with 413 before reading the body', async () => {
    const { req, response } = openUpload({ 'content-length': String(LIMIT * 10) })
    req.flushHeaders()
    const answer = await response
    req.destroy()
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringContaining('Big.ipa is larger') as unknown },
    })
    expect(await uploadedFiles()).toEqual([])
  })

  it('refuses a streamed body that grows past the limit with 413 and keeps no partial file', async () => {
    const { req, response } = openUpload({ 'transfer-encoding': 'chunked' })
    for (let i = 0; i < 3; i++) req.write(Buffer.alloc(600, 2))
    req.end()
    const answer = await response
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(answer.body).not.toContain(tempDir)
    expect(await uploadedFiles()).toEqual([])
  })

  it('removes the partial file of an upload the browser aborts', async () => {
    const { req, response } = openUpload({ 'content-length': String(LIMIT) })
    response.catch(() => undefined)
    req.write(Buffer.alloc(300, 3))
    await vi.waitFor(async () => expect(await uploadedFiles()).toEqual(['Big.ipa']), { timeout: 5_000 })
    req.destroy()
    await vi.waitFor(async () => expect(await uploadedFiles()).toEqual([]), { timeout: 5_000 })
  })
})
