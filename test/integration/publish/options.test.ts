import { afterEach, describe, expect, it } from 'vitest'
import { buildOf, demoSeed, publishHarness, type PublishHarness } from './publish-support'

/** Every release option on and off against the sandbox (real HTTP), asserted from the sandbox's own state. */

let h: PublishHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

function openSubmissions(h: PublishHarness) {
  return h.sandbox.state().reviewSubmissions.filter((s) => s.state !== 'COMPLETE')
}

describe('TestFlight', () => {
  it('internal groups and What to Test only: no beta review, no App Store version', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      betaGroups: ['QA', 'Core Team'],
      whatToTest: 'Check the login',
    })
    expect(run.outcome).toBe('testflight')
    const state = h.sandbox.state()
    const [build] = buildOf(state, '100')
    expect(build?.groups.sort()).toEqual(['Core Team', 'QA'])
    expect(build?.whatsNew).toEqual({ 'en-US': 'Check the login' })
    expect(build?.usesNonExemptEncryption).toBe(false)
    expect(build?.betaReviewState).toBeNull()
    expect(state.versions.map((v) => v.versionString)).toEqual(['1.0.0'])
    expect(state.reviewSubmissions).toHaveLength(0)
    expect(run.steps.find((s) => s.step === 'app-store')?.status).toBe('skipped')
  })

  it('submit to TestFlight with an external group: one beta review submission', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      submitToTestflight: true,
      whatToTest: 'Try the new build',
      betaGroups: ['Public Beta'],
    })
    expect(run.outcome).toBe('testflight')
    const [build] = buildOf(h.sandbox.state(), '100')
    expect(build?.groups).toEqual(['Public Beta'])
    expect(build?.betaReviewState).toBe('WAITING_FOR_REVIEW')
    expect(build?.externalBuildState).toBe('WAITING_FOR_BETA_REVIEW')
  })

  it('export compliance comes from the settings when Info.plist has no answer', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa({ usesNonExemptEncryption: null }), {
      betaGroups: ['QA'],
      usesNonExemptEncryption: true,
    })
    expect(run.outcome).toBe('testflight')
    const [build] = buildOf(h.sandbox.state(), '100')
    expect(build?.usesNonExemptEncryption).toBe(true)
    expect(build?.internalBuildState).not.toBe('MISSING_EXPORT_COMPLIANCE')
  })

  it('expires every build in beta review before submitting this one', async () => {
    h = await publishHarness({
      seed: demoSeed({
        builds: [
          {
            versionString: '1.1.0',
            buildNumber: '98',
            platform: 'IOS',
            state: 'VALID',
            betaReviewState: 'WAITING_FOR_REVIEW',
          },
          {
            versionString: '1.1.0',
            buildNumber: '99',
            platform: 'IOS',
            state: 'VALID',
            betaReviewState: 'IN_REVIEW',
          },
          {
            versionString: '1.1.0',
            buildNumber: '97',
            platform: 'IOS',
            state: 'VALID',
            betaReviewState: 'APPROVED',
          },
        ],
      }),
    })
    const plan = await h.publisher.plan(
      h.job(await h.ipa(), {
        submitToTestflight: true,
        whatToTest: 'Try the new build',
        expireBuildSubmittedForReview: true,
      }),
    )
    const tfActions = plan.steps.find((s) => s.step === 'testflight')?.actions.join('\n') ?? ''
    expect(tfActions).toMatch(/Expire build 98, build 99|Expire build 99, build 98/)
    const run = await h.publish(await h.ipa(), {
      submitToTestflight: true,
      whatToTest: 'Try the new build',
      expireBuildSubmittedForReview: true,
    })
    expect(run.outcome).toBe('testflight')
    const state = h.sandbox.state()
    expect(buildOf(state, '98')[0]?.expired).toBe(true)
    expect(buildOf(state, '99')[0]?.expired).toBe(true)
    expect(buildOf(state, '97')[0]?.expired).toBe(false)
    expect(buildOf(state, '100')[0]?.betaReviewState).toBe('WAITING_FOR_REVIEW')
  })

  it('without expire, a build already in beta review is left alone', async () => {
    h = await publishHarness({
      seed: demoSeed({
        builds: [
          {
            versionString: '1.1.0',
            buildNumber: '99',
            platform: 'IOS',
            state: 'VALID',
            betaReviewState: 'WAITING_FOR_REVIEW',
          },
        ],
      }),
    })
    const run = await h.publish(await h.ipa(), { betaGroups: ['QA'] })
    expect(run.outcome).toBe('testflight')
    expect(buildOf(h.sandbox.state(), '99')[0]?.expired).toBe(false)
  })
})

