import { describe, expect, it } from 'vitest'
import { findAppByBundleId, getBetaAppInfo } from '../../../electron/asc/apps'
import { listBetaGroups } from '../../../electron/asc/beta-groups'
import { findBuilds } from '../../../electron/asc/builds'
import { listReviewSubmissions } from '../../../electron/asc/review'
import { listAppStoreVersions } from '../../../electron/asc/versions'
import { withSandbox } from '../../support/sandbox'
import { clientFor } from './sandbox-client'

describe('asc client against the sandbox: reads', () => {
  it('reads the whole demo app with few calls and every answer matches Apple’s schemas', async () => {
    await withSandbox({}, async (sandbox) => {
      const { client, audit } = clientFor(sandbox)
      const app = await findAppByBundleId(client, 'com.example.ascent.demo')
      expect(app?.bundleId).toBe('com.example.ascent.demo')
      if (!app) return
      const groups = await listBetaGroups(client, app.id)
      expect(groups.filter((g) => g.isInternal)).toHaveLength(2)
      expect(groups.filter((g) => !g.isInternal)).toHaveLength(2)
      const builds = await findBuilds(client, { appId: app.id })
      expect(builds).toHaveLength(1)
      expect(builds[0]).toMatchObject({
        version: '1',
        processingState: 'VALID',
        preReleaseVersion: { version: '1.0.0', platform: 'IOS' },
        betaDetail: { internalBuildState: 'READY_FOR_BETA_TESTING' },
        betaReview: null,
      })
      const versions = await listAppStoreVersions(client, app.id)
      expect(versions).toMatchObject([
        { versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION', phasedRelease: null },
      ])
      const submissions = await listReviewSubmissions(client, { appId: app.id })
      expect(submissions).toEqual([])
      const info = await getBetaAppInfo(client, app)
      expect(info.missing).toEqual([])
      expect(audit.map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 200, 200])
      expect(sandbox.schemaProblems()).toBe('')
    })
  })

  it('reports incomplete TestFlight test information', async () => {
    const seed = {
      apps: [{ bundleId: 'com.example.bare', name: 'Bare', platforms: ['IOS' as const], betaAppInfo: false }],
    }
    await withSandbox({ seed }, async (sandbox) => {
      const { client } = clientFor(sandbox)
      const app = await findAppByBundleId(client, 'com.example.bare')
      if (!app) throw new Error('seeded app missing')
      const info = await getBetaAppInfo(client, app)
      expect(info.missing).toContain('feedbackEmail')
      expect(info.missing.length).toBeGreaterThan(1)
      expect(sandbox.schemaProblems()).toBe('')
    })
  })
})
