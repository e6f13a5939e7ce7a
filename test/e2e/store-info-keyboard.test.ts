import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { pngImage } from '../fixtures/screenshot-factory'
import { seededWeb, windowSession } from './support/web-app'

// Screenshots put in order and deleted with the keyboard alone: after each key press the focus stays where
// the hand is (the moved screenshot, the next one), never back at the top of the page.

const BUNDLE_ID = 'org.example.keys'

/** The focused element's accessible label (its aria-label, else its text). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(the page)'
    return el.getAttribute('aria-label') ?? el.textContent ?? el.tagName
  })
}

describe('screenshots with the keyboard', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-store-keys-',
    webArgs: seededWeb({
      apps: [{ bundleId: BUNDLE_ID, name: 'Keys Only', platforms: ['IOS'], appStoreInfo: false }],
    }),
    open: true,
  })

  it('keeps the focus on the moved screenshot, and on the next one after a delete', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Keys.ipa', bundleId: BUNDLE_ID, version: '1.0', buildNumber: '1', deviceFamilies: [1] },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const panel = page.getByRole('region', { name: 'App Store information' })
    await panel.getByRole('list', { name: 'Missing for App Review' }).waitFor({ timeout: 15_000 })
    const files: string[] = []
    for (const [i, name] of ['a.png', 'b.png', 'c.png'].entries()) {
      const file = path.join(session.dir, name)
      await writeFile(file, pngImage(1290, 2796, { seed: i + 1 }))
      files.push(file)
    }
    await panel.locator('input[type=file][data-for-slot="APP_IPHONE_67"]').setInputFiles(files)
    const shots = panel.getByRole('list', { name: '6.9-inch iPhone screenshots' })
    await shots.getByText('c.png').waitFor({ timeout: 30_000 })
    const order = () => shots.getByRole('listitem').evaluateAll((els) => els.map((el) => el.textContent))

    // b to the top: its "earlier" button is then disabled; the focus goes to its "later" one.
    await shots.getByRole('button', { name: 'Move b.png earlier' }).focus()
    await page.keyboard.press('Enter')
    await expect
      .poll(order)
      .toEqual([
        expect.stringContaining('b.png'),
        expect.stringContaining('a.png'),
        expect.stringContaining('c.png'),
      ])
    await expect.poll(() => focused(page)).toBe('Move b.png later')

    // a deleted: the focus goes to the screenshot now in its place.
    await shots.getByRole('button', { name: 'Delete a.png' }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => shots.getByRole('listitem').count()).toBe(2)
    await expect.poll(() => focused(page)).toBe('Delete c.png')

    // The last ones deleted: the focus goes to the slot's own button.
    await page.keyboard.press('Enter')
    await expect.poll(() => shots.getByRole('listitem').count()).toBe(1)
    await expect.poll(() => focused(page)).toBe('Delete b.png')
    await page.keyboard.press('Enter')
    await expect.poll(() => focused(page)).toBe('Add to 6.9-inch iPhone…')
  }, 90_000)
})
