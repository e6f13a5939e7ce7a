import { expect, test } from 'vitest'
import { withSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, fails, ok, okList, uploadBuild } from './helpers'

// App Store Connect's release-note and version-order refusals, as the sandbox models them.

const rel = (type: string, id: string) => ({ data: { type, id } })
const newVersion = (appId: string, versionString: string) => ({
  data: {
    type: 'appStoreVersions',
    attributes: { platform: 'IOS', versionString },
    relationships: { app: rel('apps', appId) },
  },
})
const patchLocalization = (id: string, attributes: Record<string, unknown>) => ({
  data: { type: 'appStoreVersionLocalizations', id, attributes },
})
type Localization = { id: string; attributes: Record<string, unknown> }

async function localizations(sb: TestSandbox, versionId: string): Promise<Localization[]> {
  return (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`)).data
}

/** A version with a VALID build attached, ready to be added to a review submission. */
async function versionWithBuild(
  sb: TestSandbox,
  appId: string,
  versionString: string,
  buildNumber: string,
): Promise<string> {
  const build = await uploadBuild(sb, appId, versionString, buildNumber)
  expect(build.state).toBe('COMPLETE')
  const version = await ok(sb, 'POST', '/v1/appStoreVersions', newVersion(appId, versionString))
  await ok(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${version.data.id}/relationships/build`,
    { data: { type: 'builds', id: build.buildId } },
    204,
  )
  return version.data.id
}

async function addToSubmission(sb: TestSandbox, appId: string, versionId: string) {
  const existing = await okList(
    sb,
    `/v1/reviewSubmissions?filter[app]=${appId}&filter[state]=READY_FOR_REVIEW`,
  )
  const submissionId =
    existing.data[0]?.id ??
    (
      await ok(sb, 'POST', '/v1/reviewSubmissions', {
        data: {
          type: 'reviewSubmissions',
          attributes: { platform: 'IOS' },
          relationships: { app: rel('apps', appId) },
        },
      })
    ).data.id
  return sb.call('POST', '/v1/reviewSubmissionItems', {
    data: {
      type: 'reviewSubmissionItems',
      relationships: {
        reviewSubmission: rel('reviewSubmissions', submissionId),
        appStoreVersion: rel('appStoreVersions', versionId),
      },
    },
  })
}

const twoLocales = {
  seed: {
    apps: [
      {
        bundleId: 'com.example.notes',
        name: 'Notes',
        platforms: ['IOS' as const],
        locales: ['en-US', 'de-DE'],
        versions: [
          { platform: 'IOS' as const, versionString: '2.5.0', state: 'READY_FOR_DISTRIBUTION' as const },
        ],
      },
    ],
  },
}

