import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import {
  expectAccessible,
  failUploadPart,
  readyToPublish,
  screenshot,
  windowSession,
} from './support/web-app'

/**
 * Every screen in dark (light is what the other window tests see), at 1280×800 and at 820×560: nothing runs
 * off the side of the window, and axe-core finds nothing serious. The pictures are for looking at.
 */

const YEAR = new Date().getFullYear() + 1
const SIZES = [
  { width: 1280, height: 800, tag: 'wide' },
  { width: 820, height: 560, tag: 'narrow' },
] as const

/** How far the content area is wider than the window shows (0 when nothing is cut off at the side). */
function sideOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const main = document.querySelector('main')
    return main ? main.scrollWidth - main.clientWidth : Number.NaN
  })
}

/** `show`: what the picture is of, scrolled into view at each size. */
async function lookAt(page: Page, name: string, show?: Locator): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height })
    await show?.scrollIntoViewIfNeeded()
    await screenshot(page, `screen-dark-${size.tag}-${name}`)
    expect(await sideOverflow(page), `${name} at ${size.width} px`).toBeLessThanOrEqual(0)
  }
  await page.setViewportSize({ width: 1280, height: 800 })
  await expectAccessible(page)
}

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

describe('every screen, dark, wide and narrow', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-screens-', open: true, colorScheme: 'dark' })
  it('publish, plan, refusals, a run going, canceled, failed and done, History, Keys and Releases', async () => {
    const { page } = session
    await lookAt(page, '01-empty')
    const ipa = await makeIpa(
      { fileName: 'Screens.ipa', buildNumber: '31', usesNonExemptEncryption: null },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    await lookAt(page, '02-build')
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Everything.')
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    await page.getByRole('textbox', { name: 'Earliest release date' }).fill(`${YEAR}-12-01 14:00`)
    await page.getByRole('textbox', { name: 'en-US (primary)' }).fill('New things.')
    await readyToPublish(page)
    await lookAt(page, '03-plan')
    await page.getByRole('button', { name: 'Choose a day in the calendar' }).click()
    const calendar = page.getByRole('dialog', { name: 'Earliest release date calendar' })
    await lookAt(page, '04-release-calendar', calendar)
    await page.keyboard.press('Escape')
    await page.getByRole('main').evaluate((el) => el.scrollTo(0, 0))
    // Refused before anything is sent: an ad-hoc build, then an app App Store Connect does not have.
    const adhoc = await makeIpa(
      { fileName: 'AdHoc.ipa', buildNumber: '32', profileType: 'ad-hoc' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(adhoc)
    await page.getByText('1.1.0 (32)').first().waitFor()
    await page.locator('.plan-steps').waitFor()
    await lookAt(page, '05-refused')
    const stranger = await makeIpa(
      { fileName: 'Stranger.ipa', bundleId: 'org.x.stranger', buildNumber: '33' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(stranger)
    await page.getByRole('button', { name: 'Add this app to the sandbox' }).waitFor()
    await page.locator('.plan-steps').waitFor()
    await lookAt(page, '06-no-app')
    // A run: going, canceled, failed, resumed and done.
    const big = await makeIpa({ fileName: 'Big.ipa', buildNumber: '34', padBytes: 400_000_000 }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(big)
    await page.getByText('1.1.0 (34)').first().waitFor()
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('button', { name: 'Select none' }).click()
    await readyToPublish(page)
    await publishButton(page).click()
    await expect
      .poll(() => page.getByTestId('upload-line').textContent(), { timeout: 30_000 })
      .toMatch(/MB · /)
    await lookAt(page, '07-running')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.locator('.outcome').waitFor({ timeout: 30_000 })
    await lookAt(page, '08-canceled')
    await page.getByRole('button', { name: 'Done' }).click()
    const fault = await makeIpa({ fileName: 'Fault.ipa', buildNumber: '35' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(fault)
    await page.getByText('1.1.0 (35)').first().waitFor()
    await readyToPublish(page)
    await failUploadPart(session.web.sandboxUrl(), { partNumber: 1, times: 1, status: 400 })
    await publishButton(page).click()
    await page.locator('.outcome').waitFor({ timeout: 30_000 })
    await lookAt(page, '09-failed')
    await page.getByRole('button', { name: 'Resume' }).click()
    await page.locator('.outcome:not([data-outcome="failed"])').waitFor({ timeout: 60_000 })
    await lookAt(page, '10-done')
    await page.getByRole('button', { name: 'Done' }).click()
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click()
    await page.locator('tbody tr').first().waitFor()
    await lookAt(page, '11-history')
    await page
      .locator('tbody tr')
      .first()
      .getByRole('button', { name: /Open run/ })
      .click()
    await page.locator('.timeline').waitFor()
    await lookAt(page, '12-history-run')
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click()
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    await lookAt(page, '13-keys')
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Releases' }).click()
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor()
    await lookAt(page, '14-releases')
  }, 240_000)
})
