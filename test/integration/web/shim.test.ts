import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CALL_NAMES } from '../../../shared/ipc'
import { KEY_MATERIAL, startBridgeFixture, type BridgeFixture } from './support'

// The shim is what every e2e test stands on: exercise it in the real browser, through the real bridge.
let fx: BridgeFixture
let browser: Browser
let page: Page
beforeAll(async () => {
  fx = await startBridgeFixture()
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  })
  page = await browser.newPage()
  const violations: string[] = []
  page.on('console', (m) => {
    // A missing favicon is a 404 console error too; what matters here is the CSP refusing the shim or the app.
    if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) violations.push(m.text())
  })
  await page.goto(fx.bridge.url)
  // The page's DOM, typed here without the DOM lib (this file compiles under the Node tsconfig).
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }
      ).document.getElementById('root')?.textContent === 'object',
  )
  expect(violations).toEqual([])
})
afterAll(async () => {
  await browser?.close()
  await fx?.close()
})

describe('window.ascent over the web bridge (Chromium)', () => {
  it('is installed before the app script, frozen, with exactly the AscentApi keys', async () => {
    const keys = await page.evaluate(() =>
      Object.keys((globalThis as unknown as { ascent: object }).ascent).sort(),
    )
    expect(keys).toEqual([...CALL_NAMES, 'transport', 'fileFromDrop', 'onPublishEvent', 'onAppEvent'].sort())
    const frozen = await page.evaluate(() =>
      Object.isFrozen((globalThis as unknown as { ascent: object }).ascent),
    )
    expect(frozen).toBe(true)
  })

  it('calls through to the handlers and rejects with an AscentCallError-shaped error', async () => {
    const connection = await page.evaluate(() =>
      (globalThis as unknown as { ascent: { getConnection(): Promise<unknown> } }).ascent.getConnection(),
    )
    expect(connection).toMatchObject({ mode: 'sandbox' })
    expect(JSON.stringify(connection)).not.toMatch(KEY_MATERIAL)
    const error = await page.evaluate(async () => {
      try {
        await (globalThis as unknown as { ascent: { getRun(id: string): Promise<unknown> } }).ascent.getRun(
          'nope',
        )
        return null
      } catch (e) {
        const err = e as Error & { code?: string }
        return { isError: e instanceof Error, name: err.name, code: err.code, message: err.message }
      }
    })
    expect(error).toMatchObject({ isError: true, name: 'AscentCallError', code: 'NOT_FOUND' })
  })

  it('uploads a dropped File and returns a FileRef with its name', async () => {
    const ref = await page.evaluate(() => {
      const file = new File([new Uint8Array([1, 2, 3, 4])], 'Demo.ipa')
      return (
        globalThis as unknown as { ascent: { fileFromDrop(f: File): Promise<unknown> } }
      ).ascent.fileFromDrop(file)
    })
    expect(ref).toMatchObject({ name: 'Demo.ipa', path: 'Demo.ipa', sizeBytes: 4 })
  })

  it('delivers events to listeners and stops after unsubscribe', async () => {
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        ascent: { onPublishEvent(l: (e: unknown) => void): () => void }
        seen: unknown[]
        stop: () => void
      }
      w.seen = []
      w.stop = w.ascent.onPublishEvent((e) => w.seen.push(e))
    })
    // The socket opens asynchronously after load; emit until the page has heard one.
    const event = {
      type: 'log' as const,
      runId: 'r1',
      at: '2026-01-01T00:00:00.000Z',
      level: 'info' as const,
      message: 'hi',
    }
    await expect
      .poll(async () => {
        fx.services.events.emit('publish', event)
        return page.evaluate(() => (globalThis as unknown as { seen: unknown[] }).seen.length)
      })
      .toBeGreaterThan(0)
    const seen = await page.evaluate(() => (globalThis as unknown as { seen: unknown[] }).seen[0])
    expect(seen).toEqual(event)
    const count = await page.evaluate(() => {
      const w = globalThis as unknown as {
        ascent: { onPublishEvent(l: (e: unknown) => void): () => void }
        seen: unknown[]
        later: unknown[]
        stop: () => void
      }
      w.stop()
      w.later = []
      w.ascent.onPublishEvent((e) => w.later.push(e))
      return w.seen.length
    })
    // Once a listener subscribed later has heard the next event, the unsubscribed one would have too.
    await expect
      .poll(async () => {
        fx.services.events.emit('publish', event)
        return page.evaluate(() => (globalThis as unknown as { later: unknown[] }).later.length)
      })
      .toBeGreaterThan(0)
    expect(await page.evaluate(() => (globalThis as unknown as { seen: unknown[] }).seen.length)).toBe(count)
  })
})