test("an update starts with the previous text except What's New, and is refused for review until every locale has it", async () => {
  await withSandbox(twoLocales, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.notes')
    const live = (await okList(sb, `/v1/apps/${appId}/appStoreVersions`)).data[0]!
    const before = await localizations(sb, live.id)
    expect(before.map((l) => l.attributes.locale)).toEqual(['en-US', 'de-DE'])

    const versionId = await versionWithBuild(sb, appId, '2.6.0', '1')
    const copied = await localizations(sb, versionId)
    expect(copied.map((l) => l.attributes.locale)).toEqual(['en-US', 'de-DE'])
    for (const [i, l] of copied.entries()) {
      expect(l.attributes.description).toBe(before[i]?.attributes.description)
      expect(l.attributes.supportUrl).toBe(before[i]?.attributes.supportUrl)
      expect(l.attributes.whatsNew).toBeUndefined()
    }

    const refused = await addToSubmission(sb, appId, versionId)
    expect(refused.status).toBe(409)
    const error = (
      refused.body as { errors: { code: string; detail: string; meta: Record<string, unknown> }[] }
    ).errors[0]!
    expect(error.code).toBe('STATE_ERROR.ENTITY_STATE_INVALID')
    expect(error.detail).toBe('This resource cannot be reviewed, please check associated errors to see why.')
    const associated = error.meta.associatedErrors as Record<string, { code: string; detail: string }[]>
    expect(Object.keys(associated).sort()).toEqual(
      copied.map((l) => `/v1/appStoreVersionLocalizations/${l.id}`).sort(),
    )
    for (const list of Object.values(associated)) {
      expect(list[0]).toMatchObject({
        code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
        detail: "You must provide a value for the attribute 'whatsNew' with this request",
      })
    }

    // One locale filled: still refused, naming only the other.
    await ok(
      sb,
      'PATCH',
      `/v1/appStoreVersionLocalizations/${copied[0]!.id}`,
      patchLocalization(copied[0]!.id, { whatsNew: 'Faster sync.' }),
    )
    const half = await addToSubmission(sb, appId, versionId)
    expect(half.status).toBe(409)
    expect(JSON.stringify(half.body)).toContain(`/v1/appStoreVersionLocalizations/${copied[1]!.id}`)
    expect(JSON.stringify(half.body)).not.toContain(`/v1/appStoreVersionLocalizations/${copied[0]!.id}`)

    await ok(
      sb,
      'PATCH',
      `/v1/appStoreVersionLocalizations/${copied[1]!.id}`,
      patchLocalization(copied[1]!.id, { whatsNew: 'Schneller.' }),
    )
    expect((await addToSubmission(sb, appId, versionId)).status).toBe(201)
    const read = await ok(sb, 'GET', `/v1/appStoreVersionLocalizations/${copied[1]!.id}`)
    expect(read.data.attributes).toMatchObject({ locale: 'de-DE', whatsNew: 'Schneller.' })
    expect(sb.schemaProblems()).toBe('')
  })
})

test('a first version refuses any write carrying whatsNew, even null, and refuses a phased release', async () => {
  await withSandbox(
    { seed: { apps: [{ bundleId: 'com.example.first', name: 'First', platforms: ['IOS'] }] } },
    async (sb) => {
      const appId = await demoAppId(sb, 'com.example.first')
      const versionId = await versionWithBuild(sb, appId, '1.0', '1')
      const [l] = await localizations(sb, versionId)
      expect(l?.attributes.locale).toBe('en-US')
      for (const whatsNew of ['Hello', null]) {
        const refused = await fails(
          sb,
          'PATCH',
          `/v1/appStoreVersionLocalizations/${l!.id}`,
          patchLocalization(l!.id, { description: 'Changed', whatsNew }),
          409,
          'STATE_ERROR',
        )
        expect(refused.detail).toBe("Attribute 'whatsNew' cannot be edited at this time")
      }
      // The whole PATCH was refused: the description is unchanged.
      expect(
        (await ok(sb, 'GET', `/v1/appStoreVersionLocalizations/${l!.id}`)).data.attributes.description,
      ).not.toBe('Changed')
      await ok(
        sb,
        'PATCH',
        `/v1/appStoreVersionLocalizations/${l!.id}`,
        patchLocalization(l!.id, { description: 'Changed' }),
      )
      await fails(
        sb,
        'POST',
        '/v1/appStoreVersionLocalizations',
        {
          data: {
            type: 'appStoreVersionLocalizations',
            attributes: { locale: 'fr-FR', whatsNew: 'Bonjour' },
            relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
          },
        },
        409,
        'STATE_ERROR',
      )
      await fails(
        sb,
        'POST',
        '/v1/appStoreVersionPhasedReleases',
        {
          data: {
            type: 'appStoreVersionPhasedReleases',
            relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
          },
        },
        409,
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
      )
      // Without release notes a first version goes to review.
      expect((await addToSubmission(sb, appId, versionId)).status).toBe(201)
      expect(sb.schemaProblems()).toBe('')
    },
  )
})

