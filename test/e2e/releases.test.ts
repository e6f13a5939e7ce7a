import { describe, expect, it } from 'vitest'
import { expectAccessible, screenshot, seededWeb, windowSession } from './support/web-app'

const BUNDLE = 'com.example.ascent.demo'

const SEED = {
  apps: [
    {
      bundleId: BUNDLE,
      name: 'Ascent Demo',
      platforms: ['IOS'],
      betaGroups: [{ name: 'QA', isInternal: true }],
      versions: [
        { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
        { platform: 'IOS', versionString: '1.1.0', state: 'WAITING_FOR_REVIEW' },
      ],
      builds: [
        { versionString: '1.0.0', buildNumber: '1', platform: 'IOS', state: 'VALID' },
        { versionString: '1.1.0', buildNumber: '5', platform: 'IOS', state: 'VALID' },
      ],
    },
  ],
}

async function decide(sandboxUrl: string, decision: 'approve' | 'reject'): Promise<void> {
  const res = await fetch(new URL('/__sandbox/review', sandboxUrl), {
    method: 'POST',
    body: JSON.stringify({ bundleId: BUNDLE, kind: 'app-store', decision }),
  })
  expect(res.status).toBe(200)
}

describe('Releases: live states after submission, through ascent web --sandbox', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-releases-',
    open: true,
    webArgs: seededWeb(SEED),
  })

  it('shows an approval without a reload, with an in-page notice, and "Release now" puts it on sale', async () => {
    const { page, web } = session
    await page.getByRole('button', { name: 'Releases' }).click()
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor()
    await page.getByText('Nothing watched yet').waitFor()
    await page.getByRole('textbox', { name: 'Watch an app' }).fill(BUNDLE)
    await page.getByRole('button', { name: 'Watch', exact: true }).click()
    const card = page.getByRole('region', { name: 'Ascent Demo releases' })
    const pending = card.locator('[data-version="1.1.0"]')
    await pending.getByText('Waiting for review').waitFor()
    // Its review submission waits too: said once, and how it will be released is in the future tense.
    expect(await pending.locator('.release-detail').textContent()).toBe('You release it once approved')
    await expect.poll(() => pending.getByRole('button', { name: 'Cancel review' }).count()).toBe(1)
    await screenshot(page, '20-releases-waiting')

    // Cancel review asked for, and App Review decides before it is confirmed: the refusal is said in words.
    await pending.getByRole('button', { name: 'Cancel review' }).click()
    await decide(web.sandboxUrl(), 'approve')
    await pending.getByText('Approved, waiting for you to release it').waitFor()
    await pending.getByRole('button', { name: 'Yes, cancel review' }).click()
    const refusal = page.getByRole('alert')
    await refusal.getByText(/Cancel review is not possible/).waitFor()
    expect(await refusal.textContent()).toContain('1.1.0 is approved, waiting for you to release it')
    expect(await refusal.textContent()).not.toMatch(/[A-Z]+_[A-Z_]+/)
    const notice = page.getByRole('status').getByText('Ascent Demo 1.1.0: Approved: ready to release')
    await notice.waitFor()
    await card
      .getByRole('list', { name: 'Ascent Demo timeline' })
      .getByText('Approved: ready to release')
      .waitFor()
    await screenshot(page, '21-releases-approved')
    await expectAccessible(page)

    await pending.getByRole('button', { name: 'Release now' }).click()
    const confirm = pending.getByRole('group', { name: 'Confirm' })
    await confirm.getByText('puts the approved version on the App Store now').waitFor()
    await confirm.getByRole('button', { name: 'Yes, release now' }).click()
    await pending.getByText('On the App Store').waitFor()
    expect(await card.locator('[data-version="1.0.0"]').count()).toBe(0)
    await screenshot(page, '22-releases-on-sale')
  })

  it('a refused action says the state and what is possible', async () => {
    const { page } = session
    const message = await page.evaluate(
      async (bundleId) =>
        window.ascent
          ?.releaseAction({ bundleId, versionString: '1.1.0', action: 'pause' })
          .then(() => 'done')
          .catch((error: Error) => error.message),
      BUNDLE,
    )
    expect(message).toBe(
      'Pause phased release is not possible: 1.1.0 is READY_FOR_SALE, review submission COMPLETE. Nothing can be done to it now.',
    )
  })
})

