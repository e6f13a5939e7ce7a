import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, readyToPublish, screenshot, windowSession } from './support/web-app'

async function chooseBuild(page: Page, file: string): Promise<void> {
  await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(file)
  await page.getByTestId('group-list').waitFor()
}

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

/** Each step of the timeline with its status, in order. */
function steps(page: Page): Promise<string[]> {
  return page
    .locator('.timeline-step')
    .evaluateAll((els) =>
      els.map((el) => `${el.getAttribute('data-step')}: ${el.getAttribute('data-status')}`),
    )
}

async function logText(page: Page): Promise<string> {
  return (await page.locator('pre.log').textContent()) ?? ''
}

describe('a run the window reloads in the middle of', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-reload-',
    // Processing never ends by itself: the run waits in it while the window reloads, until Cancel.
    webArgs: async () => ['--processing-ms', '3600000'],
    open: true,
  })

  it('shows the same steps, upload bytes and whole log after a reload; History shows the log, which is a file beside the journal', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Reload.ipa', version: '2.0.0', buildNumber: '500', padBytes: 3_000_000 },
      session.dir,
    )
    await chooseBuild(page, ipa)
    // Only upload and processing: TestFlight, groups and the App Store are not requested.
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('button', { name: 'Select none' }).click()
    await readyToPublish(page)
    await publishButton(page).click()

    // Once the upload is committed, move the sandbox's clock past its check (a quarter of the processing
    // time): the build exists and stays PROCESSING for the rest of the hour.
    const sandboxUrl = session.web.sandboxUrl()
    await expect
      .poll(
        async () => {
          const res = await fetch(new URL('/__sandbox/state', sandboxUrl))
          const state = (await res.json()) as { buildUploads: { cfBundleVersion: string; state: string }[] }
          return state.buildUploads.find((u) => u.cfBundleVersion === '500')?.state
        },
        { timeout: 60_000 },
      )
      .toBe('PROCESSING')
    const clock = await fetch(new URL('/__sandbox/clock', sandboxUrl), {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 15 * 60_000 + 1_000 }),
    })
    expect(clock.status).toBe(204)
    const processing = page.locator('.timeline-step[data-step="processing"][data-status="running"]')
    await processing.locator('.state-pill').waitFor({ timeout: 60_000 })
    await expect.poll(() => logText(page)).toContain('Processing: PROCESSING')
    const before = {
      steps: await steps(page),
      upload: await page.getByTestId('upload-line').textContent(),
      log: await logText(page),
    }
    expect(before.steps).toEqual([
      'preflight: done',
      'upload: done',
      'processing: running',
      'testflight: pending',
      'app-store: skipped',
      'review: skipped',
    ])
    expect(before.log).toContain('Upload: started')

    await page.reload()
    await page.getByRole('heading', { name: /^Publishing Ascent Demo 2\.0\.0 \(500\)$/ }).waitFor()
    await processing.locator('.state-pill').waitFor()
    expect(await steps(page)).toEqual(before.steps)
    expect(await page.getByTestId('upload-line').textContent()).toBe(before.upload)
    // Every line it had, in order (processing may have said more since).
    expect((await logText(page)).startsWith(before.log)).toBe(true)
    await page.locator('.log-panel summary').click()
    await screenshot(page, 'run-after-reload')
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Cancel' }).click()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 30_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('canceled')
    const liveLog = await logText(page)
    await page.getByRole('button', { name: 'Done' }).click()

    // History's run view: the same log, which is the file beside the run's journal.
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click()
    const row = page.locator('tbody tr').filter({ hasText: '2.0.0 (500)' })
    const runId = (await row.getAttribute('data-run')) ?? ''
    await row.getByRole('button', { name: /Open run/ }).click()
    await page.locator('.log-panel summary').click()
    await expect.poll(() => logText(page)).toBe(liveLog)
    const file = path.join(session.web.dir, 'data', 'runs', runId, 'log.txt')
    expect((await readFile(file, 'utf8')).trimEnd()).toBe(liveLog)

    await page.getByRole('button', { name: 'Copy log' }).click()
    await page.getByRole('status').filter({ hasText: 'Log copied.' }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(liveLog)
    // The browser has no file manager to open: the window says where the file is.
    await page.getByRole('button', { name: 'Show log file' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `The log file is ${file}` })
      .waitFor()
    await screenshot(page, 'history-run-log')
    await expectAccessible(page)
  }, 180_000)
})
