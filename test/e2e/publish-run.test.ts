import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import {
  expectAccessible,
  failUploadPart,
  readyToPublish,
  sandboxState,
  screenshot,
  windowSession,
} from './support/web-app'

const YEAR = new Date().getFullYear() + 1

/** `label` is the build as the window names it, e.g. "1.2.0 (300)": the previous build's screen may still show. */
async function chooseBuild(page: Page, file: string, label: string): Promise<void> {
  // Start from the build screen, whatever the test before left on screen.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Publish' }).click()
  if (await page.getByRole('button', { name: 'Done' }).isVisible())
    await page.getByRole('button', { name: 'Done' }).click()
  await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(file)
  await page.getByText(label).first().waitFor()
  await page.getByTestId('group-list').waitFor()
}

/** Only upload and processing: no TestFlight, no groups, no App Store. */
async function uploadOnly(page: Page): Promise<void> {
  await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
  await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
  await page.getByRole('button', { name: 'Select none' }).click()
}

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

function step(page: Page, id: string) {
  return page.locator(`.timeline-step[data-step="${id}"]`)
}

describe('publishing through ascent web --sandbox', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-publish-',
    open: true,
  })

  it('publishes a build: groups, scheduled date, copyright, phased release, review', async () => {
    const { page } = session
    // A few MB, so the upload reports progress on its way.
    const ipa = await makeIpa(
      { fileName: 'Release.ipa', version: '1.1.0', buildNumber: '200', padBytes: 24_000_000 },
      session.dir,
    )
    await chooseBuild(page, ipa, '1.1.0 (200)')

    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('checkbox', { name: 'Public Beta' }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Everything new in 1.1.')
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    // 1.1.0 is an update of the 1.0.0 on sale: review needs its release notes.
    await page.getByRole('textbox', { name: 'en-US (primary)' }).fill('Everything new in 1.1.')
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    await page.getByRole('textbox', { name: 'Earliest release date' }).fill(`${YEAR}-12-01 14:00`)
    await page.getByRole('textbox', { name: 'Copyright' }).fill(`${YEAR} Ascent Test Team`)
    await page.getByRole('radio', { name: 'On', exact: true }).check()

    const plan = page.locator('.plan-steps')
    await plan.locator('[data-step="upload"]').waitFor()
    await readyToPublish(page)
    await page.setViewportSize({ width: 1280, height: 1480 })
    await screenshot(page, '09-plan')
    await page.setViewportSize({ width: 1280, height: 820 })
    await expectAccessible(page)

    // One byte convention: the size on the build card is the total the upload bar ends on.
    const cardSize = (await page.locator('dt:text-is("Size") + dd').textContent()) ?? ''
    expect(cardSize).toMatch(/^\d+(\.\d)? (MB|GB)$/)

    await publishButton(page).click()
    const runHeading = page.getByRole('heading', { name: /^Publishing / })
    await runHeading.waitFor()
    // The hand follows the run: focus is on its heading, not left on the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('run-heading')
    const runTitle = ((await runHeading.textContent()) ?? '').replace(/^Publishing /, '')
    expect(runTitle).not.toContain('Release.ipa')
    // Whichever step is under way (the sandbox is quick; the run may already be further along).
    await page.locator('.timeline-step[data-status="running"], .outcome').first().waitFor({ timeout: 30_000 })
    await screenshot(page, '10-run-progress')
    await expectAccessible(page)

    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 60_000 })
    expect(await outcome.getAttribute('data-outcome')).toMatch(/^(published|submitted-for-review)$/)
    const outcomeText = (await outcome.getByRole('heading').textContent()) ?? ''
    // The headline is the reported outcome; the sentence says who can install it and when it goes on sale.
    expect(outcomeText).toBe(
      (await outcome.getAttribute('data-outcome')) === 'published' ? 'Published' : 'Submitted for review',
    )
    const sentence = (zone: string) =>
      `Testers in QA can install 1.1.0 (200) now; Public Beta after beta review. 1.1.0 goes on the App Store on 1 Dec ${YEAR}, 14:00 (${zone}) at the earliest, once Apple approves it, in a 7-day phased release.`
    expect(await outcome.locator('.outcome-message').textContent()).toBe(sentence('Europe/Riga'))
    expect(await step(page, 'upload').getAttribute('data-status')).toBe('done')
    expect(await page.getByTestId('upload-line').textContent()).toMatch(new RegExp(`^${cardSize}( · |$)`))
    // A finished upload's bar is full on screen, not on its way there.
    const bar = step(page, 'upload').getByRole('progressbar')
    expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    expect(await bar.locator('.progress-fill').evaluate((el) => getComputedStyle(el).transform)).toMatch(
      /^(none|matrix\(1, 0, 0, 1, 0, 0\))$/,
    )
    // The picture before the log is opened: the timeline and the outcome, as a person first sees them.
    await screenshot(page, '11-run-done')
    await page.locator('.log-panel summary').click()
    await page.getByRole('button', { name: 'Copy log' }).click()
    await page.getByText('Log copied.').waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('Upload: started')
    await expectAccessible(page)

    // What the window asked for is what App Store Connect now holds.
    const state = await sandboxState(session.web.sandboxUrl())
    const build = state.builds.find((b) => b.buildNumber === '200')
    expect(build).toMatchObject({
      processingState: 'VALID',
      groups: ['QA', 'Public Beta'],
      betaReviewState: 'WAITING_FOR_REVIEW',
      whatsNew: { 'en-US': 'Everything new in 1.1.' },
    })
    const version = state.versions.find((v) => v.versionString === '1.1.0')
    expect(version).toMatchObject({
      state: 'WAITING_FOR_REVIEW',
      copyright: `${YEAR} Ascent Test Team`,
      releaseType: 'SCHEDULED',
      earliestReleaseDate: `${YEAR}-12-01T14:00:00+02:00`,
      buildId: build?.id,
    })
    expect(state.phasedReleases.filter((p) => p.versionId === version?.id)).toHaveLength(1)
    expect(
      state.reviewSubmissions.filter((r) => r.items.some((i) => i.appStoreVersionId === version?.id)),
    ).toMatchObject([{ state: 'WAITING_FOR_REVIEW' }])

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click()
    const row = page.locator('tbody tr').first()
    await row.getByText('1.1.0 (200)').waitFor()
    await row.getByText(outcomeText).waitFor()
    await screenshot(page, '12-history')
    // At 820 px the table fits: the day and the time break apart, not inside, and Open stays on screen.
    await page.setViewportSize({ width: 820, height: 560 })
    const when = row.locator('td').first()
    expect(await when.locator('.nowrap').allTextContents()).toHaveLength(2)
    const table = await page.locator('.history-table').boundingBox()
    const content = await page.locator('main').boundingBox()
    await screenshot(page, '12b-history-narrow')
    expect(table && content && table.x + table.width <= content.x + content.width).toBe(true)
    await page.setViewportSize({ width: 1280, height: 820 })
    await expectAccessible(page)
    await row.getByRole('button', { name: /Open run/ }).click()
    await page.locator('.timeline-step[data-step="review"][data-status="done"]').waitFor()
    // Opened from History: titled with the app, as the live run was, and the same outcome sentence (the run
    // records the date's offset, not the zone it was picked in).
    await page.getByRole('heading', { name: runTitle, exact: true, level: 1 }).waitFor()
    expect(await page.locator('.outcome .outcome-message').textContent()).toBe(sentence('UTC+02:00'))
    await screenshot(page, '13-history-run')
    await page.getByRole('button', { name: 'Back to History' }).click()
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Publish' }).click()
    await page.getByRole('button', { name: 'Done' }).click()
  }, 120_000)

  it('cancels a run during the upload, then resumes it without a second build', async () => {
    const { page } = session
    // Large enough that the upload is still going when Cancel is pressed.
    const ipa = await makeIpa(
      { fileName: 'Cancel.ipa', version: '1.2.0', buildNumber: '300', padBytes: 400_000_000 },
      session.dir,
    )
    await chooseBuild(page, ipa, '1.2.0 (300)')
    await uploadOnly(page)
    await readyToPublish(page)
    await publishButton(page).click()

    await page.getByTestId('upload-line').waitFor({ timeout: 30_000 })
    // "Starting…" until bytes go out, never a row of zeros and dashes.
    expect(await page.getByTestId('upload-line').textContent()).not.toMatch(/^0(\.0)? \//)
    // The picture shows bytes on their way (the build is large enough to still be uploading).
    await expect
      .poll(() => page.getByTestId('upload-line').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+(\.\d)? \/ \d+(\.\d)? MB · /)
    await screenshot(page, '14-run-uploading')
    await page.getByRole('button', { name: 'Cancel' }).click()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 30_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('canceled')
    // Canceled is not a failure: the upload shows stopped (grey ■), the status box neutral, Resume offered.
    expect(await step(page, 'upload').getAttribute('data-status')).toBe('stopped')
    expect(await step(page, 'upload').locator('.timeline-glyph').textContent()).toBe('■')
    await step(page, 'upload').getByText('Canceled at this step').waitFor()
    expect(await step(page, 'upload').locator('.timeline-error').count()).toBe(0)
    expect(await outcome.getAttribute('data-tone')).toBe('stopped')
    expect(await outcome.getByRole('heading').textContent()).toBe('Canceled')
    // What had arrived, as App Store Connect answered after the cancel (the build is still on its way here).
    expect(await outcome.locator('.outcome-message').textContent()).toMatch(
      /^Canceled at a safe point\. Done: the upload of build \S+ stopped part way; App Store Connect keeps what arrived/,
    )
    // The window's way on is its Resume button, named once; not the CLI's "publish the same build again".
    const canceledText = (await outcome.locator('.outcome-message').textContent()) ?? ''
    expect(canceledText).toContain('Resume sends the rest')
    expect(canceledText).not.toMatch(/publish(ing)? (the same build )?again/i)
    expect(await page.locator('.timeline-step[data-status="failed"]').count()).toBe(0)
    await screenshot(page, '15-run-canceled')
    await expectAccessible(page)

    await outcome.getByRole('button', { name: 'Resume' }).click()
    await page.getByRole('heading', { name: /^Publishing / }).waitFor()
    await page
      .locator('.outcome[data-outcome]')
      .and(page.locator(':not([data-outcome="canceled"])'))
      .waitFor({ timeout: 60_000 })
    expect(await page.locator('.outcome').getAttribute('data-outcome')).not.toMatch(/failed|canceled/)
    expect(await step(page, 'processing').getAttribute('data-status')).toBe('done')
    const state = await sandboxState(session.web.sandboxUrl())
    // One build 300 in App Store Connect: the resumed run finished the same upload rather than starting another.
    expect(state.builds.filter((b) => b.buildNumber === '300')).toHaveLength(1)
    await page.getByRole('button', { name: 'Done' }).click()
  }, 120_000)

  it('shows a failed upload with the reason and recovers with Resume', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Fault.ipa', version: '1.3.0', buildNumber: '400' }, session.dir)
    await chooseBuild(page, ipa, '1.3.0 (400)')
    await uploadOnly(page)
    await readyToPublish(page)
    // 400 is not retried: the upload step fails at once, as a refused part does with Apple.
    await failUploadPart(session.web.sandboxUrl(), { partNumber: 1, times: 1, status: 400 })
    await publishButton(page).click()

    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 30_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('failed')
    expect(await step(page, 'upload').getAttribute('data-status')).toBe('failed')
    await step(page, 'upload').locator('.timeline-error').waitFor()
    const failure = (await step(page, 'upload').locator('.timeline-error strong').textContent()) ?? ''
    expect(failure).toMatch(/HTTP 400/)
    // A sentence, and no CLI advice beside the Resume button.
    expect(failure).toMatch(/^[A-Z]/)
    expect(failure).not.toContain('run the upload again')
    // Each step's line of what happened reads as a sentence too.
    expect(await step(page, 'preflight').locator('.timeline-detail').textContent()).toMatch(/^Ready: /)
    // Apple's words are said once, in the failed step; the status box names the step and what to do.
    expect(await outcome.locator('.outcome-message').textContent()).toBe(
      'Upload failed: the reason is under the step. Resume continues from there; nothing done already is done again.',
    )
    await screenshot(page, '16-run-failed')
    await expectAccessible(page)

    await outcome.getByRole('button', { name: 'Resume' }).click()
    await page.locator('.timeline-step[data-step="upload"][data-status="done"]').waitFor({ timeout: 30_000 })
    await page.locator('.outcome').waitFor({ timeout: 60_000 })
    expect(await page.locator('.outcome').getAttribute('data-outcome')).not.toMatch(/failed|canceled/)
    const state = await sandboxState(session.web.sandboxUrl())
    expect(state.builds.find((b) => b.buildNumber === '400')?.processingState).toBe('VALID')
  }, 120_000)
})