describe('Releases of an app on two platforms with the same version', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-releases-two-',
    open: true,
    webArgs: seededWeb({
      apps: [
        {
          bundleId: 'org.example.both',
          name: 'Both',
          platforms: ['IOS', 'TV_OS'],
          versions: [
            { platform: 'IOS', versionString: '1.0', state: 'READY_FOR_DISTRIBUTION' },
            { platform: 'IOS', versionString: '1.1', state: 'WAITING_FOR_REVIEW' },
            { platform: 'TV_OS', versionString: '1.1', state: 'WAITING_FOR_REVIEW' },
          ],
        },
      ],
    }),
  })

  it('asks to confirm on the row pressed, and cancels that platform’s review only', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'Releases' }).click()
    await page.getByRole('textbox', { name: 'Watch an app' }).fill('org.example.both')
    await page.getByRole('button', { name: 'Watch', exact: true }).click()
    const card = page.getByRole('region', { name: 'Both releases' })
    const row = (platform: string) =>
      card.locator('[data-version="1.1"]').filter({ hasText: new RegExp(`^${platform} 1\\.1`) })
    await row('tvOS').getByText('Waiting for review').waitFor()
    await row('iOS').getByRole('button', { name: 'Cancel review' }).click()
    expect(await card.getByRole('group', { name: 'Confirm' }).count()).toBe(1)
    await row('iOS').getByRole('button', { name: 'Yes, cancel review' }).click()
    await row('iOS').getByText('Review submission: canceling').waitFor()
    await card
      .getByRole('list', { name: 'Both timeline' })
      .getByText('The review submission of 1.1 is now canceling.')
      .waitFor()
    expect(await row('tvOS').locator('.release-detail').textContent()).toBe('You release it once approved')
    expect(await row('tvOS').getByRole('button', { name: 'Cancel review' }).count()).toBe(1)
  })

  it('Escape closes the question, sends nothing, and puts the focus back on the button that asked it', async () => {
    const { page } = session
    const card = page.getByRole('region', { name: 'Both releases' })
    const tvos = card.locator('[data-version="1.1"]').filter({ hasText: /^tvOS 1\.1/ })
    const confirm = card.getByRole('group', { name: 'Confirm' })
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement
        return `${el?.closest('[data-version]')?.querySelector('.release-version-name')?.textContent ?? ''}: ${el?.textContent ?? ''}`
      })
    // By keyboard: Enter on Cancel review asks; the focus goes to Cancel (a second Enter sends nothing).
    await tvos.getByRole('button', { name: 'Cancel review' }).focus()
    await page.keyboard.press('Enter')
    await confirm.getByText('Cancel review Both 1.1').waitFor()
    await expect.poll(focused).toBe('tvOS 1.1: Cancel')
    await screenshot(page, 'releases-confirm-focus')
    await expectAccessible(page)
    await page.keyboard.press('Escape')
    expect(await confirm.count()).toBe(0)
    await expect.poll(focused).toBe('tvOS 1.1: Cancel review')
    // From the Yes button too; the review was not canceled.
    await page.keyboard.press('Enter')
    await confirm.getByRole('button', { name: 'Yes, cancel review' }).focus()
    await page.keyboard.press('Escape')
    expect(await confirm.count()).toBe(0)
    await expect.poll(focused).toBe('tvOS 1.1: Cancel review')
    expect(await tvos.locator('.release-detail').textContent()).toBe('You release it once approved')
  })
})
