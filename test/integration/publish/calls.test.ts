import { describe, expect, it } from 'vitest'
import { SCENARIO_BUNDLE_ID, scenarioSeed } from '../../fixtures/publish-scenario'
import { publishHarness } from './publish-support'

/**
 * What a publish costs in API calls, each of which a user waits on (App Store Connect answers in 300 ms to
 * over a second): what the app's own answer can carry is not asked again, and nothing is read twice.
 */

const BUNDLE_ID = SCENARIO_BUNDLE_ID
const PART = 'PUT /upload/{id}/{part}'
// The benchmark's scenario (scripts/bench-publish.mjs publishes the same app).
const seed = scenarioSeed

const TESTFLIGHT = {
  submitToTestflight: true,
  expireBuildSubmittedForReview: true,
  betaGroups: ['QA', 'Public Beta'],
  whatToTest: 'Everything',
} as const

/**
 * API calls by route (upload parts carry the file and are not API calls), and how many of them were looks at
 * processing (at the build upload and the build: as many as the build takes).
 */
function calls(byRoute: Record<string, number>): {
  total: number
  looks: number
  byRoute: Record<string, number>
} {
  const api = Object.fromEntries(Object.entries(byRoute).filter(([route]) => route !== PART))
  const total = Object.values(api).reduce((a, b) => a + b, 0)
  const looks = (api['GET /v1/buildUploads/{id}'] ?? 0) + (api['GET /v1/builds/{id}'] ?? 0)
  return { total, looks, byRoute: api }
}

