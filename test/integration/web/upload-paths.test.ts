import { dirname } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import type { FileRef } from '../../../shared/ipc'
import type { PublishEvent } from '../../../shared/publish-events'
import { createCallHandlers } from '../../../electron/services/call-handlers'
import { startWebBridge, type WebBridge } from '../../../electron/web/bridge-server'
import { startBridgeFixture, type BridgeFixture } from './support'
import { http, nextMessage, openSocket } from './http'

// A bridge whose inspectBuild fails the way the services do: naming the real path behind the FileRef.
let fx: BridgeFixture
let bridge: WebBridge
beforeEach(async () => {
  fx = await startBridgeFixture()
  const handlers = createCallHandlers(fx.services)
  bridge = await startWebBridge({
    services: fx.services,
    rendererDir: fx.dir,
    handlers: {
      ...handlers,
      inspectBuild: (_ctx, file) => {
        const path = fx.services.files.resolve(file)
        return Promise.reject(
          new AscentError('BAD_BUILD', `${path} changed since it was inspected; drop it again.`, {
            detail: `in ${dirname(path)}`,
          }),
        )
      },
    },
  })
})
afterEach(async () => {
  await bridge.close()
  await fx.close()
})

function auth(): Record<string, string> {
  return { 'x-ascent-token': bridge.token }
}

async function upload(name: string): Promise<FileRef> {
  const answer = await http(`${bridge.origin}/api/files?name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { ...auth(), 'content-type': 'application/octet-stream' },
    body: Buffer.from('build bytes'),
  })
  return (JSON.parse(answer.body) as { value: FileRef }).value
}

describe('web bridge: upload temp paths never reach the page', () => {
  it('a call error naming the temp path names the dropped file instead', async () => {
    const ref = await upload('My App.ipa')
    const tempPath = fx.services.files.resolve(ref)
    expect(tempPath).not.toBe('My App.ipa')

    const answer = await http(`${bridge.origin}/api/call/inspectBuild`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify([ref]),
    })
    expect(JSON.parse(answer.body)).toEqual({
      ok: false,
      error: {
        code: 'BAD_BUILD',
        message: 'My App.ipa changed since it was inspected; drop it again.',
        detail: 'in My App.ipa',
      },
    })
    expect(answer.body).not.toContain(dirname(dirname(tempPath)))
  })

  it('a publish event naming the temp path names the dropped file instead', async () => {
    const ref = await upload('Game.pkg')
    const tempPath = fx.services.files.resolve(ref)
    const ws = await openSocket(`ws://127.0.0.1:${bridge.port}/api/events`, {
      ...auth(),
      origin: bridge.origin,
    })
    const event: PublishEvent = {
      type: 'log',
      runId: 'r1',
      at: '2026-01-01T00:00:00.000Z',
      level: 'error',
      message: `${tempPath}: cannot be read (EACCES); also tried ${dirname(dirname(tempPath))}/other`,
    }
    const received = nextMessage(ws)
    fx.services.events.emit('publish', event)
    expect(await received).toEqual({
      name: 'publish',
      event: { ...event, message: 'Game.pkg: cannot be read (EACCES); also tried the dropped file/other' },
    })
    ws.terminate()
  })

  it('leaves paths the user chose alone', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${bridge.port}/api/events`, {
      ...auth(),
      origin: bridge.origin,
    })
    const event: PublishEvent = {
      type: 'log',
      runId: 'r1',
      at: '2026-01-01T00:00:00.000Z',
      level: 'info',
      message: `read ${fx.dir}/chosen.ipa`,
    }
    const received = nextMessage(ws)
    fx.services.events.emit('publish', event)
    expect(await received).toEqual({ name: 'publish', event })
    ws.terminate()
  })
})
