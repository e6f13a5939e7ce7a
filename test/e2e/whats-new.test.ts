import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import {
  expectAccessible,
  readyToPublish,
  sandboxState,
  screenshot,
  seededWeb,
  windowSession,
} from './support/web-app'

/** The App Store panel's What's New: shown for an update (one field per locale), blocking Publish while empty. */

async function chooseBuild(page: Page, file: string): Promise<void> {
  await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(file)
  await page.getByText(path.basename(file)).first().waitFor()
}

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

async function planUpToDate(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.plan-state').textContent(), { timeout: 15_000 }).toBe('Up to date')
}

describe("What's New in the window", () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-whats-new-',
    open: true,
    webArgs: seededWeb(
      {
        apps: [
          {
            bundleId: 'com.example.ascent.demo',
            name: 'Ascent Demo',
            locales: ['en-US', 'de-DE'],
            versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' }],
          },
          { bundleId: 'com.example.first', name: 'First App' },
        ],
      },
      ['--processing-ms', '100'],
    ),
  })

  it('is not offered for a first version', async () => {
    const { page } = session
    await chooseBuild(
      page,
      await makeIpa({ fileName: 'First.ipa', bundleId: 'com.example.first' }, session.dir),
    )
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await planUpToDate(page)
    expect(await page.getByRole('group', { name: 'What’s New' }).count()).toBe(0)
    await readyToPublish(page)
  })

  it('is shown for an update with its locales, primary first, and Publish waits for it', async () => {
    const { page } = session
    await chooseBuild(page, await makeIpa({ fileName: 'Update.ipa' }, session.dir))
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    const field = page.getByRole('group', { name: 'What’s New' })
    await field.waitFor()
    const labels = await field.locator('label').allTextContents()
    expect(labels).toEqual(['en-US (primary)', 'de-DE'])
    await expect.poll(() => publishButton(page).isDisabled()).toBe(true)
    await expect
      .poll(() => page.locator('#publish-blockers').textContent())
      .toContain(
        'What’s New: this version is an update, and App Store review needs release notes (en-US, de-DE)',
      )
    await screenshot(page, 'whats-new-empty')
    await expectAccessible(page)

    await field.getByRole('textbox', { name: 'en-US (primary)' }).fill('Faster sync.')
    await field.getByRole('textbox', { name: 'de-DE' }).fill('Schnellere Synchronisierung.')
    await planUpToDate(page)
    await readyToPublish(page)
    expect(await page.locator('[data-step="app-store"]').textContent()).toContain('What’s New (de-DE)')

    await publishButton(page).click()
    const outcome = page.locator('.outcome')
    await outcome.waitFor({ timeout: 60_000 })
    expect(await outcome.getAttribute('data-outcome')).toBe('submitted-for-review')
    const state = await sandboxState(session.web.sandboxUrl())
    const version = state.versions.find((v) => v.versionString === '1.1.0')
    expect(version?.localizations.map((l) => [l.locale, l.whatsNew])).toEqual([
      ['en-US', 'Faster sync.'],
      ['de-DE', 'Schnellere Synchronisierung.'],
    ])
  })
})

describe('Fill in for What’s New while App Store submission is off', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-whats-new-off-',
    open: true,
    webArgs: seededWeb({
      apps: [
        {
          bundleId: 'com.example.ascent.demo',
          name: 'Ascent Demo',
          versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' }],
        },
      ],
    }),
  })

  it('takes the focus to Submit to App Store, which the greyed-out field waits for', async () => {
    const { page } = session
    await chooseBuild(page, await makeIpa({ fileName: 'Update.ipa' }, session.dir))
    const missing = page
      .getByRole('region', { name: 'App Store information' })
      .getByRole('list', { name: 'Missing for App Review' })
    await missing.waitFor({ timeout: 15_000 })
    await missing.locator('[data-field="whatsNew"]').getByRole('button', { name: 'Fill in' }).click()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('label')?.textContent))
      .toBe('Submit to App Store')
    // Turned on, the field is there and Fill in reaches it.
    await page.keyboard.press('Space')
    await page.getByRole('group', { name: 'What’s New' }).waitFor()
    await missing.locator('[data-field="whatsNew"]').getByRole('button', { name: 'Fill in' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('whats-new-en-US')
  })
})