describe('API calls of a publish', () => {
  it('a TestFlight publish takes the groups, the TestFlight test information and the versions from the app lookup', async () => {
    const h = await publishHarness({ seed: seed() })
    try {
      const file = await h.ipa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
      const run = await h.publish(file, TESTFLIGHT)
      expect(run.outcome).toBe('testflight')
      const { total, looks, byRoute } = calls(h.sandbox.state().requests.byRoute)
      expect(byRoute['GET /v1/apps']).toBe(1)
      for (const route of [
        'GET /v1/apps/{id}/betaGroups',
        'GET /v1/apps/{id}/betaAppLocalizations',
        'GET /v1/apps/{id}/betaAppReviewDetail',
        'GET /v1/apps/{id}/appStoreVersions',
      ])
        expect(byRoute[route], route).toBeUndefined()
      // Besides the looks at processing (as many as the build takes): the app, two build lookups, three upload
      // calls and four TestFlight writes (was 15: groups, test information and versions read on their own).
      // Export compliance is not one of them: Info.plist answers it, and App Store Connect takes that answer,
      // so the one build write is expiring the build in beta review.
      expect(byRoute['PATCH /v1/builds/{id}']).toBe(1)
      expect(total - looks).toBeLessThanOrEqual(10)
      const build = h.sandbox.state().builds.find((b) => b.buildNumber === '100')
      expect(build?.groups).toEqual(['QA', 'Public Beta'])
    } finally {
      await h.close()
    }
  })

  it('an update reads its localizations in preflight only: What’s New uses that read', async () => {
    const h = await publishHarness({
      seed: seed({
        versions: [
          { platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_SALE' },
          { platform: 'IOS', versionString: '1.1.0', state: 'PREPARE_FOR_SUBMISSION' },
        ],
        locales: ['en-US', 'de-DE'],
      }),
    })
    // The localizations come with the version (include), or on their own.
    const localizationReads = (byRoute: Record<string, number>): number =>
      (byRoute['GET /v1/appStoreVersions/{id}/appStoreVersionLocalizations'] ?? 0) +
      (byRoute['GET /v1/appStoreVersions/{id}'] ?? 0)
    let afterPreflight: number | null = null
    h.publisher.onEvent((e) => {
      if (e.type === 'step-finished' && e.step === 'preflight')
        afterPreflight = localizationReads(h.sandbox.state().requests.byRoute)
    })
    try {
      const file = await h.ipa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
      const run = await h.publish(file, { submitToAppStore: true, whatsNew: 'Faster and smaller.' })
      expect(run.outcome).toBe('submitted-for-review')
      // One read, shared by the release notes check and the App Store readiness check.
      expect(afterPreflight).toBe(1)
      expect(localizationReads(h.sandbox.state().requests.byRoute)).toBe(afterPreflight)
      const version = h.sandbox.state().versions.find((v) => v.versionString === '1.1.0')
      expect(version?.localizations.map((l) => [l.locale, l.whatsNew])).toEqual([
        ['en-US', 'Faster and smaller.'],
        ['de-DE', 'Faster and smaller.'],
      ])
    } finally {
      await h.close()
    }
  })

  it('a full publish with the App Store readiness check reads each thing App Review needs once, in few calls', async () => {
    const h = await publishHarness({ seed: seed({ locales: ['en-US', 'de-DE', 'fr-FR'] }) })
    try {
      const file = await h.ipa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
      const run = await h.publish(file, {
        ...TESTFLIGHT,
        submitToAppStore: true,
        releaseType: 'SCHEDULED',
        earliestReleaseDate: `${new Date().getUTCFullYear() + 2}-06-01T14:00:00Z`,
        phasedRelease: true,
        whatsNew: 'Faster and smaller.',
      })
      expect(run.outcome).toBe('submitted-for-review')
      const { total, looks, byRoute } = calls(h.sandbox.state().requests.byRoute)
      // The app info with its localizations, category and age rating; the version with its text and review
      // contact; the judged locale's screenshot sets with their screenshots; content rights with the app.
      expect(byRoute['GET /v1/apps/{id}/appInfos']).toBe(1)
      expect(byRoute['GET /v1/appStoreVersions/{id}']).toBe(1)
      expect(byRoute['GET /v1/appStoreVersionLocalizations/{id}/appScreenshotSets']).toBe(1)
      for (const route of [
        'GET /v1/apps/{id}',
        'GET /v1/appInfos/{id}/appInfoLocalizations',
        'GET /v1/appInfos/{id}/primaryCategory',
        'GET /v1/appInfos/{id}/ageRatingDeclaration',
        'GET /v1/appStoreVersions/{id}/appStoreReviewDetail',
        'GET /v1/appScreenshotSets/{id}/appScreenshots',
        // An update: the app went on sale with its price and availability.
        'GET /v1/apps/{id}/appPriceSchedule',
        'GET /v1/apps/{id}/appAvailabilityV2',
      ])
        expect(byRoute[route], route).toBeUndefined()
      // Besides the looks at processing: 6 reads in preflight (no review submissions without
      // cancel_previous_submissions), 3 upload calls, 4 TestFlight writes (no export compliance: Info.plist
      // answers it), and the App Store's 10 (the version, its copied localizations, What's New in each of the 3,
      // phased release, the build attached once processed, the review submission, its item, submit). Was 36: the
      // readiness check read each of these on its own.
      expect(total - looks).toBeLessThanOrEqual(23)
      // Every answer, includes and all, in the shapes Apple's OpenAPI schemas allow.
      expect(h.sandbox.schemaProblems()).toBe('')
    } finally {
      await h.close()
    }
  })

  it('an open empty review submission is reused without listing the submissions first (Apple’s 409 names it)', async () => {
    const h = await publishHarness({ seed: seed() })
    try {
      const appId = h.sandbox.state().apps[0]!.id
      const draft = await h.sandbox.call('POST', '/v1/reviewSubmissions', {
        data: {
          type: 'reviewSubmissions',
          attributes: { platform: 'IOS' },
          relationships: { app: { data: { type: 'apps', id: appId } } },
        },
      })
      expect(draft.status).toBe(201)
      const file = await h.ipa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
      const run = await h.publish(file, { submitToAppStore: true, whatsNew: 'Faster and smaller.' })
      expect(run.outcome).toBe('submitted-for-review')
      const state = h.sandbox.state()
      expect(state.reviewSubmissions).toHaveLength(1)
      expect(state.reviewSubmissions[0]).toMatchObject({ state: 'WAITING_FOR_REVIEW' })
      expect(state.reviewSubmissions[0]?.items).toHaveLength(1)
      expect(state.requests.byRoute['GET /v1/reviewSubmissions']).toBeUndefined()
    } finally {
      await h.close()
    }
  })

  it('an app with more groups than one answer holds has its groups listed', async () => {
    const betaGroups = Array.from({ length: 60 }, (_, i) => ({ name: `Group ${i + 1}`, isInternal: true }))
    const h = await publishHarness({ seed: seed({ betaGroups }) })
    try {
      const file = await h.ipa({ bundleId: BUNDLE_ID, version: '1.1.0', buildNumber: '100' })
      const run = await h.publish(file, { betaGroups: ['Group 57'] })
      expect(run.outcome).toBe('testflight')
      expect(h.sandbox.state().requests.byRoute['GET /v1/apps/{id}/betaGroups']).toBe(1)
      expect(h.sandbox.state().builds.find((b) => b.buildNumber === '100')?.groups).toEqual(['Group 57'])
    } finally {
      await h.close()
    }
  })
})
