import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { sandboxCredentials } from '../support/cli'
import { startTestSandbox, type TestSandbox } from '../support/sandbox'
import { expectAccessible, windowSession } from './support/web-app'

/** With a real key (here a test sandbox reached as App Store Connect), a missing app record is said once, one way. */
describe('a build whose app is not in App Store Connect, with a key', () => {
  let sandbox: TestSandbox | undefined
  // Registered before the window's hooks, so the sandbox is up when `ascent web` starts.
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => {
    await sandbox?.close()
  })
  const session = windowSession({
    tempPrefix: 'ascent-e2e-key-',
    keyEnv: () => {
      if (!sandbox) throw new Error('the test sandbox did not start')
      return sandboxCredentials(sandbox)
    },
  })

  it('says so on the app card only, with one way to create the record', async () => {
    const { page } = session
    await page.goto(session.web.url)
    const ipa = await makeIpa(
      { fileName: 'Unknown.ipa', bundleId: 'org.example.unknown', buildNumber: '3' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    const card = page.locator('.app-match [data-code="APP_NOT_FOUND"]')
    await card.waitFor({ timeout: 15_000 })
    expect(await card.textContent()).toMatch(
      /^No app with bundle id org\.example\.unknown in App Store Connect: create the app record \(Apps → \+ → New App\) with exactly this bundle id/,
    )
    await expect
      .poll(() => page.locator('.plan').getAttribute('aria-busy'), { timeout: 15_000 })
      .toBe('false')
    await page.locator('.plan-steps [data-step="preflight"]').waitFor()
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
    expect(text.match(/no app with bundle id/gi)).toHaveLength(1)
    expect(text).not.toContain('My Apps')
    expect(await page.locator('[data-code="APP_NOT_FOUND"]').count()).toBe(1)
    expect(await page.locator('.plan-state').textContent()).toBe('')
    await expectAccessible(page)
  })
})
