import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { pngImage } from '../fixtures/screenshot-factory'
import {
  expectAccessible,
  readyToPublish,
  sandboxState,
  screenshot,
  seededWeb,
  windowSession,
} from './support/web-app'

// A brand-new app (a fresh App Store Connect record) published from the window alone: the App Store
// information panel lists what App Review still needs, the form and the screenshot slots fill it, and
// Publish ends submitted for review.

const BUNDLE_ID = 'org.example.fresh'

function seed(): unknown {
  return {
    apps: [{ bundleId: BUNDLE_ID, name: 'Fresh Start', platforms: ['IOS'], appStoreInfo: false }],
  }
}

/** Drops image files on an element as the OS would: a drop event whose DataTransfer holds the files. */
async function dropImages(
  page: Page,
  selector: string,
  files: readonly { readonly name: string; readonly bytes: Buffer }[],
): Promise<void> {
  const transfer = await page.evaluateHandle(
    (given) => {
      const dt = new DataTransfer()
      for (const f of given)
        dt.items.add(
          new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: 'image/png' }),
        )
      return dt
    },
    files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })),
  )
  const target = page.locator(selector)
  await target.dispatchEvent('dragenter', { dataTransfer: transfer })
  await target.dispatchEvent('dragover', { dataTransfer: transfer })
  await target.dispatchEvent('drop', { dataTransfer: transfer })
}

