import { describe, expect, it } from 'vitest'
import { settingError } from '../../../shared/build-summary'
import { SETTINGS_KEYS } from '../../../shared/release-settings'
import { inWindowWords, windowProblem } from '../../../renderer/src/window-words'

describe('inWindowWords', () => {
  it('names the field a person sees instead of the codemagic.yaml key', () => {
    expect(
      inWindowWords(
        'release type SCHEDULED needs an earliest release date: set earliest_release_date, e.g. 2031-12-01T14:00:00+02:00',
      ),
    ).toBe(
      'release type Scheduled needs an earliest release date: pick a day and hour under Earliest release date in the App Store panel',
    )
    expect(
      inWindowWords(
        'earliest release date is set but release type is MANUAL: set release_type: SCHEDULED or remove the date',
      ),
    ).toBe('earliest release date is set but release type is Manual: choose Scheduled, or clear the date')
    expect(
      inWindowWords(
        'version 1.0 is WAITING_FOR_REVIEW: set cancel_previous_submissions: true to withdraw it from review first',
      ),
    ).toBe(
      'version 1.0 is waiting for review: turn on Cancel previous submissions in the App Store panel to withdraw it from review first',
    )
    expect(
      inWindowWords('expire_build_submitted_for_review only applies with submit_to_testflight: true'),
    ).toBe('Expire build submitted for review only applies with Submit to TestFlight turned on')
  })

  it('points an incomplete version at the App Store information panel, which lists each item once', () => {
    expect(
      inWindowWords(
        'version 1.0 is not ready for App Review: en-US: description, screenshots (Apple TV); App Information: privacy policy URL (en-US), primary category. Fill them from a fastlane deliver folder (--metadata DIR, or ascent metadata push), in Ascent’s App Store information panel, or in App Store Connect; ascent metadata check lists where each is filled',
      ),
    ).toBe(
      'version 1.0 is not ready for App Review: fill in what the App Store information panel lists as missing',
    )
  })

  it('keeps only the window’s own way out of a fix written for the file, the CLI and the window', () => {
    expect(
      inWindowWords(
        'App Store review refuses it without What’s New (en-US); set whats_new in codemagic.yaml (one text, or locale: text), pass --whats-new TEXT, or fill What’s New in the App Store panel',
      ),
    ).toBe('App Store review refuses it without What’s New (en-US); fill What’s New in the App Store panel')
    expect(
      inWindowWords(
        'beta review needs What to Test in en-US: set what_to_test in codemagic.yaml, pass --what-to-test TEXT, or fill What to Test in the TestFlight panel',
      ),
    ).toBe('beta review needs What to Test in en-US: fill What to Test in the TestFlight panel')
  })

  it('leaves no release setting key in any sentence that names one, and platforms as Apple writes them', () => {
    // The credential keys are the Keys screen's business, not a release field's.
    const credentials = ['api_key', 'key_id', 'issuer_id']
    for (const key of SETTINGS_KEYS.filter((k) => k.includes('_') && !credentials.includes(k))) {
      expect(inWindowWords(`${key} is wrong; set ${key}: true, or set ${key}`)).not.toContain(key)
    }
    expect(inWindowWords('Create version 1.1.0 (IOS)')).toBe('Create version 1.1.0 (iOS)')
    expect(inWindowWords('version 2.0 (TV_OS) is READY_FOR_SALE')).toBe(
      'version 2.0 (tvOS) is ready for sale',
    )
  })

  it('words the plan’s lines as the App Store panel and the build card do', () => {
    expect(
      inWindowWords('Release: scheduled, not before 2031-12-01T14:00:00+02:00 (2031-12-01 12:00 UTC)'),
    ).toBe('Release type: Scheduled, not before 2031-12-01 14:00 UTC+02:00 (2031-12-01 12:00 UTC)')
    expect(inWindowWords('Release: automatically after approval')).toBe('Release type: After approval')
    expect(
      inWindowWords(
        'Export compliance: uses non-exempt encryption = No (from the settings; Info.plist has no ITSAppUsesNonExemptEncryption)',
      ),
    ).toBe('Export compliance: “No” to Uses non-exempt encryption (as set on the build card)')
  })

  it('rewrites a problem’s message and fix alike, and leaves a plain one as it is', () => {
    const plain = { severity: 'error' as const, code: 'X', message: 'nothing to change' }
    expect(windowProblem(plain)).toBe(plain)
    expect(windowProblem({ ...plain, message: 'bad: set copyright', fix: 'set copyright' })).toEqual({
      ...plain,
      message: 'bad: fill Copyright in the App Store panel',
      fix: 'fill Copyright in the App Store panel',
    })
  })

  it('words a setting’s fix by its key, whatever the CLI’s words for it are', () => {
    const setting = {
      key: 'whats_new' as const,
      change: 'fill' as const,
      problem: 'version 1.1 is an update: App Review needs What’s New in de-DE',
    }
    // The CLI's wording may change freely: the window's does not follow it.
    const problem = settingError(
      'WHATS_NEW_MISSING',
      setting,
      'put whats_new in the YAML or use --whats-new',
      '; ',
    )
    expect(problem.message).toBe(
      'version 1.1 is an update: App Review needs What’s New in de-DE; put whats_new in the YAML or use --whats-new',
    )
    expect(windowProblem(problem).message).toBe(
      'version 1.1 is an update: App Review needs What’s New in de-DE; fill What’s New in the App Store panel',
    )
    const inReview = settingError(
      'VERSION_IN_REVIEW',
      {
        key: 'cancel_previous_submissions',
        change: 'turn-on',
        problem: 'version 1.0 is WAITING_FOR_REVIEW',
        after: ' to withdraw it first',
      },
      'pass --cancel-previous-submissions',
    )
    expect(windowProblem(inReview).message).toBe(
      'version 1.0 is waiting for review: turn on Cancel previous submissions in the App Store panel to withdraw it first',
    )
    const scheduled = settingError(
      'RELEASE_DATE_WITHOUT_SCHEDULED',
      {
        key: 'release_type',
        change: 'choose',
        to: 'SCHEDULED',
        problem: 'earliest release date is set but release type is MANUAL',
        after: ' or remove the date',
      },
      'set release_type: SCHEDULED',
    )
    expect(windowProblem(scheduled).message).toBe(
      'earliest release date is set but release type is Manual: choose Scheduled under Release type in the App Store panel or remove the date',
    )
  })
})
