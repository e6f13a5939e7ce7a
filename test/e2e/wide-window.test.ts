import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { screenshot, windowSession } from './support/web-app'

/**
 * A very wide window (a 27-inch display): each screen's content keeps a readable width, and the buttons of its
 * header (Import/Export, Refresh) stay at the content's edge instead of the far side of the window.
 */

/** How far the header's last button sits right of the content below it, in pixels (0 or less: aligned). */
function headerOverhang(page: Page, content: string): Promise<number> {
  return page.evaluate((selector) => {
    const header = document.querySelector('.screen-header')
    const button = header?.querySelector('button:last-of-type')
    const below = document.querySelector(selector)
    if (!button || !below) return Number.NaN
    return button.getBoundingClientRect().right - below.getBoundingClientRect().right
  }, content)
}

function screenButton(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name })
}

describe('a very wide window', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-wide-', open: true })

  it('keeps each screen’s header buttons at its content’s edge', async () => {
    const { page } = session
    await page.setViewportSize({ width: 2560, height: 1100 })
    const ipa = await makeIpa({ fileName: 'Wide.ipa', buildNumber: '7' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    expect(await headerOverhang(page, '.publish-grid')).toBeLessThanOrEqual(1)
    await screenshot(page, 'wide-publish')

    await screenButton(page, 'Releases').click()
    await page.getByRole('textbox', { name: 'Watch an app' }).fill('com.example.ascent.demo')
    await page.getByRole('button', { name: 'Watch', exact: true }).click()
    await page.getByRole('region', { name: 'Ascent Demo releases' }).waitFor()
    expect(await headerOverhang(page, '.release-app')).toBeLessThanOrEqual(1)
    await screenshot(page, 'wide-releases')
  })
})
