import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { sandboxCredentials } from '../support/cli'
import { startTestSandbox, type TestSandbox } from '../support/sandbox'
import { readyToPublish, windowSession } from './support/web-app'

/**
 * App Review refuses the review item after preflight passed (the version's text was cleared in App Store
 * Connect while the build was uploading): the window's failed step names each missing item Apple lists in
 * `meta.associatedErrors`, not only Apple's title.
 */

const BUNDLE = 'com.example.refused.window'
const PROCESSING_MS = 3_600_000

type Docs = { data: { id: string }[] }

async function call<T>(sb: TestSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const res = await sb.call(method, path, body)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
  return res.body as T
}

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
    const app = await call<Docs>(sandbox, 'GET', `/v1/apps?filter[bundleId]=${BUNDLE}`)
    const made = await call<{ data: { id: string } }>(sandbox, 'POST', '/v1/appStoreVersions', {
      data: {
        type: 'appStoreVersions',
        attributes: { platform: 'IOS', versionString: '1.1.0' },
        relationships: { app: { data: { type: 'apps', id: app.data[0]?.id ?? '' } } },
      },
    })
    versionId = made.data.id
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
    const texts = await call<Docs>(
      sb,
      'GET',
      `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`,
    )
    for (const t of texts.data) {
      await call(sb, 'PATCH', `/v1/appStoreVersionLocalizations/${t.id}`, {
        data: {
          type: 'appStoreVersionLocalizations',
          id: t.id,
          attributes: { description: null, keywords: null, supportUrl: null },
        },
      })
    }
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
