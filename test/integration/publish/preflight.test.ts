import { afterEach, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { demoSeed, publishHarness, type PublishHarness } from './publish-support'

/** Preflight refusals: each names the fix, and nothing but reads reaches App Store Connect. */

let h: PublishHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

function writesSent(h: PublishHarness): string[] {
  return Object.keys(h.sandbox.state().requests.byRoute).filter((route) => !/^GET /.test(route))
}

function preflightError(run: RunRecord) {
  return run.steps.find((s) => s.step === 'preflight')?.error
}

/** The next whole hour at least `hoursAhead` from `ms`, as ISO with Z. */
function hourFrom(ms: number, hoursAhead: number): string {
  const t = new Date(ms + hoursAhead * 3_600_000)
  t.setUTCMinutes(0, 0, 0)
  return t.toISOString().replace('.000Z', 'Z')
}

describe('preflight refuses, sending nothing', () => {
  it('an app record that does not exist', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa({ bundleId: 'com.example.unknown' }), { betaGroups: ['QA'] })
    expect(run.outcome).toBe('refused')
    expect(preflightError(run)).toMatchObject({ code: 'PREFLIGHT_FAILED' })
    expect(run.message).toMatch(/no app with bundle id com\.example\.unknown.*create the app record/)
    expect(writesSent(h)).toEqual([])
    expect(h.sandbox.state().buildUploads).toHaveLength(0)
  })

  it('a build number already used for that version and platform', async () => {
    h = await publishHarness({
      seed: demoSeed({
        builds: [{ versionString: '1.1.0', buildNumber: '100', platform: 'IOS', state: 'VALID' }],
      }),
    })
    const run = await h.publish(await h.ipa(), { submitToAppStore: true })
    expect(run.outcome).toBe('refused')
    expect(run.message).toMatch(
      /build 100 of version 1\.1\.0 \(IOS\) is already in App Store Connect.*raise CFBundleVersion/,
    )
    expect(writesSent(h)).toEqual([])
  })

  it('an unknown beta group, suggesting the near miss', async () => {
    h = await publishHarness()
    const plan = await h.publisher.plan(h.job(await h.ipa(), { betaGroups: ['qa', 'Public Beta', 'Nobody'] }))
    const codes = plan.problems.map((p) => p.code)
    expect(codes).toEqual(['BETA_GROUP_NOT_FOUND', 'BETA_GROUP_NOT_FOUND', 'EXTERNAL_GROUP_NEEDS_REVIEW'])
    expect(plan.problems[0]?.message).toBe(
      'beta group "qa" does not exist for Ascent Demo: did you mean "QA"?',
    )
    expect(plan.problems[1]?.message).toMatch(
      /"Nobody" does not exist .*groups: Core Team, QA, Public Beta, Friends & Family/,
    )
    expect(plan.problems[2]?.message).toMatch(
      /"Public Beta" is an external group.*submit_to_testflight: true/,
    )
    const run = await h.publish(await h.ipa(), { betaGroups: ['qa'] })
    expect(run.outcome).toBe('refused')
    expect(writesSent(h)).toEqual([])
  })

  it('an ad-hoc build', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa({ profileType: 'ad-hoc' }), { betaGroups: ['QA'] })
    expect(run.outcome).toBe('refused')
    expect(preflightError(run)?.code).toBe('PREFLIGHT_FAILED')
    expect(run.message).toMatch(/ad-hoc|App Store/i)
    expect(writesSent(h)).toEqual([])
  })

  it('incomplete TestFlight test information when beta review is asked for', async () => {
    h = await publishHarness({ seed: demoSeed({ betaAppInfo: false }) })
    const run = await h.publish(await h.ipa(), { submitToTestflight: true })
    expect(run.outcome).toBe('refused')
    expect(run.message).toMatch(/lacks a feedback email and a review contact.*testflight\/test-info/)
    expect(writesSent(h)).toEqual([])
  })

  it('a version in review without cancel_previous_submissions', async () => {
    h = await publishHarness({
      seed: demoSeed({
        versions: [
          { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
          { platform: 'IOS', versionString: '1.0.1', state: 'IN_REVIEW' },
        ],
      }),
    })
    const run = await h.publish(await h.ipa(), { submitToAppStore: true })
    expect(run.outcome).toBe('refused')
    expect(run.message).toMatch(/version 1\.0\.1 is IN_REVIEW.*cancel_previous_submissions: true/)
    expect(writesSent(h)).toEqual([])
  })

  it('a version already released', async () => {
    h = await publishHarness({
      seed: demoSeed({
        versions: [{ platform: 'IOS', versionString: '1.1.0', state: 'READY_FOR_DISTRIBUTION' }],
      }),
    })
    const run = await h.publish(await h.ipa(), { submitToAppStore: true, whatsNew: 'Bug fixes' })
    // One message: the closed train (Apple refuses the upload itself), not a second one about the version.
    expect(run.message).toMatch(
      /version 1\.1\.0 was already approved \(READY_FOR_DISTRIBUTION\) on IOS: .*ITMS-90186.*raise CFBundleShortVersionString above 1\.1\.0/,
    )
    expect(writesSent(h)).toEqual([])
  })
})

