import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { SETTINGS_KEYS } from '../../shared/release-settings'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, readyToPublish, windowSession } from './support/web-app'

/** Each fact has one home on screen, and the window names its own fields, not codemagic.yaml's keys. */

const YEAR = new Date().getFullYear() + 1

/** The publish screen's text as a person reads it (the menus' option lists left out). */
async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const main = document.querySelector('main')
    if (!main) return ''
    const copy = main.cloneNode(true) as HTMLElement
    copy.querySelectorAll('select').forEach((s) => s.remove())
    // innerText needs layout: the copy is measured off screen, then removed.
    copy.style.position = 'absolute'
    copy.style.left = '-10000px'
    document.body.append(copy)
    const text = copy.innerText
    copy.remove()
    return text
  })
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length
}

/** codemagic.yaml's keys (earliest_release_date, submit_to_testflight, …) on the publish screen. */
function yamlKeys(text: string): string[] {
  return SETTINGS_KEYS.filter((key) => key.includes('_') && text.includes(key))
}

function publishButton(page: Page) {
  return page.getByRole('main').getByRole('button', { name: 'Publish', exact: true })
}

async function planChecked(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.plan').getAttribute('aria-busy'), { timeout: 15_000 }).toBe('false')
  await page.locator('.plan-steps [data-step="preflight"]').waitFor()
}

