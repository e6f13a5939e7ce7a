import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa, makePkg } from '../fixtures/build-factory'
import { pngImage } from '../fixtures/screenshot-factory'
import { expectAccessible, screenshot, seededWeb, windowSession } from './support/web-app'

// The first App Store version of an Apple TV app and of a Mac app, set up from the window alone: the App
// Store information panel is there for a .pkg too, it has every field App Review asks of the platform (Apple
// TV's privacy policy text), and what it and the plan say is in the window's words.

const TV = 'org.example.couch'
const MAC = 'org.example.desk'

function panelOf(page: Page): Locator {
  return page.getByRole('region', { name: 'App Store information' })
}

async function chooseBuild(page: Page, file: string): Promise<void> {
  await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(file)
  await page.getByText(path.basename(file)).first().waitFor()
}

/** The text, app information, category and contact every first version needs, typed and saved. */
async function fillAndSave(panel: Locator, more: (panel: Locator) => Promise<void>): Promise<void> {
  await panel.getByRole('textbox', { name: 'Description' }).fill('Calm evenings.')
  await panel.getByRole('textbox', { name: 'Keywords' }).fill('calm,evening')
  await panel.getByRole('textbox', { name: 'Support URL' }).fill('https://example.com/support')
  await panel.getByRole('textbox', { name: 'Privacy policy URL' }).fill('https://example.com/privacy')
  await panel.getByRole('combobox', { name: 'Primary category' }).selectOption('LIFESTYLE')
  await panel.getByRole('textbox', { name: 'First name' }).fill('Ada')
  await panel.getByRole('textbox', { name: 'Last name' }).fill('Lovelace')
  await panel.getByRole('textbox', { name: 'Phone' }).fill('+44 20 7946 0000')
  await panel.getByRole('textbox', { name: 'Email' }).fill('ada@example.com')
  await more(panel)
  await panel.getByRole('button', { name: 'Save to App Store Connect' }).click()
  await panel
    .getByRole('status')
    .getByText(/Saved to App Store Connect/)
    .waitFor({ timeout: 15_000 })
}

async function addScreenshot(panel: Locator, dir: string, displayType: string, png: Buffer): Promise<void> {
  const file = path.join(dir, `${displayType}.png`)
  await writeFile(file, png)
  await panel.locator(`input[type=file][data-for-slot="${displayType}"]`).setInputFiles(file)
  await panel
    .getByRole('list', { name: 'Screenshot uploads' })
    .getByText('Uploaded')
    .waitFor({ timeout: 30_000 })
}

describe('the first App Store version of a tvOS and a macOS app, from the window', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-store-platforms-',
    webArgs: seededWeb({
      apps: [
        { bundleId: TV, name: 'Couch', platforms: ['TV_OS'], appStoreInfo: false },
        { bundleId: MAC, name: 'Desk', platforms: ['MAC_OS'], appStoreInfo: false },
      ],
    }),
    open: true,
  })

  it('tvOS: Apple TV’s privacy policy text is a field of the panel, and nothing is said in the CLI’s words', async () => {
    const { page } = session
    const ipa = await makeIpa(
      {
        fileName: 'Couch.ipa',
        bundleId: TV,
        version: '1.0',
        buildNumber: '1',
        platform: 'TV_OS',
        deviceFamilies: [3],
      },
      session.dir,
    )
    await chooseBuild(page, ipa)
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    const panel = panelOf(page)
    const missing = panel.getByRole('list', { name: 'Missing for App Review' })
    await missing.waitFor({ timeout: 15_000 })

    // The plan refuses, and points at the panel in the window's words (no flags, no commands).
    const refusal = page.locator('.plan').getByText(/not ready for App Review/)
    await refusal.waitFor({ timeout: 15_000 })
    expect(await refusal.textContent()).toMatch(/App Store information panel/)
    // What the panel and the plan say: the window's names, not the CLI's, a deliver folder's or Apple's codes.
    const said = `${await panel.textContent()} ${await page.locator('.plan').textContent()}`
    expect(said).not.toMatch(/--metadata|ascent metadata|deliver folder|metadata\/|APP_[A-Z0-9_]+/)
    // Copyright is the App Store panel's field: the reminder says so, and takes the person there.
    const reminders = panel.getByRole('list', { name: 'Reminders' })
    const copyright = reminders.locator('[data-field="copyright"]')
    expect(await copyright.textContent()).toContain('Copyright in the App Store panel')
    await copyright.getByRole('button', { name: 'Fill in' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('copyright')

    // Apple TV's privacy policy text: missing, with Fill in to its field.
    const privacyText = missing.locator('[data-field="privacyPolicyText"]')
    await privacyText.getByRole('button', { name: 'Fill in' }).click()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('store-privacyPolicyText-en-US')
    await screenshot(page, '32-store-info-tv')

    await fillAndSave(panel, (p) =>
      p.getByRole('textbox', { name: 'Privacy policy text (Apple TV)' }).fill('We keep nothing about you.'),
    )
    await addScreenshot(panel, session.dir, 'APP_APPLE_TV', pngImage(1920, 1080))
    await panel.getByRole('heading', { name: 'Ready for App Review' }).waitFor({ timeout: 15_000 })
    await page
      .locator('.plan')
      .getByText(/not ready for App Review/)
      .waitFor({ state: 'detached' })
    await expectAccessible(page)
  }, 90_000)

  it('macOS: a .pkg gets the panel, with the Mac screenshot slot', async () => {
    const { page } = session
    const pkg = await makePkg(
      { fileName: 'Desk.pkg', bundleId: MAC, version: '1.0', buildNumber: '1', appName: 'Desk' },
      session.dir,
    )
    await chooseBuild(page, pkg)
    const panel = panelOf(page)
    await panel.getByRole('list', { name: 'Missing for App Review' }).waitFor({ timeout: 15_000 })
    await panel.getByRole('heading', { name: 'Mac', exact: true }).waitFor()
    await fillAndSave(panel, async () => {})
    await addScreenshot(panel, session.dir, 'APP_DESKTOP', pngImage(1280, 800))
    await panel.getByRole('heading', { name: 'Ready for App Review' }).waitFor({ timeout: 15_000 })
  }, 90_000)
})
