import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { sandboxCredentials } from '../support/cli'
import { clearVersionText, makeVersion } from '../support/people-in-app-store-connect'
import { startTestSandbox, type TestSandbox } from '../support/sandbox'
import { readyToPublish, windowSession } from './support/web-app'

/**
 * App Review refuses the review item after preflight passed (the version's text was cleared in App Store
 * Connect while the build was uploading): the window's failed step names each missing item Apple lists in
 * `meta.associatedErrors`, not only Apple's title.
 */

const BUNDLE = 'com.example.refused.window'
const PROCESSING_MS = 3_600_000

describe('App Review refuses the review item after preflight, in the window', () => {
  let sandbox: TestSandbox | undefined
  let versionId = ''
  // Registered before the window's hooks, so the sandbox is up when `ascent web` starts.
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      processingMs: PROCESSING_MS,
      reviewMs: 600_000,
      seed: {
        apps: [
          {
            bundleId: BUNDLE,
            name: 'Refused',
            versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' }],
          },
        ],
      },
    })
    // Version 1.1.0 made in App Store Connect beforehand, its text filled in.
    versionId = await makeVersion(sandbox, BUNDLE, '1.1.0')
  })
  afterAll(async () => {
    await sandbox?.close()
  })
  const session = windowSession({
    tempPrefix: 'ascent-e2e-refused-',
    keyEnv: () => {
      if (!sandbox) throw new Error('the test sandbox did not start')
      return sandboxCredentials(sandbox)
    },
  })

  it('shows each associated error on the failed review step', async () => {
    const { page } = session
    const sb = sandbox!
    await page.goto(session.web.url)
    const ipa = await makeIpa(
      { fileName: 'Refused.ipa', bundleId: BUNDLE, version: '1.1.0', buildNumber: '7' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByText('1.1.0 (7)').first().waitFor()
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await page.getByRole('textbox', { name: 'en-US (primary)' }).fill('Fixes.')
    const publish = page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
    await readyToPublish(page)
    await publish.click()

    // Preflight found the version ready and every byte went out; while Apple verifies the upload someone
    // clears the version's text in App Store Connect, and the sandbox's clock moves past processing.
    await page
      .locator('.timeline-step[data-step="upload"]')
      .getByText('Verifying')
      .waitFor({ timeout: 30_000 })
    await clearVersionText(sb, versionId)
    sb.advanceClock(PROCESSING_MS)

    const failed = page.locator('.timeline-step[data-step="review"] .timeline-error')
    await failed.waitFor({ timeout: 60_000 })
    const said = (await failed.locator('strong').textContent()) ?? ''
    expect(said).toContain('This resource cannot be reviewed')
    expect(said).toContain(
      '3 associated errors: description (en-US) is required; keywords (en-US) is required; supportUrl (en-US) is required',
    )
  }, 120_000)
})
