import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, screenshot, windowSession } from './support/web-app'

const YEAR = new Date().getFullYear() + 1

async function chooseBuild(page: Page, file: string): Promise<void> {
  await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(file)
  await page.getByTestId('group-list').waitFor()
}

async function exportedText(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Export codemagic.yaml' }).click()
  const exported = page.getByRole('region', { name: 'Exported codemagic.yaml' })
  await exported.waitFor()
  const text = (await exported.locator('pre').textContent()) ?? ''
  await exported.getByRole('button', { name: 'Close' }).click()
  return text
}

describe('release settings are remembered per app', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-memory-', open: true })

  it('come back after a reload when a build of the app is chosen again, and Export writes what the form shows', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Memory.ipa', version: '1.4.0', buildNumber: '700' }, session.dir)
    await chooseBuild(page, ipa)
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('checkbox', { name: 'Public Beta' }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('The remembered notes.')
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    await page.getByRole('textbox', { name: 'Earliest release date' }).fill(`${YEAR}-11-02 09:00`)
    await page.getByRole('textbox', { name: 'Copyright' }).fill(`${YEAR} Remembered Inc.`)
    await page.getByRole('radio', { name: 'On', exact: true }).check()

    // Kept on disk in the data directory, as the form changes.
    const memory = path.join(session.web.dir, 'data', 'release-settings.json')
    await expect
      .poll(() => readFile(memory, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toMatch(/"phasedRelease": true/)
    const before = await exportedText(page)

    // Closed, so the reload does not bring the build back: a fresh window shows defaults until a build says
    // which app it is.
    await page.locator('.build-card').getByRole('button', { name: 'Close' }).click()
    await page.reload()
    await page.locator('.badge-sandbox').waitFor()
    await chooseBuild(page, ipa)
    await page.getByText('Settings last used for com.example.ascent.demo').waitFor()
    expect(await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).isChecked()).toBe(true)
    expect(await page.getByRole('checkbox', { name: 'QA', exact: true }).isChecked()).toBe(true)
    expect(await page.getByRole('checkbox', { name: 'Public Beta' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'What to Test' }).inputValue()).toBe(
      'The remembered notes.',
    )
    expect(await page.getByRole('checkbox', { name: 'Submit to App Store' }).isChecked()).toBe(true)
    expect(await page.getByRole('radio', { name: 'Scheduled' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'Earliest release date' }).inputValue()).toBe(
      `${YEAR}-11-02 09:00`,
    )
    expect(await page.getByRole('textbox', { name: 'Copyright' }).inputValue()).toBe(
      `${YEAR} Remembered Inc.`,
    )
    expect(await page.getByRole('radio', { name: 'On', exact: true }).isChecked()).toBe(true)
    await screenshot(page, 'release-remembered')
    await expectAccessible(page)

    // Export writes every setting the form shows, as it did before the reload.
    const after = await exportedText(page)
    expect(after).toBe(before)
    for (const line of [
      'submit_to_testflight: true',
      '- QA',
      '- Public Beta',
      'what_to_test: The remembered notes.',
      'submit_to_app_store: true',
      'release_type: SCHEDULED',
      `earliest_release_date: ${YEAR}-11-02T09:00:00+02:00`,
      `copyright: ${YEAR} Remembered Inc.`,
      'phased_release: true',
    ])
      expect(after).toContain(line)
  }, 120_000)

  it('a codemagic.yaml with errors applies nothing, says so, and the header does not claim it', async () => {
    const { page } = session
    const bad = path.join(session.dir, 'broken.yaml')
    await writeFile(
      bad,
      'workflows:\n  ios:\n    publishing:\n      app_store_connect:\n        auth: integration\n        submit_to_testflight: false\n        release_type: SOMETIMES\n',
    )
    await page.locator('input[type=file][accept=".yaml,.yml"]').setInputFiles(bad)
    await page.getByRole('list', { name: 'codemagic.yaml problems' }).waitFor()
    await page.getByText('Nothing applied from broken.yaml').waitFor()
    expect(await page.getByText(/^From broken\.yaml/).count()).toBe(0)
    // The form is as it was.
    expect(await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'What to Test' }).inputValue()).toBe(
      'The remembered notes.',
    )
    await screenshot(page, 'config-import-refused')
    await expectAccessible(page)
  })
})