describe("the release date is judged by App Store Connect's clock", () => {
  it('refuses a date that is still ahead on this computer but past on the server', async () => {
    h = await publishHarness({ clockOffsetMs: 3 * 3_600_000 })
    const date = hourFrom(Date.now(), 1)
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      releaseType: 'SCHEDULED',
      earliestReleaseDate: date,
    })
    expect(run.outcome).toBe('refused')
    expect(run.message).toMatch(/is in the past by App Store Connect's clock/)
    expect(writesSent(h)).toEqual([])
  })

  it('accepts a date that is past on this computer but ahead on the server', async () => {
    h = await publishHarness({ clockOffsetMs: -3 * 3_600_000 })
    const date = hourFrom(Date.now(), -1)
    const plan = await h.publisher.plan(
      h.job(await h.ipa(), {
        submitToAppStore: true,
        whatsNew: 'Bug fixes',
        releaseType: 'SCHEDULED',
        earliestReleaseDate: date,
      }),
    )
    expect(plan.problems).toEqual([])
    expect(plan.steps.find((s) => s.step === 'app-store')?.actions.join('\n')).toMatch(
      /Release: scheduled, not before/,
    )
  })
})

describe('plan', () => {
  it('shows what will happen against live state and sends nothing', async () => {
    h = await publishHarness({
      seed: demoSeed({
        versions: [
          { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
          { platform: 'IOS', versionString: '1.0.1', state: 'WAITING_FOR_REVIEW' },
        ],
      }),
    })
    const plan = await h.publisher.plan(
      h.job(await h.ipa(), {
        submitToTestflight: true,
        whatToTest: 'Try the new sync',
        betaGroups: ['QA', 'Public Beta'],
        submitToAppStore: true,
        whatsNew: 'Faster sync and fewer crashes.',
        cancelPreviousSubmissions: true,
        releaseType: 'SCHEDULED',
        earliestReleaseDate: '2031-12-01T14:00:00+02:00',
        copyright: '2026 Example Inc.',
        phasedRelease: false,
      }),
    )
    expect(plan.problems).toEqual([])
    expect(plan.app).toMatchObject({ bundleId: 'com.example.ascent.demo', name: 'Ascent Demo' })
    const text = plan.steps.map((s) => `${s.step}: ${s.actions.join(' | ')}`).join('\n')
    expect(text).toContain('Export compliance: uses non-exempt encryption = No (from Info.plist)')
    expect(text).toContain('Add to QA (internal), Public Beta (external)')
    expect(text).toMatch(/Cancel review submission [\w-]+ \(WAITING_FOR_REVIEW\)/)
    expect(text).toContain('Rename open version 1.0.1 (WAITING_FOR_REVIEW, editable once canceled) to 1.1.0')
    expect(text).toContain('Release: scheduled, not before 2031-12-01T14:00:00+02:00 (2031-12-01 12:00 UTC)')
    expect(text).toContain('Copyright: 2026 Example Inc.')
    expect(text).toContain('Phased release: off')
    expect(text).toContain('What to Test (en-US): “Try the new sync”')
    expect(text).toContain('What’s New (en-US): “Faster sync and fewer crashes.”')
    expect(plan.releaseNotes).toEqual({ update: true, locales: ['en-US'], present: ['en-US'] })
    expect(text).toMatch(/Upload AscentDemo\.ipa \([\d.]+ KB\) with the App Store Connect Build Upload API/)
    expect(writesSent(h)).toEqual([])
  })
})

describe('key role', () => {
  it('a Developer key (may upload, may not publish) fails at the first publishing write, naming the role', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const { createTokenSource } = await import('../../../electron/asc/token')
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    let tokens: ReturnType<typeof createTokenSource> | null = null
    h = await publishHarness({}, { credentials: async () => ({ apiUrl: h!.sandbox.url, tokens: tokens! }) })
    h.sandbox.trustKey({ keyId: 'DEVKEY0001', issuerId: h.sandbox.issuerId, publicKey, roles: ['DEVELOPER'] })
    tokens = createTokenSource({ keyId: 'DEVKEY0001', issuerId: h.sandbox.issuerId, privateKey })
    const run = await h.publish(await h.ipa(), { betaGroups: ['QA'] })
    expect(run.outcome).toBe('failed')
    const failed = run.steps.find((s) => s.status === 'failed')
    expect(failed?.error?.code).toBe('FORBIDDEN')
    expect(failed?.error?.message).toMatch(/App Manager/)
  })
})
