import path from 'node:path'
import { readFile, writeFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { DEMO_BUNDLE_ID, encodePlist, makeIpa, makeZip } from '../fixtures/build-factory'
import { expectAccessible, readyToPublish, screenshot, windowSession } from './support/web-app'

/** Choosing builds: the hand lands on the card; a bad file after a good one keeps the good one and says why. */
describe('choosing a build in the window', () => {
  const session = windowSession({ tempPrefix: 'ascent-e2e-choice-', open: true })
  const input = () => session.page.locator('input[type=file][accept=".ipa,.pkg"]').first()

  it('loads with a favicon and no request that fails', async () => {
    const { page } = session
    const failed: string[] = []
    const onResponse = (r: { status(): number; url(): string }): void => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`)
    }
    page.on('response', onResponse)
    await page.reload()
    await page.locator('.badge-sandbox').waitFor()
    page.off('response', onResponse)
    expect(failed).toEqual([])
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/)
    expect(await page.title()).toBe('Ascent')
  })

  it('moves focus to the build card heading once a build is read', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'Good.ipa', buildNumber: '610' }, session.dir)
    await input().setInputFiles(ipa)
    await page.getByText('1.1.0 (610)').first().waitFor()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName))
      .toBe('build-heading')
  })

  it('a bad file after a good one keeps the loaded build, names the file and says what to do', async () => {
    const { page } = session
    const notes = path.join(session.dir, 'notes.txt')
    await writeFile(notes, 'not a build')
    await input().setInputFiles(notes)
    const alert = page.locator('.build-card [role=alert]')
    await expect
      .poll(() => alert.textContent())
      .toBe('notes.txt is not a build: choose an .ipa or .pkg file.')
    await expect.poll(() => page.getByText('1.1.0 (610)').first().isVisible()).toBe(true)

    const zip = await makeZip(
      {
        'AscentDemo.app/Contents/Info.plist': encodePlist({
          CFBundleIdentifier: DEMO_BUNDLE_ID,
          CFBundleShortVersionString: '1.0',
          CFBundleVersion: '1',
        }),
      },
      path.join(session.dir, 'macos.zip'),
    )
    await input().setInputFiles(zip)
    // The CLI's words: a zipped .app is exported as a .pkg.
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toMatch(
        /^Could not open macos\.zip: a zipped \.app is not an uploadable build: export a \.pkg from Xcode .*\.$/,
      )
    await expect.poll(() => page.getByText('1.1.0 (610)').first().isVisible()).toBe(true)
    await page.getByTestId('group-list').waitFor()
    await expectAccessible(page)
  })

  it('a reload keeps the chosen build with its settings and plan; after Close a reload starts empty', async () => {
    const { page } = session
    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Kept across a reload.')
    const memory = path.join(session.web.dir, 'data', 'release-settings.json')
    await expect
      .poll(() => readFile(memory, 'utf8').catch(() => ''), { timeout: 10_000 })
      .toContain('Kept across a reload.')

    await page.reload()
    await page.getByText('1.1.0 (610)').first().waitFor()
    await page.getByTestId('group-list').waitFor()
    expect(await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'What to Test' }).inputValue()).toBe(
      'Kept across a reload.',
    )
    await readyToPublish(page)
    // The build, not the message about the file that failed after it.
    expect(await page.locator('.build-card [role=alert]').count()).toBe(0)
    await screenshot(page, 'build-after-reload')

    await page.locator('.build-card').getByRole('button', { name: 'Close' }).click()
    await page.reload()
    await page.locator('.badge-sandbox').waitFor()
    expect(await page.locator('.drop-zone').isVisible()).toBe(true)
    expect(await page.locator('.build-card').count()).toBe(0)
  })
})
