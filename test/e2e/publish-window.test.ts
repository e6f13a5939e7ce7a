import { describe, expect, it } from 'vitest'
import { makeIpa } from '../fixtures/build-factory'
import { expectAccessible, screenshot, windowSession } from './support/web-app'

describe('the publish window through ascent web --sandbox', () => {
  const session = windowSession({
    tempPrefix: 'ascent-e2e-builds-',
  })

  it('shows the empty drop zone and the Sandbox badge', async () => {
    const { page } = session
    await page.goto(session.web.url)
    await expect.poll(() => page.getByRole('heading', { name: 'Drop an .ipa or .pkg here' }).count()).toBe(1)
    await page.locator('.badge-sandbox').getByText('Sandbox').waitFor()
    await expect.poll(() => page.getByRole('button', { name: 'Add a real key' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByRole('button', { name: 'Choose build…' }).isVisible()).toBe(true)
    await screenshot(page, '01-empty')
    await expectAccessible(page)
  })

  it('reads a chosen build and shows its card, app and groups', async () => {
    const { page } = session
    const ipa = await makeIpa(
      { fileName: 'AscentDemo.ipa', appName: 'AscentDemo', displayName: 'Ascent Demo' },
      session.dir,
    )
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByRole('heading', { name: 'Build' }).waitFor()
    await page.getByText('com.example.ascent.demo').first().waitFor()
    await page.getByText('In the sandbox: nothing here is on appstoreconnect.apple.com.').waitFor()
    expect(await page.getByRole('link', { name: 'Open in App Store Connect' }).count()).toBe(0)
    await page.getByTestId('group-list').waitFor()
    await screenshot(page, '02-build')
    await expectAccessible(page)
  })

  it('sets up TestFlight groups and a scheduled App Store release, and asks for the plan with exactly those settings', async () => {
    const { page } = session
    const planRequests: unknown[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/planPublish')) planRequests.push(JSON.parse(request.postData() ?? 'null'))
    })

    await page.getByRole('checkbox', { name: 'Submit to TestFlight' }).check()
    await page.getByRole('checkbox', { name: 'Expire build submitted for review' }).check()
    await page.getByRole('checkbox', { name: 'QA', exact: true }).check()
    await page.getByRole('searchbox', { name: 'Search groups' }).fill('public')
    await expect.poll(() => page.getByTestId('group-list').getByRole('checkbox').count()).toBe(1)
    await page.getByRole('button', { name: 'Select all' }).click()
    await page.getByRole('searchbox', { name: 'Search groups' }).fill('')
    await expect.poll(() => page.getByRole('checkbox', { name: 'Public Beta' }).isChecked()).toBe(true)
    await expect.poll(() => page.getByRole('checkbox', { name: 'Core Team' }).isChecked()).toBe(false)
    await page.getByRole('textbox', { name: 'What to Test' }).fill('Try the new onboarding.')

    await page.getByRole('checkbox', { name: 'Submit to App Store' }).check()
    const dateField = page.getByRole('textbox', { name: 'Earliest release date' })
    const dateMessage = page.locator('.date-picker')
    const year = new Date().getFullYear() + 1
    // A date with Manual release is refused inline, with the reason.
    await dateField.fill(`${year}-12-01 14:00`)
    await dateMessage.getByText('applies only when Release type is Scheduled').waitFor()
    await page.getByRole('radio', { name: 'Scheduled' }).check()
    // Minutes and the past are refused too.
    await dateField.fill(`${year}-12-01 14:30`)
    await dateMessage.getByText('App Store Connect accepts whole hours only').waitFor()
    await dateField.fill('2020-01-01 10:00')
    await dateMessage.getByText('is in the past').waitFor()
    await expect
      .poll(() => page.getByRole('main').getByRole('button', { name: 'Publish', exact: true }).isDisabled())
      .toBe(true)
    await dateField.fill(`${year}-12-01 14:00`)
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Europe/Riga')
    await page.getByText(`= ${year}-12-01 12:00 UTC`).waitFor()

    // The calendar picks a day and keeps the hour.
    await page.getByRole('button', { name: 'Choose a day in the calendar' }).click()
    const calendar = page.getByRole('dialog', { name: 'Earliest release date calendar' })
    await calendar.waitFor()
    await screenshot(page, '03-calendar')
    await calendar.getByRole('button', { name: new RegExp(`^3 December ${year}, `) }).click()
    await expect.poll(() => dateField.inputValue()).toBe(`${year}-12-03 14:00`)
    await page.getByRole('combobox', { name: 'Hour' }).selectOption('9')
    await expect.poll(() => dateField.inputValue()).toBe(`${year}-12-03 09:00`)
    await page.getByText(`= ${year}-12-03 07:00 UTC`).waitFor()

    const copyright = page.getByRole('textbox', { name: 'Copyright' })
    expect(await copyright.inputValue()).toContain(String(new Date().getUTCFullYear()))
    await copyright.fill(`${year} Ascent Test Team`)
    await page.getByRole('radio', { name: 'On', exact: true }).check()
    await page.getByRole('checkbox', { name: 'Cancel previous submissions' }).check()

    await expect
      .poll(() => planRequests.at(-1), { timeout: 10_000 })
      .toMatchObject([
        {
          file: { name: 'AscentDemo.ipa' },
          settings: {
            submitToTestflight: true,
            expireBuildSubmittedForReview: true,
            betaGroups: ['QA', 'Public Beta'],
            whatToTest: 'Try the new onboarding.',
            submitToAppStore: true,
            releaseType: 'SCHEDULED',
            earliestReleaseDate: `${year}-12-03T09:00:00+02:00`,
            copyright: `${year} Ascent Test Team`,
            phasedRelease: true,
            cancelPreviousSubmissions: true,
          },
        },
      ])
    // 1.1.0 updates the 1.0.0 on sale: review needs its release notes before the plan is clear.
    await page.getByRole('textbox', { name: 'en-US (primary)' }).fill('A new onboarding.')
    // A tall window shows the whole release column in one picture, with the plan for these settings.
    await expect.poll(() => page.locator('.plan-state').textContent(), { timeout: 15_000 }).toBe('Up to date')
    // The plan writes the date as the field does, not as ISO 8601.
    const appStoreStep = (await page.locator('.plan-steps [data-step="app-store"]').textContent()) ?? ''
    expect(appStoreStep).toContain(`not before ${year}-12-03 09:00 UTC+02:00 (${year}-12-03 07:00 UTC)`)
    expect(appStoreStep).not.toMatch(/T\d{2}:\d{2}:\d{2}/)
    await page.setViewportSize({ width: 1280, height: 1480 })
    // From the top: the build, its plan and the release settings, whatever field was typed in last.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.getByRole('main').evaluate((el) => el.scrollTo(0, 0))
    await screenshot(page, '04-release-settings')
    await page.setViewportSize({ width: 1280, height: 820 })
    await expectAccessible(page)
  })

  it('refuses an ad-hoc build before anything is uploaded', async () => {
    const { page } = session
    const ipa = await makeIpa({ fileName: 'AdHoc.ipa', profileType: 'ad-hoc' }, session.dir)
    await page.getByRole('button', { name: 'Choose build…' }).first().waitFor()
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByText('AdHoc.ipa').waitFor()
    const problem = page.locator('[data-code$="PROFILE_NOT_APP_STORE"]').first()
    await problem.waitFor()
    expect(await problem.textContent()).toMatch(/App Store/)
    await expect
      .poll(() => page.getByRole('main').getByRole('button', { name: 'Publish', exact: true }).isDisabled())
      .toBe(true)
    await page.getByText('The build has problems Apple would refuse').waitFor()
    await page.getByRole('heading', { name: 'Build' }).scrollIntoViewIfNeeded()
    await screenshot(page, '05-ad-hoc-refused')
    await expectAccessible(page)
  })

  it("lists Apple's validation problems per bundle, each with its fix, and refuses to publish", async () => {
    const { page } = session
    const ipa = await makeIpa(
      {
        fileName: 'Refused.ipa',
        sdkVersion: '18.2',
        infoPlistExtra: { UISupportedInterfaceOrientations: ['UIInterfaceOrientationPortrait'] },
        frameworks: [
          'AscentKit.framework',
          'Alamofire.framework',
          {
            name: 'Vendor.framework',
            executable: { fat: [{ cpu: 'x86_64' }, { cpu: 'arm64' }] },
            infoPlist: { CFBundleShortVersionString: '5.0.0-beta1' },
          },
        ],
      },
      session.dir,
    )
    await page.getByRole('button', { name: 'Choose build…' }).first().waitFor()
    await page.locator('input[type=file][accept=".ipa,.pkg"]').setInputFiles(ipa)
    await page.getByText('Refused.ipa').waitFor()
    const vendor = page.getByRole('region', { name: 'AscentDemo.app/Frameworks/Vendor.framework' })
    await vendor.waitFor()
    await expect.poll(() => vendor.locator('.problem-error').count()).toBe(2)
    expect(await vendor.locator('[data-code="SIMULATOR_SLICE"]').textContent()).toMatch(
      /unsupported architectures.*ITMS-90087.*Fix: Embed the device build/,
    )
    const app = page.getByRole('region', { name: 'AscentDemo.app', exact: true })
    expect(await app.locator('[data-code="SDK_TOO_OLD"]').textContent()).toMatch(/iOS 18\.2 SDK.*ITMS-90725/)
    expect(await app.locator('[data-code="IPAD_ORIENTATIONS"]').count()).toBe(1)
    await page
      .getByRole('region', { name: 'AscentDemo.app/Frameworks/Alamofire.framework' })
      .locator('[data-code="PRIVACY_MANIFEST_MISSING"]')
      .waitFor()
    await expect
      .poll(() => page.getByRole('main').getByRole('button', { name: 'Publish', exact: true }).isDisabled())
      .toBe(true)
    await page.getByRole('heading', { name: 'Build' }).scrollIntoViewIfNeeded()
    await page.setViewportSize({ width: 1280, height: 1480 })
    await screenshot(page, '05b-validation-refused')
    await page.setViewportSize({ width: 1280, height: 820 })
    await expectAccessible(page)
  })
})
