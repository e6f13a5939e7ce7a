import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, readyToPublish, sandboxState, screenshot, windowSession } from './support/web-app'

// A newcomer's own build in the default sandbox: the window adds its app record instead of a dead end.

describe('a build the sandbox does not know, through ascent web --sandbox', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-new-app-', open: true })

  it('adds the app to the sandbox, shows its groups and publishes the build to TestFlight', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Weather.ipa', bundleId: 'org.newcomer.weather', version: '3.0', buildNumber: '12' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const add = page.getByRole('button', { name: 'Add this app to the sandbox' })
    await add.waitFor()
    await page.locator('[data-code="APP_NOT_FOUND"]').getByText('The sandbox has no app').waitFor()
    // No way out that cannot be taken: no "create the app record" advice, no link to appstoreconnect.apple.com.
    expect(await page.getByText('create the app record').count()).toBe(0)
    expect(await page.locator('a[href*="appstoreconnect.apple.com"]').count()).toBe(0)
    await screenshot(page, '20-sandbox-unknown-app')
    await expectAccessible(page)

    await add.click()
    await page.getByTestId('group-list').waitFor()
    for (const name of ['Core Team', 'QA', 'Public Beta', 'Friends & Family'])
      await page.getByRole('checkbox', { name, exact: true }).waitFor()
    await page.locator('.app-name').getByText('Weather').waitFor()
    expect(await page.locator('a[href*="appstoreconnect.apple.com"]').count()).toBe(0)
    await screenshot(page, '21-sandbox-app-added')

    await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('The forecast screen.')
    const publish = page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
    await readyToPublish(page)
    await publish.click()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 60_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('testflight')
    expect(await page.locator('a[href*="appstoreconnect.apple.com"]').count()).toBe(0)

    // History says where the run went, and links nowhere on Apple's site.
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click()
    await page.locator('.run-sandbox').getByText('Sandbox').first().waitFor()
    expect(await page.locator('a[href*="appstoreconnect.apple.com"]').count()).toBe(0)
    await screenshot(page, '22-sandbox-history')

    const state = await sandboxState(session.web.sandboxUrl())
    expect(state.builds.find((b) => b.buildNumber === '12')).toMatchObject({
      processingState: 'VALID',
      groups: ['QA'],
    })
  })
})
