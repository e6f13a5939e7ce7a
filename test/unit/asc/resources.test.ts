import { describe, expect, it } from 'vitest'
import { findAppByBundleId, getBetaAppInfo } from '../../../electron/asc/apps'
import { reserveBuildUploadFile, waitForBuildUpload } from '../../../electron/asc/build-uploads'
import { getBuild, patchBuild } from '../../../electron/asc/builds'
import { buildQuery } from '../../../electron/asc/json-api'
import { getPhasedRelease } from '../../../electron/asc/phased-releases'
import { updateAppStoreVersion } from '../../../electron/asc/versions'
import { makeHarness } from './harness'
import { expectRequestMatchesApple } from './request-schemas'
import { appleErrors, useScriptServers } from './script-server'

const serve = useScriptServers()

const build = (attributes: Record<string, unknown>) => ({
  status: 200,
  body: { data: { type: 'builds', id: 'b1', attributes: { version: '7', ...attributes } } },
})

describe('buildQuery', () => {
  it('keeps brackets and commas literal, encodes the rest and drops empty values', () => {
    expect(
      buildQuery({
        'filter[app]': ['1', '2'],
        'filter[name]': 'A&B é',
        empty: [],
        none: null,
        n: 5,
        b: false,
      }),
    ).toBe('filter[app]=1,2&filter[name]=A%26B%20%C3%A9&n=5&b=false')
  })
})

