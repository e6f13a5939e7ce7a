import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, windowSession } from './support/web-app'

/** Publish comes after the settings it acts on: in Tab order, and below them on a narrow window; the tab shows the run. */

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

/** The accessible names Tab visits from the build card's heading until Publish (or `limit` presses). */
async function tabUntilPublish(page: Page, limit = 80): Promise<string[]> {
  await page.locator('#build-heading').focus()
  const names: string[] = []
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el) return ''
      const labelled = el.getAttribute('aria-label')
      if (labelled) return labelled
      if (el instanceof HTMLInputElement && el.labels?.[0]) return el.labels[0].textContent?.trim() ?? ''
      if (el instanceof HTMLTextAreaElement && el.labels?.[0]) return el.labels[0].textContent?.trim() ?? ''
      return el.textContent?.trim() ?? ''
    })
    names.push(name)
    if (name === 'Publish') break
  }
  return names
}

describe('the order of the publish screen', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-order-', open: true })

  it('Tab reaches Publish after the TestFlight and App Store settings', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Order.ipa', buildNumber: '21' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    // Upload only, so Publish is enabled (a disabled button takes no focus).
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
    await expect.poll(() => publishButton(page).isEnabled(), { timeout: 15_000 }).toBe(true)
    const names = await tabUntilPublish(page)
    expect(names.at(-1)).toBe('Publish')
    const publish = names.indexOf('Publish')
    for (const setting of ['Submit to TestFlight', 'What to Test', 'Submit to App Store'])
      expect(names.indexOf(setting), `${setting} before Publish in ${names.join(' → ')}`).toBeGreaterThan(-1)
    for (const setting of ['Submit to TestFlight', 'What to Test', 'Submit to App Store'])
      expect(names.indexOf(setting)).toBeLessThan(publish)
  })

  it('at 820 px Publish sits below the TestFlight and App Store panels', async () => {
    const { page } = session
    await page.setViewportSize({ width: 820, height: 560 })
    const bottom = async (name: string): Promise<number> => {
      const box = await page.getByRole('region', { name, exact: true }).boundingBox()
      return (box?.y ?? Number.NaN) + (box?.height ?? Number.NaN)
    }
    const publishTop = (await publishButton(page).boundingBox())?.y ?? Number.NaN
    expect(publishTop).toBeGreaterThan(await bottom('TestFlight'))
    expect(publishTop).toBeGreaterThan(await bottom('App Store'))
    // On a wide window the plan is under the build, beside the settings.
    await page.setViewportSize({ width: 1280, height: 800 })
    const plan = await page.getByRole('region', { name: 'Plan' }).boundingBox()
    const release = await page.getByRole('region', { name: 'TestFlight', exact: true }).boundingBox()
    expect(plan && release && plan.x + plan.width <= release.x).toBe(true)
    await expectAccessible(page)
  })

  it('the tab title shows the upload’s percent while it runs, rising, and “Ascent” again when it ends', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Title.ipa', buildNumber: '22', padBytes: 60_000_000 }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByText('1.1.0 (22)').first().waitFor()
    await expect.poll(() => publishButton(page).isEnabled(), { timeout: 15_000 }).toBe(true)
    // Every title the tab shows, as it changes.
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { titles: string[] }).titles = seen
      new MutationObserver(() => seen.push(document.title)).observe(document.head, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    })
    await publishButton(page).click()
    await page.locator('.outcome').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.title()).toBe('Ascent')
    const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles)
    const percents = titles
      .map((t) => /^(\d+)% · Ascent$/.exec(t)?.[1])
      .filter((p): p is string => p !== undefined)
      .map(Number)
    expect(percents.length, titles.join(' | ')).toBeGreaterThan(0)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents.every((p) => p >= 0 && p <= 100)).toBe(true)
    expect(titles).toContain('Processing · Ascent')
  }, 120_000)
})