describe('the window says each thing once, in its own words', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-once-', open: true })
  const input = () => session.page.locator('input[type=file][accept=".ipa,.pkg"]')

  it('a build whose app is not in App Store Connect: said once, on the app card, with one instruction', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'Stranger.ipa', bundleId: 'org.example.stranger', buildNumber: '11' },
      session.dir,
    )
    await input().setInputFiles(ipa)
    await page.getByRole('button', { name: 'Add this app to the sandbox' }).waitFor()
    await planChecked(page)
    const text = await screenText(page)
    expect(count(text, /has no app with bundle id|no app with bundle id/i)).toBe(1)
    expect(await page.locator('[data-code="APP_NOT_FOUND"]').count()).toBe(1)
    expect(
      await page.locator('.app-match [data-code="APP_NOT_FOUND"]').getByText('org.example.stranger').count(),
    ).toBe(1)
    // The Preflight step points at the problem instead of saying it again, and nothing claims "Up to date".
    expect(await page.locator('.plan-steps [data-step="preflight"]').textContent()).toBe(
      'PreflightStops here until the problems shown are fixed',
    )
    expect(await page.locator('.plan-state').textContent()).toBe('')
    expect(await publishButton(page).isDisabled()).toBe(true)
  })

  it('a build without an export-compliance answer: the build card says it, once', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'NoAnswer.ipa', buildNumber: '12', usesNonExemptEncryption: null },
      session.dir,
    )
    await input().setInputFiles(ipa)
    await page.getByText('1.1.0 (12)').first().waitFor()
    await planChecked(page)
    const text = await screenText(page)
    expect(count(text, /ITSAppUsesNonExemptEncryption/)).toBe(1)
    expect(count(text, /export.compliance/i)).toBe(2) // the card's note and the plan's TestFlight step, which acts on it
    expect(await page.locator('.build-card [data-code="EXPORT_COMPLIANCE_MISSING"]').count()).toBe(1)
    expect(await page.getByRole('region', { name: 'Build problems' }).count()).toBe(0)
    expect(yamlKeys(text)).toEqual([])
  })

  it('a build Apple would refuse: its error is listed once, not again in the Preflight step', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'AdHoc.ipa', buildNumber: '13', profileType: 'ad-hoc' },
      session.dir,
    )
    await input().setInputFiles(ipa)
    await page.getByText('1.1.0 (13)').first().waitFor()
    await planChecked(page)
    const text = await screenText(page)
    expect(count(text, /ad-hoc profile/)).toBe(1)
    expect(await page.locator('.plan-steps [data-step="preflight"]').textContent()).toBe(
      'PreflightStops here until the problems shown are fixed',
    )
    expect(await page.locator('.plan-state').textContent()).toBe('')
    await expectAccessible(page)
  })

  it("preflight's refusals name the window's fields, not codemagic.yaml's keys or the CLI's options", async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Words.ipa', buildNumber: '14' }, session.dir)
    await input().setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    // An external group without beta review.
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).uncheck()
    await page.getByRole('checkbox', { name: 'Public Beta' }).check()
    // A Scheduled release with no date yet.
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    await planChecked(page)
    const problems = page.getByRole('region', { name: 'Preflight problems' })
    await expect
      .poll(() => problems.locator('[data-code="EXTERNAL_GROUP_NEEDS_REVIEW"]').textContent())
      .toContain('turn on Submit to TestFlight in the TestFlight panel (or pick internal groups only)')
    const text = await screenText(page)
    expect(yamlKeys(text)).toEqual([])
    expect(text).not.toMatch(/--[a-z]+-[a-z-]+/)
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}/)
    // The date's refusal is said by its field, and only pointed at beside Publish.
    expect(count(text, /needs the date and hour/)).toBe(1)
    await page.locator('.date-picker').getByText('A Scheduled release needs the date and hour').waitFor()
    await page.getByRole('checkbox', { name: 'Public Beta' }).uncheck()
    await page.getByRole('textbox', { name: 'en-US (primary)' }).fill('Faster sync.')
    await expect
      .poll(() => page.locator('#publish-blockers').textContent(), { timeout: 15_000 })
      .toBe('Earliest release date: see the message under the field in the App Store panel.')
  })

  it('a file that is not a codemagic.yaml, picked to import, is one message naming the file', async () => {
    const { page } = session
    const yamlInput = page.locator('input[type=file][accept=".yaml,.yml"]')
    // A build picked in the import dialog.
    const ipa = await makeIpa({ fileName: 'Picked.ipa', buildNumber: '15' }, session.dir)
    await yamlInput.setInputFiles(ipa)
    const alert = page.locator('.config-bar [role=alert]')
    await expect
      .poll(() => alert.allTextContents())
      .toEqual(['Could not import Picked.ipa: it holds binary data, not a codemagic.yaml.'])
    // Text that is not YAML: its first error, once, starting with the file's name.
    const notes = path.join(session.dir, 'notes.yaml')
    await writeFile(notes, 'release: [unclosed\n  - : : {\n  ]]\n\t- tab\n')
    await yamlInput.setInputFiles(notes)
    const problems = page.getByRole('list', { name: 'codemagic.yaml problems' })
    await problems.waitFor()
    expect(await problems.getByRole('listitem').count()).toBe(1)
    expect(await problems.getByRole('listitem').textContent()).toMatch(
      /^notes\.yaml is not valid YAML at line \d+, column \d+: /,
    )
    await page.getByText('Nothing applied from notes.yaml').waitFor()
    expect(count(await screenText(page), /not valid YAML/)).toBe(1)
    expect(await alert.count()).toBe(0)
    await expectAccessible(page)
  })

  it('a date typed without an hour takes the Hour menu’s hour, and says so when the field is left', async () => {
    const { page } = session
    const dateField = page.getByRole('textbox', { name: 'Earliest release date' })
    const hour = page.getByRole('combobox', { name: 'Hour' })
    const message = page.locator('.date-picker')
    expect(await hour.inputValue()).toBe('10')
    await dateField.fill(`${YEAR}-12-01`)
    // Europe/Riga is UTC+2 in December: 10:00 there is 08:00 UTC.
    await message.getByText(`= ${YEAR}-12-01 08:00 UTC`).waitFor()
    expect(await message.textContent()).not.toContain('needs an hour')
    await dateField.press('Tab')
    await expect.poll(() => dateField.inputValue()).toBe(`${YEAR}-12-01 10:00`)
    await hour.selectOption('14')
    await expect.poll(() => dateField.inputValue()).toBe(`${YEAR}-12-01 14:00`)
    await message.getByText(`= ${YEAR}-12-01 12:00 UTC`).waitFor()
    // Typing a full hour moves the menu with it.
    await dateField.fill(`${YEAR}-12-02 09:00`)
    await expect.poll(() => hour.inputValue()).toBe('9')
    // The zone's offset beside it is the chosen day's: summer time in July, not today's winter offset.
    await dateField.fill(`${YEAR}-07-01 14:00`)
    await message.getByText(`= ${YEAR}-07-01 11:00 UTC`).waitFor()
    expect(await message.locator('.zone-offset').textContent()).toBe('UTC+03:00')
  })
})

describe('App Store settings left half-done, then App Store submission turned off', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-once-off-', open: true })

  it('do not hold back a TestFlight-only publish', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'TestFlightOnly.ipa', buildNumber: '12' }, session.dir)
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByTestId('group-list').waitFor()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    await page.getByRole('textbox', { name: 'Earliest release date' }).fill('tomorrow')
    await expect.poll(() => publishButton(page).isDisabled()).toBe(true)
    // Only TestFlight now: the App Store fields are greyed out and nothing of them is sent.
    await page.getByRole('checkbox', { name: 'Submit to App Store' }).uncheck()
    await planChecked(page)
    await readyToPublish(page)
  })
})
