import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AscApiError } from '../../../electron/asc/api-error'
import { findAppByBundleId } from '../../../electron/asc/apps'
import { findBetaBuildLocalizations, setWhatsNew } from '../../../electron/asc/beta-build-localizations'
import {
  addBuildToBetaGroups,
  listBetaGroups,
  listBetaGroupsOfBuild,
} from '../../../electron/asc/beta-groups'
import { findBuilds } from '../../../electron/asc/builds'
import { createAscClient } from '../../../electron/asc/client'
import { createTokenSource } from '../../../electron/asc/token'
import { createAppStoreVersion } from '../../../electron/asc/versions'
import { withSandbox } from '../../support/sandbox'
import { clientFor } from './sandbox-client'

const DEMO = 'com.example.ascent.demo'

/** Instant, recorded waits: the retry schedule is asserted without the test sleeping. */
function recordedSleep(sleeps: number[]): (ms: number) => Promise<void> {
  return async (ms) => {
    sleeps.push(ms)
  }
}

describe('asc client against the sandbox: paging', () => {
  it('reads 1,000 beta groups in five calls of 200', async () => {
    const betaGroups = Array.from({ length: 1000 }, (_, i) => ({
      name: `Group ${i + 1}`,
      isInternal: i % 2 === 0,
    }))
    const seed = {
      apps: [{ bundleId: 'com.example.many', name: 'Many Groups', platforms: ['IOS' as const], betaGroups }],
    }
    await withSandbox({ seed }, async (sandbox) => {
      const { client, audit } = clientFor(sandbox)
      const app = await findAppByBundleId(client, 'com.example.many')
      if (!app) throw new Error('seeded app missing')
      const groups = await listBetaGroups(client, app.id)
      expect(groups).toHaveLength(1000)
      expect(new Set(groups.map((g) => g.id)).size).toBe(1000)
      expect(groups.filter((g) => g.isInternal)).toHaveLength(500)
      const pages = audit.filter((e) => e.path.endsWith('/betaGroups'))
      expect(pages).toHaveLength(5)
      expect(sandbox.schemaProblems()).toBe('')
    })
  })
})

describe('asc client against the sandbox: injected faults', () => {
  it('rides out 429s (waiting Retry-After), 5xx, resets and slow answers on reads', async () => {
    await withSandbox({ faults: { rate: 0.4, seed: 11 } }, async (sandbox) => {
      const sleeps: number[] = []
      const { client, audit } = clientFor(sandbox, {
        sleep: recordedSleep(sleeps),
        retry: { maxAttempts: 12 },
      })
      for (let i = 0; i < 25; i++) expect((await findAppByBundleId(client, DEMO))?.bundleId).toBe(DEMO)
      const rateLimited = audit.findIndex((e) => e.status === 429)
      expect(rateLimited).toBeGreaterThanOrEqual(0)
      // The wait after a 429 is exactly the sandbox's Retry-After: 1 (no jitter added to Apple's ask).
      const failedBefore = audit
        .slice(0, rateLimited)
        .filter((e) => e.status === null || e.status >= 400).length
      expect(sleeps[failedBefore]).toBe(1000)
      expect(audit.some((e) => e.status !== null && e.status >= 500)).toBe(true)
      expect(audit.some((e) => e.status === null)).toBe(true)
    })
  })

  it('never duplicates a write when answers are lost after the effect landed', async () => {
    await withSandbox({ betaReviewMs: 600_000 }, async (sandbox) => {
      const sleeps: number[] = []
      const { client, audit } = clientFor(sandbox, {
        sleep: recordedSleep(sleeps),
        retry: { maxAttempts: 12 },
      })
      const app = await findAppByBundleId(client, DEMO)
      if (!app) throw new Error('demo app missing')
      const [build] = await findBuilds(client, { appId: app.id })
      if (!build) throw new Error('demo build missing')
      const groups = await listBetaGroups(client, app.id)
      sandbox.setFaults({ rate: 0.5, seed: 3 })
      const locales = [
        'en-US',
        'de-DE',
        'fr-FR',
        'ja',
        'es-ES',
        'it',
        'nl-NL',
        'pt-BR',
        'ko',
        'sv',
        'da',
        'fi',
        'no',
        'pl',
        'tr',
        'ru',
        'zh-Hans',
        'zh-Hant',
        'ar-SA',
        'he',
      ]
      for (const locale of locales)
        await setWhatsNew(client, { buildId: build.id, locale, whatsNew: `Notes ${locale}` })
      await addBuildToBetaGroups(client, {
        appId: app.id,
        buildId: build.id,
        groupIds: groups.map((g) => g.id),
      })
      const injected = sandbox.state().faults.byKind
      sandbox.setFaults({ rate: 0 })

      const notes = await findBetaBuildLocalizations(client, build.id)
      expect(notes.map((n) => n.locale).sort()).toEqual([...locales].sort())
      expect((await listBetaGroupsOfBuild(client, app.id, build.id)).length).toBe(groups.length)
      // Some writes landed and lost their answer (the sandbox resets the socket after applying them); the
      // check found them, so nothing was resent blindly (a blind resend answers 409 DUPLICATE, see below).
      expect(injected['reset-after'] ?? 0).toBeGreaterThan(0)
      expect(audit.filter((e) => e.method === 'POST' && e.status === 409)).toEqual([])
    })
  })
})