test('version order: a lower or approved version is refused at upload (ITMS-90062/90186) and at version create', async () => {
  await withSandbox(twoLocales, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.notes')
    const lower = await uploadBuild(sb, appId, '2.4.0', '7')
    expect(lower.state).toBe('FAILED')
    const upload = await ok(sb, 'GET', `/v1/buildUploads/${lower.uploadId}`)
    expect((upload.data.attributes.state as { errors: unknown[] }).errors).toEqual([
      {
        code: '90062',
        description:
          'This bundle is invalid. The value for key CFBundleShortVersionString [2.4.0] in the Info.plist file must contain a higher version than that of the previously approved version [2.5.0].',
      },
    ])
    const invalid = (
      await okList(sb, `/v1/builds?filter[app]=${appId}&filter[preReleaseVersion.version]=2.4.0`)
    ).data
    expect(invalid.map((b) => b.attributes.processingState)).toEqual(['INVALID'])

    const closed = await uploadBuild(sb, appId, '2.5', '8')
    expect(closed.state).toBe('FAILED')
    const codes = (
      (await ok(sb, 'GET', `/v1/buildUploads/${closed.uploadId}`)).data.attributes.state as {
        errors: { code: string; description: string }[]
      }
    ).errors
    expect(codes.map((e) => e.code)).toEqual(['90186', '90062'])
    expect(codes[0]?.description).toBe(
      "Invalid Pre-Release Train. The train version '2.5' is closed for new build submissions",
    )

    // 2.10.0 is higher than 2.5.0 (numbers, not text).
    expect((await uploadBuild(sb, appId, '2.10.0', '9')).state).toBe('COMPLETE')

    const refused = await fails(
      sb,
      'POST',
      '/v1/appStoreVersions',
      newVersion(appId, '2.4.1'),
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
    )
    expect(refused.detail).toBe(
      "The version number '2.4.1' must be higher than the previously approved version '2.5.0'.",
    )
    const created = await ok(sb, 'POST', '/v1/appStoreVersions', newVersion(appId, '2.10.0'))
    await fails(
      sb,
      'PATCH',
      `/v1/appStoreVersions/${created.data.id}`,
      { data: { type: 'appStoreVersions', id: created.data.id, attributes: { versionString: '2.0' } } },
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
    )
    expect(sb.schemaProblems()).toBe('')
  })
})

test('beta review is refused without What to Test in the primary locale', async () => {
  await withSandbox(twoLocales, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.notes')
    const { buildId } = await uploadBuild(sb, appId, '2.6.0', '3')
    await ok(sb, 'PATCH', `/v1/builds/${buildId}`, {
      data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption: false } },
    })
    const body = {
      data: { type: 'betaAppReviewSubmissions', relationships: { build: rel('builds', buildId!) } },
    }
    const refused = await sb.call('POST', '/v1/betaAppReviewSubmissions', body)
    expect(refused.status).toBe(409)
    expect(JSON.stringify(refused.body)).toContain("You must provide a value for the attribute 'whatsNew'")
    // Another locale's note does not count.
    await ok(sb, 'POST', '/v1/betaBuildLocalizations', {
      data: {
        type: 'betaBuildLocalizations',
        attributes: { locale: 'de-DE', whatsNew: 'Bitte testen' },
        relationships: { build: rel('builds', buildId!) },
      },
    })
    expect((await sb.call('POST', '/v1/betaAppReviewSubmissions', body)).status).toBe(409)
    await ok(sb, 'POST', '/v1/betaBuildLocalizations', {
      data: {
        type: 'betaBuildLocalizations',
        attributes: { locale: 'en-US', whatsNew: 'Try the new sync' },
        relationships: { build: rel('builds', buildId!) },
      },
    })
    const sub = await ok(sb, 'POST', '/v1/betaAppReviewSubmissions', body)
    expect(sub.data.attributes.betaReviewState).toBe('WAITING_FOR_REVIEW')
    expect(sb.schemaProblems()).toBe('')
  })
})