describe('typed resources', () => {
  it('findAppByBundleId keeps only the exact bundle id', async () => {
    const server = await serve(() => ({
      status: 200,
      body: {
        data: [
          { type: 'apps', id: '1', attributes: { bundleId: 'com.acme.app.widget', name: 'Widget' } },
          {
            type: 'apps',
            id: '2',
            attributes: { bundleId: 'com.acme.app', name: 'App', primaryLocale: 'en-US' },
          },
        ],
        links: { self: '/v1/apps' },
      },
    }))
    const h = makeHarness(server.url)
    expect(await findAppByBundleId(h.client, 'com.acme.app')).toEqual({
      id: '2',
      bundleId: 'com.acme.app',
      name: 'App',
      sku: null,
      primaryLocale: 'en-US',
    })
    expect(await findAppByBundleId(h.client, 'com.acme')).toBeNull()
    expect(server.requests[0]?.query.get('filter[bundleId]')).toBe('com.acme.app')
  })

  it('reads a state Apple added later as UNKNOWN instead of failing', async () => {
    const server = await serve(() => build({ processingState: 'QUANTUM', usesNonExemptEncryption: null }))
    const h = makeHarness(server.url)
    const b = await getBuild(h.client, 'b1')
    expect(b.processingState).toBe('UNKNOWN')
    expect(b.usesNonExemptEncryption).toBeNull()
    expect(b.preReleaseVersion).toBeNull()
  })

  it('patchBuild sends Apple’s BuildUpdateRequest and, after a lost answer, reads back instead of resending', async () => {
    let expired = false
    const server = await serve((req) => {
      if (req.method === 'PATCH') {
        expired = true
        return { reset: true }
      }
      return build({ processingState: 'VALID', expired })
    })
    const h = makeHarness(server.url)
    const out = await patchBuild(h.client, 'b1', { expired: true })
    expect(out.expired).toBe(true)
    const patches = server.requests.filter((r) => r.method === 'PATCH')
    expect(patches).toHaveLength(1)
    expect(expectRequestMatchesApple(patches[0]!)).toBe('BuildUpdateRequest')
    expect(patches[0]?.body).toEqual({ data: { type: 'builds', id: 'b1', attributes: { expired: true } } })
  })

  it('updateAppStoreVersion treats the same instant in another notation as already applied', async () => {
    const server = await serve((req) =>
      req.method === 'PATCH'
        ? appleErrors(503, { code: 'UNAVAILABLE' })
        : {
            status: 200,
            body: {
              data: {
                type: 'appStoreVersions',
                id: 'v1',
                attributes: {
                  versionString: '2.0',
                  releaseType: 'SCHEDULED',
                  earliestReleaseDate: '2030-05-01T10:00:00.000Z',
                },
              },
            },
          },
    )
    const h = makeHarness(server.url)
    const out = await updateAppStoreVersion(h.client, {
      id: 'v1',
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2030-05-01T12:00:00+02:00',
    })
    expect(out.releaseType).toBe('SCHEDULED')
    expect(server.requests.map((r) => r.method)).toEqual(['PATCH', 'GET'])
    expect(expectRequestMatchesApple(server.requests[0]!)).toBe('AppStoreVersionUpdateRequest')
  })

  it('getPhasedRelease answers null for data: null and for 404', async () => {
    const server = await serve((_r, i) =>
      i === 0 ? { status: 200, body: { data: null } } : appleErrors(404, { code: 'NOT_FOUND' }),
    )
    const h = makeHarness(server.url)
    expect(await getPhasedRelease(h.client, 'v1')).toBeNull()
    expect(await getPhasedRelease(h.client, 'v1')).toBeNull()
  })

  it('getBetaAppInfo lists what TestFlight test information lacks, in one round trip', async () => {
    const server = await serve((req) =>
      req.path.endsWith('/betaAppReviewDetail')
        ? {
            status: 200,
            body: {
              data: {
                type: 'betaAppReviewDetails',
                id: 'd',
                attributes: { contactFirstName: 'Ada', contactLastName: '', contactEmail: 'a@example.com' },
              },
            },
          }
        : {
            status: 200,
            body: {
              data: [
                {
                  type: 'betaAppLocalizations',
                  id: 'l1',
                  attributes: { locale: 'de-DE', feedbackEmail: 'x@example.com' },
                },
                { type: 'betaAppLocalizations', id: 'l2', attributes: { locale: 'en-US' } },
              ],
            },
          },
    )
    const h = makeHarness(server.url)
    const info = await getBetaAppInfo(h.client, { id: 'a1', primaryLocale: 'en-US' })
    expect(info.missing).toEqual(['feedbackEmail', 'contactLastName', 'contactPhone'])
  })

  it('a reserved file carries the checksum algorithm Apple names in sourceFileChecksums', async () => {
    const named: unknown[] = [
      { file: { hash: null, algorithm: 'MD5' } },
      { file: { algorithm: 'SHA_256' } },
      { file: { algorithm: 'CRC32' } },
      null,
    ]
    const server = await serve((_r, i) => ({
      status: 201,
      body: {
        data: {
          type: 'buildUploadFiles',
          id: `f${i}`,
          attributes: {
            fileName: 'App.ipa',
            fileSize: 10,
            sourceFileChecksums: named[i],
            uploadOperations: [],
          },
        },
      },
    }))
    const h = makeHarness(server.url)
    const algorithms = []
    for (let i = 0; i < named.length; i++) {
      const file = await reserveBuildUploadFile(h.client, {
        uploadId: 'u1',
        fileName: 'App.ipa',
        fileSize: 10,
        uti: 'com.apple.ipa',
      })
      algorithms.push(file.checksumAlgorithm)
    }
    // An algorithm this client does not know is not guessed at: the uploader falls back to SHA-256.
    expect(algorithms).toEqual(['MD5', 'SHA_256', null, null])
  })

  it('waitForBuildUpload stops on FAILED with Apple’s codes and polls with the injected clock', async () => {
    const server = await serve((_r, i) => ({
      status: 200,
      body: {
        data: {
          type: 'buildUploads',
          id: 'u1',
          attributes: {
            cfBundleShortVersionString: '1.0',
            cfBundleVersion: '3',
            platform: 'IOS',
            state:
              i < 2
                ? { state: 'PROCESSING', errors: [], warnings: [], infos: [] }
                : {
                    state: 'FAILED',
                    errors: [{ code: '90189', description: 'Redundant Binary Upload.' }],
                    warnings: [],
                    infos: [],
                  },
          },
        },
      },
    }))
    const h = makeHarness(server.url)
    const states: (string | null)[] = []
    const error = await waitForBuildUpload(h.client, 'u1', {
      sleep: async (ms) => void (h.clock.now += ms),
      now: () => h.clock.now,
      intervalMs: 1000,
      onState: (u) => states.push(u.state),
    }).catch((e: unknown) => e)
    expect(states).toEqual(['PROCESSING', 'PROCESSING', 'FAILED'])
    expect((error as Error).message).toBe(
      'App Store Connect rejected the upload of 1.0 (3): 90189: Redundant Binary Upload.',
    )
  })
  it('waitForBuildUpload right after a commit times its looks from the sending: 1, 3, 7… s after it, none at 0', async () => {
    const server = await serve((_r, i) => ({
      status: 200,
      body: {
        data: {
          type: 'buildUploads',
          id: 'u1',
          attributes: {
            cfBundleShortVersionString: '1.0',
            cfBundleVersion: '3',
            platform: 'IOS',
            state: { state: i < 2 ? 'PROCESSING' : 'COMPLETE', errors: [], warnings: [], infos: [] },
          },
        },
      },
    }))
    const h = makeHarness(server.url)
    const start = h.clock.now
    const looksAt: number[] = []
    const options = {
      sleep: async (ms: number) => void (h.clock.now += ms),
      now: () => h.clock.now,
      onState: () => looksAt.push(h.clock.now - start),
    }
    await waitForBuildUpload(h.client, 'u1', { ...options, committedAt: h.clock.now })
    expect(looksAt).toEqual([1_000, 3_000, 7_000])
    // The commit's answer took 600 ms: the first look still comes a second after the commit was sent (and
    // finds the upload COMPLETE by now).
    looksAt.length = 0
    const sent = h.clock.now
    h.clock.now += 600
    await waitForBuildUpload(h.client, 'u1', {
      ...options,
      committedAt: sent,
      onState: () => looksAt.push(h.clock.now - sent),
    })
    expect(looksAt).toEqual([1_000])
    // A resumed run looks at once: the upload may have finished while it was away.
    looksAt.length = 0
    const resumed = h.clock.now
    await waitForBuildUpload(h.client, 'u1', {
      ...options,
      onState: () => looksAt.push(h.clock.now - resumed),
    })
    expect(looksAt).toEqual([0])
  })
})
