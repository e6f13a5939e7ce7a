import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page, Request, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, screenshot, windowSession } from './support/web-app'

/**
 * Clicks that come before the window has settled: right after a change, while the plan for it is on its way,
 * and right after a build was chosen, while its app's remembered settings are on their way. The bridge calls
 * that answer them are held here (Playwright routes) and let go in the order under test, so each moment is
 * met every time instead of when the machine happens to be slow.
 */

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

/** Holds every call of `name` from the window until the test lets it go. */
async function holdCalls(page: Page, name: string) {
  const held: Route[] = []
  await page.route(`**/api/call/${name}`, (route) => {
    held.push(route)
  })
  return {
    /** The next held call (waits until the window makes one). */
    async next(): Promise<Route> {
      await expect.poll(() => held.length, { timeout: 15_000 }).toBeGreaterThan(0)
      return held.shift()!
    },
    /** Lets every call go now and from now on. */
    async release(): Promise<void> {
      for (const route of held.splice(0)) await route.continue()
      await page.unroute(`**/api/call/${name}`)
    },
  }
}

/** The release settings a planPublish call asks about. */
function plannedSettings(request: Request): { whatToTest: string | null; betaGroups: string[] } {
  const [publish] = JSON.parse(request.postData() ?? '[]') as [
    { settings: { whatToTest: string | null; betaGroups: string[] } },
  ]
  return publish.settings
}

describe('clicks before the window settled', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-early-clicks-',
    webArgs: async () => ['--processing-ms', '200'],
    open: true,
  })

  it('Publish clicked while the plan for a change is on its way starts the run once the plan comes', async () => {
    const { page } = session
    const plans = await holdCalls(page, 'planPublish')
    const ipa = await makeIpa({ fileName: 'Early.ipa', version: '3.1.0', buildNumber: '41' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    // The plan for the build as chosen is asked for and held; the settings change before it comes.
    const first = await plans.next()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Early clicks.')
    // The answer for the settings no longer shown comes back while the plan for the new ones is still due.
    await first.continue()
    let current = await plans.next()
    while (plannedSettings(current.request()).whatToTest !== 'Early clicks.') {
      await current.continue()
      current = await plans.next()
    }
    expect(plannedSettings(current.request()).betaGroups).toEqual(['QA'])
    expect(await page.locator('.plan-state').textContent()).toBe('Checking App Store Connect…')

    // Publish takes the click now and says it starts once the plan is checked.
    await publishButton(page).click()
    await page.locator('#publish-blockers').getByText('Publish starts once the plan is checked.').waitFor()
    expect(await page.getByRole('main').getByRole('button', { name: 'Starting…' }).isDisabled()).toBe(true)
    await screenshot(page, 'publish-waits-for-plan')
    await expectAccessible(page)

    await current.continue()
    await plans.release()
    await page.getByRole('heading', { name: /^Publishing Ascent Demo 3\.1\.0 \(41\)$/ }).waitFor()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 60_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('testflight')
    await page.getByRole('button', { name: 'Done' }).click()
  }, 120_000)

  it('Publish clicked before the plan of a new build comes says why it did not start when the plan refuses', async () => {
    const { page } = session
    const plans = await holdCalls(page, 'planPublish')
    const ipa = await makeIpa(
      { fileName: 'Stranger.ipa', bundleId: 'org.example.stranger', buildNumber: '43' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const plan = await plans.next()
    await page.locator('.build-name').waitFor()
    await publishButton(page).click()
    await page.locator('#publish-blockers').getByText('Publish starts once the plan is checked.').waitFor()
    await plan.continue()
    await plans.release()
    await expect
      .poll(() => page.locator('#publish-blockers').textContent())
      .toBe('Publish did not start: Preflight found problems: see above.')
    expect(await publishButton(page).isDisabled()).toBe(true)
    await page.locator('#publish-blockers').scrollIntoViewIfNeeded()
    await screenshot(page, 'publish-did-not-start')
    // Said about the settings then: a change puts the reason for what is on screen now.
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await expect
      .poll(() => page.locator('#publish-blockers').textContent())
      .toBe('Preflight found problems: see above.')
    await page.locator('.build-card').getByRole('button', { name: 'Close' }).click()
  })

  it('a setting changed while the app’s remembered settings are on their way stays, and both are remembered', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Recall.ipa', version: '3.2.0', buildNumber: '42' }, session.dir)
    const memory = path.join(session.web.dir, 'data', 'release-settings.json')
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Remembered notes.')
    await expect
      .poll(() => readFile(memory, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toContain('Remembered notes.')

    await page.locator('.build-card').getByRole('button', { name: 'Close' }).click()
    await page.reload()
    await page.locator('.badge-sandbox').waitFor()
    const recalls = await holdCalls(page, 'recallRelease')
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const recall = await recalls.next()
    // The build is shown and its form can be changed before the remembered settings arrive.
    await page.locator('.build-name').getByText('Ascent Demo').waitFor()
    const appStore = page.getByRole('checkbox', { name: 'Submit to App Store' })
    await appStore.check()
    await recall.continue()
    await recalls.release()
    await page.getByText('Settings last used for com.example.ascent.demo').waitFor()

    expect(await appStore.isChecked()).toBe(true)
    expect(await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'What to Test' }).inputValue()).toBe('Remembered notes.')
    // Remembered together: the change did not write over the settings being recalled.
    await expect
      .poll(
        async () => {
          const text = await readFile(memory, 'utf8').catch(() => '')
          return ['"submitToAppStore": true', '"submitToTestflight": true', 'Remembered notes.'].every((s) =>
            text.includes(s),
          )
        },
        { timeout: 10_000 },
      )
      .toBe(true)
    await screenshot(page, 'recall-keeps-early-change')
  }, 120_000)
})
