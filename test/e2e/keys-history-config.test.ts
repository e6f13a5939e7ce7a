import { generateKeyPairSync } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectAccessible, screenshot, windowSession } from './support/web-app'

const CODEMAGIC_YAML = `# Release settings kept by Ascent
workflows:
  ios-release:
    name: iOS release
    publishing:
      app_store_connect:
        auth: integration
        submit_to_testflight: true
        beta_groups:
          - QA
          - Public Beta
        submit_to_app_store: true
        release_type: AFTER_APPROVAL
        copyright: 2031 Ascent Test Team
        phased_release: false
  ios-beta:
    name: iOS beta
    publishing:
      app_store_connect:
        submit_to_testflight: true
        beta_groups: [Core Team]
`

describe('keys, history and codemagic.yaml through ascent web --sandbox', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-files-',
    colorScheme: 'dark',
    open: true,
  })

  it('opens Keys from the Sandbox badge and adds a .p8 (or says why the keychain cannot take it)', async () => {
    const { page } = session
    await page.getByRole('button', { name: 'Add a real key' }).click()
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('label')?.textContent))
      .toContain('Name')
    await page.getByText('No keys stored').waitFor()
    await screenshot(page, '06-keys-empty-dark')
    await expectAccessible(page)

    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString()
    const p8 = path.join(session.dir, 'AuthKey_ABC123DEFG.p8')
    await writeFile(p8, pem)
    await page.locator('input[type=file][accept=".p8"]').setInputFiles(p8)
    const keyId = page.getByRole('textbox', { name: 'Key ID' })
    await expect.poll(() => keyId.inputValue()).toBe('ABC123DEFG')
    expect(await page.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('ABC123DEFG')
    await page.getByRole('textbox', { name: 'Name' }).fill('Release')
    await expect.poll(() => page.getByRole('button', { name: 'Add key' }).isDisabled()).toBe(true)
    await page.getByRole('textbox', { name: 'Issuer ID' }).fill('69a6de70-1111-2222-3333-444455556666')
    await page.getByRole('button', { name: 'Add key' }).click()

    const banner = page.getByText('No keychain available.')
    const row = page.locator('tr[data-key="Release"]')
    await expect
      .poll(async () => (await banner.count()) + (await row.count()), { timeout: 15_000 })
      .toBeGreaterThan(0)
    if ((await banner.count()) > 0) {
      // No Secret Service on this machine: the key is refused and the reason shown, nothing stored in plain text.
      await page
        .getByRole('alert')
        .filter({ hasText: /keychain/i })
        .first()
        .waitFor()
      expect(await row.count()).toBe(0)
      await screenshot(page, '07-keys-added-dark')
    } else {
      await row.getByText('ABC123DEFG').waitFor()
      // The sandbox does not trust this key: Test reports that, in the row, instead of "Not tested yet".
      await page.getByRole('button', { name: 'Test Release' }).click()
      await expect
        .poll(() => row.locator('.status').textContent(), { timeout: 15_000 })
        .not.toBe('Not tested yet')
      await screenshot(page, '07-keys-added-dark')
      await expectAccessible(page)
      // The question takes the focus to Keep; Escape keeps the key and puts the focus back on Remove.
      const remove = page.getByRole('button', { name: 'Remove Release' })
      await remove.click()
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Keep')
      await screenshot(page, 'keys-remove-confirm')
      await page.keyboard.press('Escape')
      expect(await page.getByRole('button', { name: 'Remove key' }).count()).toBe(0)
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
        .toBe('Remove Release')
      await remove.click()
      await page.getByRole('button', { name: 'Remove key' }).click()
      await expect.poll(() => row.count()).toBe(0)
    }
    await expectAccessible(page)
  })

  it('shows an empty history', async () => {
    const { page } = session
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click()
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor()
    await page.getByText('No runs yet.').waitFor()
    await expectAccessible(page)
  })

  it('imports release settings from a codemagic.yaml with a workflow choice, and exports them back', async () => {
    const { page } = session
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Publish' }).click()
    const yamlPath = path.join(session.dir, 'codemagic.yaml')
    await writeFile(yamlPath, CODEMAGIC_YAML)
    await page.locator('input[type=file][accept=".yaml,.yml"]').setInputFiles(yamlPath)
    const workflow = page.getByRole('combobox', { name: 'Workflow' })
    await workflow.waitFor()
    await workflow.selectOption('ios-release')
    await page.getByText('workflow ios-release').waitFor()

    await page.getByRole('button', { name: 'Export codemagic.yaml' }).click()
    const exported = page.getByRole('region', { name: 'Exported codemagic.yaml' })
    await exported.waitFor()
    const text = (await exported.locator('pre').textContent()) ?? ''
    expect(text).toContain('# Release settings kept by Ascent')
    expect(text).toMatch(/release_type: AFTER_APPROVAL/)
    expect(text).toMatch(/- Public Beta/)
    expect(text).toMatch(/ios-beta/)
    await exported.getByRole('link', { name: /Download/ }).waitFor()
    // A popover over the window: the drop zone stays where it was, and Escape closes it.
    const dropBox = await page.locator('.drop-zone').boundingBox()
    await screenshot(page, '08-codemagic-export-dark')
    await expectAccessible(page)
    await page.keyboard.press('Escape')
    await expect.poll(() => exported.count()).toBe(0)
    expect(await page.locator('.drop-zone').boundingBox()).toEqual(dropBox)
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Export codemagic.yaml')
  })
})