describe('App Store information for a new app (ascent web --sandbox --seed)', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-store-info-',
    webArgs: seededWeb(seed(), ['--processing-ms', '200']),
    open: true,
  })

  it('lists what is missing, fills it in the form and the screenshot slots, and Publish submits for review', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Fresh.ipa', bundleId: BUNDLE_ID, version: '1.0', buildNumber: '1', deviceFamilies: [1] },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const panel = page.getByRole('region', { name: 'App Store information' })
    const missing = panel.getByRole('list', { name: 'Missing for App Review' })
    await missing.waitFor({ timeout: 15_000 })
    // Each missing item names the field, and where it is filled.
    for (const field of [
      'description',
      'keywords',
      'supportUrl',
      'privacyPolicyUrl',
      'primaryCategory',
      'screenshots',
    ])
      await missing.locator(`[data-field="${field}"]`).first().waitFor()
    const description = missing.locator('[data-field="description"]')
    expect(await description.textContent()).toBe('en-US: no description Fill in')
    expect(await description.getAttribute('title')).toMatch(
      /fill it in Ascent’s App Store information panel .* or in App Store Connect → Fresh Start → iOS App 1\.0$/,
    )
    // The sandbox is not Apple's: no page on appstoreconnect.apple.com is named or linked.
    expect(await panel.textContent()).not.toContain('appstoreconnect.apple.com')
    expect(await panel.locator('a[href*="appstoreconnect.apple.com"]').count()).toBe(0)
    // A first version: App Store Connect refuses What's New, so there is no field for it.
    expect(await panel.getByRole('textbox', { name: 'What’s New' }).count()).toBe(0)
    await expectAccessible(page)
    await panel.evaluate((el) => el.scrollIntoView())
    await screenshot(page, '30-store-info-missing')

    // The text, filled in the form; a length Apple refuses is said before anything is sent.
    await missing.locator('[data-field="description"]').getByRole('button', { name: 'Fill in' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('store-description-en-US')
    await panel.getByRole('textbox', { name: 'Keywords' }).fill('x'.repeat(101))
    await panel.getByRole('button', { name: 'Save to App Store Connect' }).click()
    await panel
      .getByRole('alert')
      .getByText('Keywords is 101 characters; App Store Connect accepts at most 100')
      .waitFor()
    await panel.getByRole('textbox', { name: 'Description' }).fill('Start every day with a clear plan.')
    await panel.getByRole('textbox', { name: 'Keywords' }).fill('planner,morning,habits')
    await panel.getByRole('textbox', { name: 'Support URL' }).fill('https://fresh.example.com/support')
    await panel.getByRole('textbox', { name: 'Privacy policy URL' }).fill('https://fresh.example.com/privacy')
    await panel.getByRole('combobox', { name: 'Primary category' }).selectOption('PRODUCTIVITY')
    await panel.getByRole('textbox', { name: 'First name' }).fill('Ada')
    await panel.getByRole('textbox', { name: 'Last name' }).fill('Lovelace')
    await panel.getByRole('textbox', { name: 'Phone' }).fill('+44 20 7946 0000')
    await panel.getByRole('textbox', { name: 'Email' }).fill('ada@fresh.example.com')
    await panel.getByRole('button', { name: 'Save to App Store Connect' }).click()
    await panel
      .getByRole('status')
      .getByText(/Saved to App Store Connect/)
      .waitFor({ timeout: 15_000 })
    for (const field of ['description', 'keywords', 'supportUrl', 'privacyPolicyUrl', 'primaryCategory'])
      expect(await missing.locator(`[data-field="${field}"]`).count()).toBe(0)

    // A wrong-size image is refused locally, naming the file and the sizes the slot takes.
    const slot = '[data-display-type="APP_IPHONE_67"]'
    await dropImages(page, slot, [{ name: 'small.png', bytes: pngImage(1000, 1000) }])
    await panel
      .getByRole('alert')
      .getByText(
        /small\.png is 1000x1000 pixels; the 6\.9-inch iPhone slot takes 1260x2736, 1290x2796, 1320x2868/,
      )
      .waitFor()

    // Screenshots dropped on the 6.9-inch slot go up with progress, and are listed in order.
    await dropImages(page, slot, [
      { name: 'home.png', bytes: pngImage(1290, 2796, { seed: 1 }) },
      { name: 'plan.png', bytes: pngImage(1290, 2796, { seed: 2 }) },
    ])
    const uploads = panel.getByRole('list', { name: 'Screenshot uploads' })
    await uploads.getByRole('progressbar', { name: 'home.png upload' }).waitFor()
    const shots = panel.getByRole('list', { name: '6.9-inch iPhone screenshots' })
    await shots.getByText('plan.png').waitFor({ timeout: 30_000 })
    expect(await uploads.getByText('Uploaded').count()).toBe(2)
    expect(await shots.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('home.png'),
      expect.stringContaining('plan.png'),
    ])
    // Reorder, then delete one.
    await shots.getByRole('button', { name: 'Move plan.png earlier' }).click()
    await expect
      .poll(() => shots.getByRole('listitem').allTextContents())
      .toEqual([expect.stringContaining('plan.png'), expect.stringContaining('home.png')])
    await shots.getByRole('button', { name: 'Delete home.png' }).click()
    await expect.poll(() => shots.getByRole('listitem').count()).toBe(1)

    await panel.getByRole('heading', { name: 'Ready for App Review' }).waitFor({ timeout: 15_000 })
    await expectAccessible(page)
    await panel.locator('#store-screenshots').evaluate((el) => el.scrollIntoView())
    await screenshot(page, '31-store-info-ready')

    // Publish: straight to App Store review.
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    // The App Store panel's copyright is what Publish sends: the reminder about it goes.
    const reminders = panel.getByRole('list', { name: 'Reminders' })
    expect(await reminders.locator('[data-field="copyright"]').count()).toBe(1)
    await page.getByRole('textbox', { name: 'Copyright' }).fill('2026 Fresh Start Ltd')
    await expect
      .poll(() => reminders.locator('[data-field="copyright"]').count(), { timeout: 15_000 })
      .toBe(0)
    const publish = page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
    await readyToPublish(page, 20_000)
    await publish.click()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 90_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('submitted-for-review')
    await outcome.getByText('Submitted for review').first().waitFor()

    const state = await sandboxState(session.web.sandboxUrl())
    expect(state.reviewSubmissions.some((s) => s.state === 'WAITING_FOR_REVIEW')).toBe(true)
  })
})

describe('the App Store information panel in the dark', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-store-info-dark-',
    colorScheme: 'dark',
    webArgs: seededWeb(seed()),
    open: true,
  })

  it('shows the missing items and the form, and axe finds nothing serious', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Fresh.ipa', bundleId: BUNDLE_ID, version: '1.0', buildNumber: '1' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const panel = page.getByRole('region', { name: 'App Store information' })
    // An iPhone and iPad build: both slots are required.
    await panel.locator('[data-display-type="APP_IPAD_PRO_3GEN_129"]').waitFor({ timeout: 15_000 })
    await panel.getByRole('list', { name: 'Missing for App Review' }).waitFor()
    await panel.evaluate((el) => el.scrollIntoView())
    await expectAccessible(page)
    await screenshot(page, '32-store-info-dark')
  })
})
