import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, readyToPublish, windowSession } from './support/web-app'

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

/** From now on, record every tab title, upload bar value and upload line the page shows. */
async function watchProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { titles: [] as string[], values: [] as number[], lines: [] as string[] }
    ;(window as unknown as { progressSeen: typeof seen }).progressSeen = seen
    const record = (): void => {
      if (seen.titles.at(-1) !== document.title) seen.titles.push(document.title)
      const value = document
        .querySelector('[role=progressbar][aria-label=Upload]')
        ?.getAttribute('aria-valuenow')
      if (value != null && seen.values.at(-1) !== Number(value)) seen.values.push(Number(value))
      const line = document.querySelector('[data-testid=upload-line]')?.textContent
      if (line && seen.lines.at(-1) !== line) seen.lines.push(line)
    }
    new MutationObserver(record).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    })
  })
}

async function progressSeen(page: Page): Promise<{ titles: string[]; values: number[]; lines: string[] }> {
  return page.evaluate(
    () =>
      (window as unknown as { progressSeen: { titles: string[]; values: number[]; lines: string[] } })
        .progressSeen,
  )
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
    await readyToPublish(page)
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
    await readyToPublish(page)
    await watchProgress(page)
    await publishButton(page).click()
    await page.locator('.outcome').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.title()).toBe('Ascent')
    const { titles, values, lines } = await progressSeen(page)
    const percents = titles
      .map((t) => /^(\d+)% · Ascent$/.exec(t)?.[1])
      .filter((p): p is string => p !== undefined)
      .map(Number)
    expect(percents.length, titles.join(' | ')).toBeGreaterThan(0)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents.every((p) => p >= 0 && p <= 100)).toBe(true)
    expect(titles).toContain('Processing · Ascent')
    // The bar only moves forward and ends full.
    expect(values.length).toBeGreaterThan(1)
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(values.at(-1)).toBe(100)
    expect(lines.filter((l) => /\b0\.0 MB\/s/.test(l))).toEqual([])
  }, 120_000)

  it('a small upload never shows a speed of 0.0 MB/s, and its bar ends full', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'Done' }).click()
    const ipa = await makeIpa({ fileName: 'Small.ipa', buildNumber: '23' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByText('1.1.0 (23)').first().waitFor()
    await readyToPublish(page)
    await watchProgress(page)
    await publishButton(page).click()
    await page.locator('.outcome').waitFor({ timeout: 60_000 })
    const { values, lines } = await progressSeen(page)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.filter((l) => /MB\/s|KB\/s/.test(l) && /\b0(\.0)? [KM]B\/s/.test(l))).toEqual([])
    expect(values).toEqual([...values].sort((a, b) => a - b))
    expect(await page.getByRole('progressbar', { name: 'Upload' }).getAttribute('aria-valuenow')).toBe('100')
  }, 120_000)
})