describe('asc client against the sandbox: refusals', () => {
  it('explains a key the sandbox does not trust (401 after one re-sign)', async () => {
    await withSandbox({}, async (sandbox) => {
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const tokens = createTokenSource({
        keyId: 'UNKNOWN123',
        issuerId: sandbox.issuerId,
        privateKey: stranger.privateKey,
      })
      const statuses: (number | null)[] = []
      const client = createAscClient({
        baseUrl: sandbox.url,
        tokens,
        onAudit: (e) => statuses.push(e.status),
      })
      const error = (await findAppByBundleId(client, DEMO).catch((e: unknown) => e)) as AscApiError
      expect(error).toBeInstanceOf(AscApiError)
      expect(error.status).toBe(401)
      expect(statuses).toEqual([401, 401])
      expect(error.message).toMatch(/revoked, or the issuer ID or key ID does not match/)
    })
  })

  it('says how far the clock is off when the sandbox refuses a token from the future', async () => {
    // The sandbox's clock is 7 minutes behind this computer: our iat lies in its future.
    await withSandbox({ now: () => Date.now() - 7 * 60_000 }, async (sandbox) => {
      const { client } = clientFor(sandbox)
      const error = (await findAppByBundleId(client, DEMO).catch((e: unknown) => e)) as AscApiError
      expect(error.status).toBe(401)
      expect(error.message).toContain(
        'the clock of this computer is off by 7 minutes (ahead of App Store Connect)',
      )
    })
  })

  it('says the key lacks the App Manager role on a 403', async () => {
    await withSandbox({}, async (sandbox) => {
      const developer = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      sandbox.trustKey({
        keyId: 'DEVELOPER1',
        issuerId: sandbox.issuerId,
        publicKey: developer.publicKey,
        roles: ['DEVELOPER'],
      })
      const tokens = createTokenSource({
        keyId: 'DEVELOPER1',
        issuerId: sandbox.issuerId,
        privateKey: developer.privateKey,
      })
      const client = createAscClient({ baseUrl: sandbox.url, tokens })
      const app = await findAppByBundleId(client, DEMO)
      if (!app) throw new Error('demo app missing')
      const error = (await createAppStoreVersion(client, {
        appId: app.id,
        platform: 'IOS',
        versionString: '9.0',
      }).catch((e: unknown) => e)) as AscApiError
      expect(error.code).toBe('FORBIDDEN')
      expect(error.message).toMatch(
        /^App Store Connect refused POST \/v1\/appStoreVersions: the key has no App Manager role/,
      )
    })
  })

  it('shows Apple’s 409 detail verbatim and matches its code by prefix', async () => {
    await withSandbox({}, async (sandbox) => {
      const { client } = clientFor(sandbox)
      const app = await findAppByBundleId(client, DEMO)
      if (!app) throw new Error('demo app missing')
      const error = (await createAppStoreVersion(client, {
        appId: app.id,
        platform: 'IOS',
        versionString: '1.0.0',
      }).catch((e: unknown) => e)) as AscApiError
      expect(error.status).toBe(409)
      expect(error.hasCode('ENTITY_ERROR')).toBe(true)
      const detail = error.errors.map((e) => e.detail).find((d) => d.length > 0) ?? ''
      expect(error.message).toContain(detail)
    })
  })
})