describe('App Store', () => {
  it('App Store only: creates the version with the build, submits it, no TestFlight groups', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      copyright: '2026 Example Inc.',
    })
    expect(run.outcome).toBe('submitted-for-review')
    const state = h.sandbox.state()
    const build = buildOf(state, '100')[0]!
    expect(build.groups).toEqual([])
    const version = state.versions.find((v) => v.versionString === '1.1.0')!
    expect(version).toMatchObject({
      buildId: build.id,
      copyright: '2026 Example Inc.',
      releaseType: 'MANUAL',
    })
    const open = openSubmissions(h)
    expect(open).toHaveLength(1)
    expect(open[0]?.state).toBe('WAITING_FOR_REVIEW')
    expect(open[0]?.items.map((i) => i.appStoreVersionId)).toEqual([version.id])
    expect(run.links.map((l) => l.label)).toContain('Review submission')
  })

  it('TestFlight and App Store together: exactly one of everything', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      submitToTestflight: true,
      betaGroups: ['QA', 'Public Beta'],
      whatToTest: 'Everything',
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      releaseType: 'AFTER_APPROVAL',
    })
    expect(run.outcome).toBe('submitted-for-review')
    const state = h.sandbox.state()
    expect(buildOf(state, '100')).toHaveLength(1)
    expect(state.buildUploads).toHaveLength(1)
    expect(state.builds.filter((b) => b.betaReviewState !== null)).toHaveLength(1)
    expect(openSubmissions(h)).toHaveLength(1)
    expect(state.versions.find((v) => v.versionString === '1.1.0')?.releaseType).toBe('AFTER_APPROVAL')
  })

  it('SCHEDULED sets the earliest release date on the version', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2031-12-01T14:00:00+02:00',
    })
    expect(run.outcome).toBe('submitted-for-review')
    const version = h.sandbox.state().versions.find((v) => v.versionString === '1.1.0')!
    expect(version.releaseType).toBe('SCHEDULED')
    expect(Date.parse(version.earliestReleaseDate ?? '')).toBe(Date.parse('2031-12-01T12:00:00Z'))
  })

  it('updates an editable version in place and renames another open one', async () => {
    h = await publishHarness({
      seed: demoSeed({
        versions: [
          { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
          { platform: 'IOS', versionString: '1.0.5', state: 'PREPARE_FOR_SUBMISSION', copyright: 'old' },
        ],
      }),
    })
    const plan = await h.publisher.plan(
      h.job(await h.ipa(), { submitToAppStore: true, whatsNew: 'Bug fixes' }),
    )
    expect(plan.steps.find((s) => s.step === 'app-store')?.actions[0]).toMatch(/Rename open version 1\.0\.5/)
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      copyright: '2026 New',
    })
    expect(run.outcome).toBe('submitted-for-review')
    const versions = h.sandbox.state().versions
    expect(versions.map((v) => v.versionString).sort()).toEqual(['1.0.0', '1.1.0'])
    expect(versions.find((v) => v.versionString === '1.1.0')?.copyright).toBe('2026 New')
  })

  it('phased release on creates an INACTIVE phased release', async () => {
    h = await publishHarness()
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      phasedRelease: true,
    })
    expect(run.outcome).toBe('submitted-for-review')
    const state = h.sandbox.state()
    const version = state.versions.find((v) => v.versionString === '1.1.0')!
    expect(state.phasedReleases).toEqual([
      expect.objectContaining({ versionId: version.id, phasedReleaseState: 'INACTIVE' }),
    ])
  })

  for (const [phasedRelease, expected] of [
    [null, 1],
    [false, 0],
    [true, 1],
  ] as const) {
    it(`phased release ${phasedRelease === null ? 'keep' : phasedRelease ? 'on' : 'off'} on a version that has one`, async () => {
      h = await publishHarness({
        seed: demoSeed({
          versions: [
            { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
            { platform: 'IOS', versionString: '1.1.0', state: 'PREPARE_FOR_SUBMISSION' },
          ],
        }),
      })
      const version = h.sandbox.state().versions.find((v) => v.versionString === '1.1.0')!
      // Someone turned phased release on in App Store Connect.
      const made = await h.sandbox.call('POST', '/v1/appStoreVersionPhasedReleases', {
        data: {
          type: 'appStoreVersionPhasedReleases',
          attributes: { phasedReleaseState: 'INACTIVE' },
          relationships: { appStoreVersion: { data: { type: 'appStoreVersions', id: version.id } } },
        },
      })
      expect(made.status).toBe(201)
      const run = await h.publish(await h.ipa(), {
        submitToAppStore: true,
        whatsNew: 'Bug fixes',
        phasedRelease,
      })
      expect(run.outcome).toBe('submitted-for-review')
      expect(h.sandbox.state().phasedReleases).toHaveLength(expected)
    })
  }

  it('cancels the submission in review, waits out CANCELING, then reuses the version', async () => {
    h = await publishHarness({
      cancelMs: 300,
      seed: demoSeed({
        versions: [
          { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' },
          { platform: 'IOS', versionString: '1.0.1', state: 'WAITING_FOR_REVIEW' },
        ],
      }),
    })
    const old = h.sandbox.state().reviewSubmissions[0]!
    const plan = await h.publisher.plan(
      h.job(await h.ipa(), {
        submitToAppStore: true,
        whatsNew: 'Bug fixes',
        cancelPreviousSubmissions: true,
      }),
    )
    expect(plan.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(plan.steps.find((s) => s.step === 'app-store')?.actions.join('\n')).toContain(
      `Cancel review submission ${old.id}`,
    )
    const run = await h.publish(await h.ipa(), {
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
      cancelPreviousSubmissions: true,
    })
    expect(run.outcome).toBe('submitted-for-review')
    expect(h.events.some((e) => e.type === 'step-progress' && e.state === 'CANCELING')).toBe(true)
    const state = h.sandbox.state()
    expect(state.reviewSubmissions.find((s) => s.id === old.id)?.state).toBe('COMPLETE')
    expect(state.versions.map((v) => v.versionString).sort()).toEqual(['1.0.0', '1.1.0'])
    const open = openSubmissions(h)
    expect(open).toHaveLength(1)
    expect(open[0]?.id).not.toBe(old.id)
  })

  it('reuses an empty open review submission instead of creating a second one', async () => {
    h = await publishHarness()
    const app = h.sandbox.state().apps[0]!
    const made = await h.sandbox.call('POST', '/v1/reviewSubmissions', {
      data: {
        type: 'reviewSubmissions',
        attributes: { platform: 'IOS' },
        relationships: { app: { data: { type: 'apps', id: app.id } } },
      },
    })
    expect(made.status).toBe(201)
    const run = await h.publish(await h.ipa(), { submitToAppStore: true, whatsNew: 'Bug fixes' })
    expect(run.outcome).toBe('submitted-for-review')
    const subs = h.sandbox.state().reviewSubmissions
    expect(subs).toHaveLength(1)
    expect(subs[0]?.state).toBe('WAITING_FOR_REVIEW')
  })
})

describe('processing', () => {
  it('timeout 0 uploads and skips what needs a processed build; publishing again finishes once, without a second upload', async () => {
    // The build appears a quarter into processing (2 s) and is VALID at 8 s: room for a loaded machine
    // between the upload's end and the one look that timeout 0 allows.
    h = await publishHarness({ processingMs: 8_000 })
    const file = await h.ipa()
    const settings = {
      submitToTestflight: true,
      whatToTest: 'Try the new build',
      betaGroups: ['QA'],
      submitToAppStore: true,
      whatsNew: 'Bug fixes',
    } as const
    const first = await h.publish(file, settings, { processingTimeoutMs: 0 })
    expect(first.outcome).toBe('uploaded')
    expect(first.message).toMatch(/not waited for processing/)
    expect(first.resumable).toBe(true)
    let state = h.sandbox.state()
    expect(buildOf(state, '100')[0]?.betaReviewState).toBeNull()
    expect(buildOf(state, '100')[0]?.groups).toEqual([])
    expect(state.reviewSubmissions).toHaveLength(0)

    const second = await h.publish(file, settings)
    expect(second.runId).toBe(first.runId)
    expect(second.outcome).toBe('submitted-for-review')
    state = h.sandbox.state()
    expect(state.buildUploads).toHaveLength(1)
    expect(buildOf(state, '100')[0]?.betaReviewState).toBe('WAITING_FOR_REVIEW')
    expect(openSubmissions(h)).toHaveLength(1)
  })

  it('a build that fails processing stops the run with Apple’s state', async () => {
    h = await publishHarness({ seed: demoSeed({ uploadOutcome: 'INVALID' }) })
    const run = await h.publish(await h.ipa(), { submitToTestflight: true, whatToTest: 'Try the new build' })
    expect(run.outcome).toBe('failed')
    expect(run.message).toMatch(/INVALID/)
    expect(h.sandbox.state().builds.filter((b) => b.betaReviewState !== null)).toHaveLength(0)
  })

  it('a processing timeout fails the run as resumable', async () => {
    h = await publishHarness({ processingMs: 2_000 })
    const run = await h.publish(await h.ipa(), { betaGroups: ['QA'] }, { processingTimeoutMs: 100 })
    expect(run.outcome).toBe('failed')
    expect(run.message).toMatch(/still PROCESSING .*run the same publish again/)
    expect(run.resumable).toBe(true)
  })
})
