import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { readImageHeader } from '../../../shared/image-header'
import { makeIpa } from '../../fixtures/build-factory'
import { jpegImage, pngImage } from '../../fixtures/image-factory'
import { waitFor, withSandbox, type TestSandbox } from '../../support/sandbox'
import { useTempDir } from '../../support/temp-dir'
import { demoAppId, fails, ok, okList, submitUpdate, uploadBuild, type Operation } from './helpers'

// App Store readiness as App Store Connect models it: a fresh app record lacks what App Review needs, and
// adding its version to a review submission is refused with one 409 naming every missing item.

const tempDir = useTempDir('ascent-readiness-')
const rel = (type: string, id: string) => ({ data: { type, id } })
type Doc = { id: string; attributes: Record<string, unknown>; relationships?: Record<string, unknown> }
type AssociatedErrors = Record<string, { code: string; detail: string; source?: { pointer: string } }[]>

const freshApp = {
  seed: {
    apps: [
      {
        bundleId: 'com.example.fresh',
        name: 'Fresh',
        platforms: ['IOS' as const],
        locales: ['en-US', 'de-DE'],
        appStoreInfo: false,
      },
    ],
  },
}

/** Uploads a real build (which the sandbox reads, device families included) and creates version 1.0 with it. */
async function firstVersion(
  sb: TestSandbox,
  appId: string,
  deviceFamilies: readonly number[] = [1, 2],
): Promise<{ versionId: string; buildId: string }> {
  const ipa = await makeIpa(
    { bundleId: 'com.example.fresh', version: '1.0', buildNumber: '1', deviceFamilies },
    await tempDir(),
  )
  const { buildId } = await uploadBuild(sb, appId, '1.0', '1', await readFile(ipa))
  const version = await ok(sb, 'POST', '/v1/appStoreVersions', {
    data: {
      type: 'appStoreVersions',
      attributes: { platform: 'IOS', versionString: '1.0' },
      relationships: { app: rel('apps', appId), build: rel('builds', buildId ?? '') },
    },
  })
  return { versionId: version.data.id, buildId: buildId ?? '' }
}

async function addToNewSubmission(sb: TestSandbox, appId: string, versionId: string) {
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

function associatedErrorsOf(body: unknown): AssociatedErrors {
  const error = (body as { errors: { code: string; detail: string; meta?: Record<string, unknown> }[] })
    .errors[0]
  expect(error?.code).toBe('STATE_ERROR.ENTITY_STATE_INVALID')
  expect(error?.detail).toBe('This resource cannot be reviewed, please check associated errors to see why.')
  return (error?.meta?.associatedErrors ?? {}) as AssociatedErrors
}

/** "key pointer-or-code" for every associated error, sorted, to compare whole refusals at once. */
function missingItems(errors: AssociatedErrors): string[] {
  return Object.entries(errors)
    .flatMap(([key, list]) =>
      list.map((e) => `${key.replace(/[0-9a-f-]{36}|\d{10}/g, '{id}')} ${e.source?.pointer ?? e.code}`),
    )
    .sort()
}

/** The download address of a processed screenshot: its imageAsset.templateUrl filled in. */
function imageUrl(shot: Doc, format: string): string {
  const asset = shot.attributes.imageAsset as { templateUrl: string; width: number; height: number }
  return asset.templateUrl
    .replace('{w}', String(asset.width))
    .replace('{h}', String(asset.height))
    .replace('{f}', format)
}

/** Reserves, uploads and commits one screenshot, then waits for processing to end. */
async function uploadScreenshot(
  sb: TestSandbox,
  setId: string,
  bytes: Buffer,
  fileName = 'shot.png',
): Promise<Doc> {
  const reserved = await ok(sb, 'POST', '/v1/appScreenshots', {
    data: {
      type: 'appScreenshots',
      attributes: { fileName, fileSize: bytes.length },
      relationships: { appScreenshotSet: rel('appScreenshotSets', setId) },
    },
  })
  expect(reserved.data.attributes.assetDeliveryState).toMatchObject({ state: 'AWAITING_UPLOAD' })
  for (const op of reserved.data.attributes.uploadOperations as Operation[]) {
    const res = await fetch(op.url, {
      method: op.method,
      headers: Object.fromEntries(op.requestHeaders.map((h) => [h.name, h.value])),
      body: bytes.subarray(op.offset, op.offset + op.length),
    })
    expect(res.status).toBe(200)
  }
  const committed = await ok(sb, 'PATCH', `/v1/appScreenshots/${reserved.data.id}`, {
    data: {
      type: 'appScreenshots',
      id: reserved.data.id,
      attributes: { uploaded: true, sourceFileChecksum: createHash('md5').update(bytes).digest('hex') },
    },
  })
  expect(committed.data.attributes.assetDeliveryState).toMatchObject({ state: 'UPLOAD_COMPLETE' })
  return waitFor(async () => {
    const shot = (await ok(sb, 'GET', `/v1/appScreenshots/${reserved.data.id}`)).data
    const state = (shot.attributes.assetDeliveryState as { state: string }).state
    return state === 'COMPLETE' || state === 'FAILED' ? shot : null
  }, 'screenshot processing')
}

test('a fresh app record is refused for review naming every missing item, and goes to review once they are filled', async () => {
  await withSandbox({ ...freshApp, reviewMs: 0 }, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.fresh')
    const [info] = (
      await okList(sb, `/v1/apps/${appId}/appInfos?include=primaryCategory,appInfoLocalizations`)
    ).data
    expect(info?.attributes.state).toBe('PREPARE_FOR_SUBMISSION')
    const infoLocalizations = (await okList(sb, `/v1/appInfos/${info!.id}/appInfoLocalizations`)).data
    expect(infoLocalizations.map((l) => l.attributes)).toEqual([
      { locale: 'en-US', name: 'Fresh' },
      { locale: 'de-DE', name: 'Fresh' },
    ])
    expect((await ok(sb, 'GET', `/v1/appInfos/${info!.id}/primaryCategory`)).data).toBeNull()

    const { versionId } = await firstVersion(sb, appId)
    const localizations = (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`))
      .data
    expect(localizations.map((l) => l.attributes)).toEqual([{ locale: 'en-US' }, { locale: 'de-DE' }])
    const [en, de] = localizations
    expect((await okList(sb, `/v1/appStoreVersionLocalizations/${en!.id}/appScreenshotSets`)).data).toEqual(
      [],
    )
    expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/appStoreReviewDetail`)).data).toBeNull()

    const refused = await addToNewSubmission(sb, appId, versionId)
    expect(refused.status).toBe(409)
    expect(missingItems(associatedErrorsOf(refused.body))).toEqual(
      [
        // The primary locale's privacy policy URL stands in for the others.
        '/v1/appInfoLocalizations/{id} /data/attributes/privacyPolicyUrl',
        '/v1/appInfos/{id} /data/relationships/primaryCategory',
        '/v1/appScreenshots/ STATE_ERROR.SCREENSHOT_REQUIRED.APP_IPHONE_67',
        // The universal build runs on iPad too.
        '/v1/appScreenshots/ STATE_ERROR.SCREENSHOT_REQUIRED.APP_IPAD_PRO_3GEN_129',
        '/v1/appStoreVersions/{id} /data/relationships/appStoreReviewDetail',
        ...['description', 'keywords', 'supportUrl'].flatMap((key) => [
          `/v1/appStoreVersionLocalizations/{id} /data/attributes/${key}`,
          `/v1/appStoreVersionLocalizations/{id} /data/attributes/${key}`,
        ]),
      ].sort(),
    )
    expect(JSON.stringify(refused.body)).toContain(
      "You must provide a value for the attribute 'privacyPolicyUrl' with this request",
    )
    expect(JSON.stringify(refused.body)).toContain(
      'A screenshot for one of the following types is required but was not provided: APP_IPHONE_67, APP_IPHONE_65',
    )

    // Fill everything through the API, as a client would.
    await ok(sb, 'PATCH', `/v1/appInfos/${info!.id}`, {
      data: {
        type: 'appInfos',
        id: info!.id,
        relationships: { primaryCategory: rel('appCategories', 'PRODUCTIVITY') },
      },
    })
    for (const l of infoLocalizations) {
      await ok(sb, 'PATCH', `/v1/appInfoLocalizations/${l.id}`, {
        data: {
          type: 'appInfoLocalizations',
          id: l.id,
          attributes: { subtitle: 'Notes, fresh', privacyPolicyUrl: 'https://example.com/privacy' },
        },
      })
    }
    for (const l of [en!, de!]) {
      await ok(sb, 'PATCH', `/v1/appStoreVersionLocalizations/${l.id}`, {
        data: {
          type: 'appStoreVersionLocalizations',
          id: l.id,
          attributes: {
            description: 'Fresh notes.',
            keywords: 'notes,fresh',
            supportUrl: 'https://example.com/support',
            marketingUrl: 'https://example.com',
            promotionalText: 'New!',
          },
        },
      })
    }
    await ok(sb, 'POST', '/v1/appStoreReviewDetails', {
      data: {
        type: 'appStoreReviewDetails',
        attributes: {
          contactFirstName: 'Grace',
          contactLastName: 'Hopper',
          contactPhone: '+1 555 0199',
          contactEmail: 'grace@example.com',
          notes: 'No sign-in needed.',
        },
        relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
      },
    })
    // Screenshots in the primary locale only: the other locales fall back to them.
    for (const [type, size] of [
      ['APP_IPHONE_67', [1290, 2796]],
      ['APP_IPAD_PRO_3GEN_129', [2064, 2752]],
    ] as const) {
      const set = await ok(sb, 'POST', '/v1/appScreenshotSets', {
        data: {
          type: 'appScreenshotSets',
          attributes: { screenshotDisplayType: type },
          relationships: { appStoreVersionLocalization: rel('appStoreVersionLocalizations', en!.id) },
        },
      })
      const shot = await uploadScreenshot(sb, set.data.id, pngImage(size[0], size[1]))
      expect(shot.attributes.assetDeliveryState).toEqual({ state: 'COMPLETE', errors: [], warnings: [] })
    }

    // The draft submission the refusal left behind is reused, as App Store Connect's UI does.
    const added = await addToNewSubmission(sb, appId, versionId)
    expect(added.status, JSON.stringify(added.body)).toBe(201)
    const submissionId =
      (await okList(sb, `/v1/reviewSubmissions?filter[app]=${appId}&filter[state]=READY_FOR_REVIEW`)).data[0]
        ?.id ?? ''
    await ok(sb, 'PATCH', `/v1/reviewSubmissions/${submissionId}`, {
      data: { type: 'reviewSubmissions', id: submissionId, attributes: { submitted: true } },
    })
    const state = await sb.state()
    expect(state.reviewSubmissions.find((r) => r.id === submissionId)?.state).toBe('WAITING_FOR_REVIEW')
    const app = state.apps.find((a) => a.bundleId === 'com.example.fresh')!
    expect(app.appInfos).toMatchObject([
      {
        state: 'WAITING_FOR_REVIEW',
        primaryCategory: 'PRODUCTIVITY',
        localizations: [
          { locale: 'en-US', name: 'Fresh', privacyPolicyUrl: 'https://example.com/privacy' },
          { locale: 'de-DE', name: 'Fresh', privacyPolicyUrl: 'https://example.com/privacy' },
        ],
      },
    ])
    const version = state.versions.find((v) => v.id === versionId)!
    expect(version.reviewDetail).toMatchObject({ contactFirstName: 'Grace', notes: 'No sign-in needed.' })
    expect(version.localizations[0]).toMatchObject({
      locale: 'en-US',
      description: 'Fresh notes.',
      screenshotSets: [
        { screenshotDisplayType: 'APP_IPHONE_67', screenshots: [{ state: 'COMPLETE', width: 1290 }] },
        { screenshotDisplayType: 'APP_IPAD_PRO_3GEN_129', screenshots: [{ state: 'COMPLETE', width: 2064 }] },
      ],
    })
    expect(sb.schemaProblems()).toBe('')
  })
})

test('text is refused as Apple refuses it: lengths, URLs, a live app info, categories, duplicates', async () => {
  await withSandbox(
    {
      seed: {
        apps: [
          {
            bundleId: 'com.example.live',
            name: 'Live',
            platforms: ['IOS' as const],
            versions: [{ platform: 'IOS' as const, versionString: '1.0', state: 'READY_FOR_SALE' as const }],
          },
        ],
      },
    },
    async (sb) => {
      const appId = await demoAppId(sb, 'com.example.live')
      // On sale, nothing in preparation: one live app info, which takes no edits.
      const [live] = (await okList(sb, `/v1/apps/${appId}/appInfos`)).data
      expect(live?.attributes.state).toBe('READY_FOR_DISTRIBUTION')
      const [liveText] = (await okList(sb, `/v1/appInfos/${live!.id}/appInfoLocalizations`)).data
      expect(liveText?.attributes).toEqual({
        locale: 'en-US',
        name: 'Live',
        privacyPolicyUrl: 'https://example.com/com.example.live/privacy',
      })
      await fails(
        sb,
        'PATCH',
        `/v1/appInfoLocalizations/${liveText!.id}`,
        { data: { type: 'appInfoLocalizations', id: liveText!.id, attributes: { subtitle: 'Now live' } } },
        409,
        'ENTITY_ERROR.STATE_NOT_ALLOWED',
      )

      // A new version opens the next app info, a copy of the live one, in PREPARE_FOR_SUBMISSION.
      const version = await ok(sb, 'POST', '/v1/appStoreVersions', {
        data: {
          type: 'appStoreVersions',
          attributes: { platform: 'IOS', versionString: '1.1' },
          relationships: { app: rel('apps', appId) },
        },
      })
      const infos = (await okList(sb, `/v1/apps/${appId}/appInfos?include=primaryCategory`)).data
      expect(infos.map((i) => i.attributes.state)).toEqual([
        'READY_FOR_DISTRIBUTION',
        'PREPARE_FOR_SUBMISSION',
      ])
      const next = infos[1]!
      const [nextText] = (await okList(sb, `/v1/appInfos/${next.id}/appInfoLocalizations`)).data
      const patchInfoText = (attributes: Record<string, unknown>) => ({
        data: { type: 'appInfoLocalizations', id: nextText!.id, attributes },
      })
      const tooLong = await fails(
        sb,
        'PATCH',
        `/v1/appInfoLocalizations/${nextText!.id}`,
        patchInfoText({ name: 'N'.repeat(31) }),
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
      )
      expect(tooLong).toMatchObject({
        detail: 'name is 31 characters; the limit is 30.',
        source: { pointer: '/data/attributes/name' },
      })
      await fails(
        sb,
        'PATCH',
        `/v1/appInfoLocalizations/${nextText!.id}`,
        patchInfoText({ subtitle: 'S'.repeat(31) }),
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
      )
      for (const privacyPolicyUrl of ['example.com/privacy', 'ftp://example.com/p', ' https://example.com/p'])
        await fails(
          sb,
          'PATCH',
          `/v1/appInfoLocalizations/${nextText!.id}`,
          patchInfoText({ privacyPolicyUrl }),
          409,
          'ENTITY_ERROR.ATTRIBUTE.INVALID',
        )
      await fails(
        sb,
        'PATCH',
        `/v1/appInfoLocalizations/${nextText!.id}`,
        patchInfoText({ name: '' }),
        409,
        'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      )
      const subtitled = await ok(
        sb,
        'PATCH',
        `/v1/appInfoLocalizations/${nextText!.id}`,
        patchInfoText({ subtitle: 'Ü'.repeat(30) }),
      )
      expect(subtitled.data.attributes.subtitle).toBe('Ü'.repeat(30))
      await fails(
        sb,
        'POST',
        '/v1/appInfoLocalizations',
        {
          data: {
            type: 'appInfoLocalizations',
            attributes: { locale: 'en-US', name: 'Again' },
            relationships: { appInfo: rel('appInfos', next.id) },
          },
        },
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
      )
      const french = await ok(sb, 'POST', '/v1/appInfoLocalizations', {
        data: {
          type: 'appInfoLocalizations',
          attributes: {
            locale: 'fr-FR',
            name: 'En direct',
            privacyPolicyUrl: 'https://example.com/fr/privacy',
          },
          relationships: { appInfo: rel('appInfos', next.id) },
        },
      })
      expect(french.data.attributes).toMatchObject({ locale: 'fr-FR', name: 'En direct' })

      // Categories: top-level ones in the category slots, a Games subcategory under Games, the app's platform.
      const patchCategories = (relationships: Record<string, unknown>) => ({
        data: { type: 'appInfos', id: next.id, relationships },
      })
      for (const [relationships, detail] of [
        [{ primaryCategory: rel('appCategories', 'NOPE') }, "appCategories with id 'NOPE' cannot be found"],
        [{ primaryCategory: rel('appCategories', 'GAMES_PUZZLE') }, 'is a subcategory of GAMES'],
        [
          {
            primaryCategory: rel('appCategories', 'PRODUCTIVITY'),
            primarySubcategoryOne: rel('appCategories', 'GAMES_PUZZLE'),
          },
          "'GAMES_PUZZLE' is not a subcategory of PRODUCTIVITY",
        ],
        [{ secondaryCategory: rel('appCategories', 'PRODUCTIVITY') }, 'cannot both be'],
      ] as const) {
        const refused = await fails(
          sb,
          'PATCH',
          `/v1/appInfos/${next.id}`,
          patchCategories(relationships),
          409,
          'ENTITY_ERROR.RELATIONSHIP.INVALID',
        )
        expect(refused.detail).toContain(detail)
      }
      await ok(
        sb,
        'PATCH',
        `/v1/appInfos/${next.id}`,
        patchCategories({
          primaryCategory: rel('appCategories', 'GAMES'),
          primarySubcategoryOne: rel('appCategories', 'GAMES_PUZZLE'),
          secondaryCategory: rel('appCategories', 'EDUCATION'),
        }),
      )
      const games = await ok(
        sb,
        'GET',
        `/v1/appInfos/${next.id}?include=primaryCategory,primarySubcategoryOne,secondaryCategory`,
      )
      expect(games.data.relationships).toMatchObject({
        primaryCategory: { data: { type: 'appCategories', id: 'GAMES' } },
        primarySubcategoryOne: { data: { type: 'appCategories', id: 'GAMES_PUZZLE' } },
        secondaryCategory: { data: { type: 'appCategories', id: 'EDUCATION' } },
      })
      expect((await ok(sb, 'GET', `/v1/appInfos/${next.id}/primaryCategory`)).data.id).toBe('GAMES')
      expect((await ok(sb, 'GET', `/v1/appInfos/${next.id}/relationships/primaryCategory`)).data).toEqual({
        type: 'appCategories',
        id: 'GAMES',
      })
      // The live app info keeps its category until the version goes on sale.
      expect((await ok(sb, 'GET', `/v1/appInfos/${live!.id}/primaryCategory`)).data.id).toBe('PRODUCTIVITY')

      // Version text: Apple's limits and URLs.
      const [text] = (
        await okList(sb, `/v1/appStoreVersions/${version.data.id}/appStoreVersionLocalizations`)
      ).data
      const patchText = (attributes: Record<string, unknown>) => ({
        data: { type: 'appStoreVersionLocalizations', id: text!.id, attributes },
      })
      for (const [key, max] of [
        ['description', 4000],
        ['keywords', 100],
        ['promotionalText', 170],
        ['whatsNew', 4000],
      ] as const) {
        const refused = await fails(
          sb,
          'PATCH',
          `/v1/appStoreVersionLocalizations/${text!.id}`,
          patchText({ [key]: 'x'.repeat(max + 1) }),
          409,
          'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
        )
        expect(refused.detail).toBe(`${key} is ${max + 1} characters; the limit is ${max}.`)
        await ok(
          sb,
          'PATCH',
          `/v1/appStoreVersionLocalizations/${text!.id}`,
          patchText({ [key]: 'x'.repeat(max) }),
        )
      }
      for (const key of ['supportUrl', 'marketingUrl'])
        await fails(
          sb,
          'PATCH',
          `/v1/appStoreVersionLocalizations/${text!.id}`,
          patchText({ [key]: 'not a url' }),
          409,
          'ENTITY_ERROR.ATTRIBUTE.INVALID',
        )

      // The carried-over App Review contact: a bad e-mail address is refused; a second detail is too.
      const detail = await ok(sb, 'GET', `/v1/appStoreVersions/${version.data.id}/appStoreReviewDetail`)
      expect(detail.data.attributes).toMatchObject({
        contactFirstName: 'Ada',
        contactEmail: 'review@example.com',
      })
      await fails(
        sb,
        'PATCH',
        `/v1/appStoreReviewDetails/${detail.data.id}`,
        { data: { type: 'appStoreReviewDetails', id: detail.data.id, attributes: { contactEmail: 'ada' } } },
        409,
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
      )
      await fails(
        sb,
        'POST',
        '/v1/appStoreReviewDetails',
        {
          data: {
            type: 'appStoreReviewDetails',
            relationships: { appStoreVersion: rel('appStoreVersions', version.data.id) },
          },
        },
        409,
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
      )
      // Demo sign-in required without an account: App Review refuses the version naming both fields.
      await ok(sb, 'PATCH', `/v1/appStoreReviewDetails/${detail.data.id}`, {
        data: {
          type: 'appStoreReviewDetails',
          id: detail.data.id,
          attributes: { demoAccountRequired: true },
        },
      })
      const { buildId } = await uploadBuild(sb, appId, '1.1', '2')
      await ok(
        sb,
        'PATCH',
        `/v1/appStoreVersions/${version.data.id}/relationships/build`,
        { data: { type: 'builds', id: buildId } },
        204,
      )
      await ok(
        sb,
        'PATCH',
        `/v1/appStoreVersionLocalizations/${text!.id}`,
        patchText({ whatsNew: 'Puzzles.' }),
      )
      const refused = await addToNewSubmission(sb, appId, version.data.id)
      expect(refused.status).toBe(409)
      expect(missingItems(associatedErrorsOf(refused.body))).toEqual([
        '/v1/appStoreReviewDetails/{id} /data/attributes/demoAccountName',
        '/v1/appStoreReviewDetails/{id} /data/attributes/demoAccountPassword',
      ])
      expect(sb.schemaProblems()).toBe('')
    },
  )
})

test('a complete app: a new version carries text, screenshots and App Review contact; release makes its app info live', async () => {
  await withSandbox({ reviewMs: 0 }, async (sb) => {
    const appId = await demoAppId(sb)
    const live = (await okList(sb, `/v1/apps/${appId}/appStoreVersions`)).data[0]!
    const [liveText] = (await okList(sb, `/v1/appStoreVersions/${live.id}/appStoreVersionLocalizations`)).data
    const liveSets = (
      await okList(
        sb,
        `/v1/appStoreVersionLocalizations/${liveText!.id}/appScreenshotSets?include=appScreenshots`,
      )
    ).data
    expect(liveSets.map((set) => set.attributes.screenshotDisplayType)).toEqual([
      'APP_IPHONE_67',
      'APP_IPAD_PRO_3GEN_129',
    ])
    const [liveShot] = (await okList(sb, `/v1/appScreenshotSets/${liveSets[0]!.id}/appScreenshots`)).data
    expect(liveShot?.attributes).toMatchObject({
      assetDeliveryState: { state: 'COMPLETE', errors: [], warnings: [] },
      imageAsset: { width: 1260, height: 2736 },
      uploadOperations: [],
    })
    // A seeded screenshot downloads as a real image of its size.
    const seededImage = Buffer.from(await (await fetch(imageUrl(liveShot!, 'png'))).arrayBuffer())
    expect(readImageHeader(seededImage)).toMatchObject({ format: 'png', width: 1260, height: 2736 })

    // One read gives a client the version's text, screenshot sets and App Review contact.
    const withIncludes = await ok<{ included: { type: string }[] }>(
      sb,
      'GET',
      `/v1/apps/${appId}/appStoreVersions?include=appStoreVersionLocalizations,appStoreReviewDetail`,
    )
    expect(withIncludes.included.map((r) => r.type).sort()).toEqual([
      'appStoreReviewDetails',
      'appStoreVersionLocalizations',
    ])
    const textWithSets = await okList(
      sb,
      `/v1/appStoreVersions/${live.id}/appStoreVersionLocalizations?include=appScreenshotSets`,
    )
    expect((textWithSets.included as unknown[]).length).toBe(2)

    const { buildId } = await uploadBuild(sb, appId, '1.1.0', '2')
    const { versionId, submissionId } = await submitUpdate(sb, appId, buildId ?? '', {})
    const [text] = (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`)).data
    expect(text?.attributes).toMatchObject({
      description: liveText?.attributes.description,
      keywords: liveText?.attributes.keywords,
      supportUrl: liveText?.attributes.supportUrl,
      whatsNew: 'Bug fixes.',
    })
    const sets = (await okList(sb, `/v1/appStoreVersionLocalizations/${text!.id}/appScreenshotSets`)).data
    expect(sets.map((set) => set.attributes.screenshotDisplayType)).toEqual([
      'APP_IPHONE_67',
      'APP_IPAD_PRO_3GEN_129',
    ])
    expect(sets.map((set) => set.id)).not.toContain(liveSets[0]!.id)
    expect(
      (await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/appStoreReviewDetail`)).data.attributes,
    ).toEqual({
      contactFirstName: 'Ada',
      contactLastName: 'Lovelace',
      contactPhone: '+1 555 0100',
      contactEmail: 'review@example.com',
      demoAccountRequired: false,
    })
    const infoStates = async () =>
      (await okList(sb, `/v1/apps/${appId}/appInfos`)).data.map((i) => i.attributes.state)
    expect(await infoStates()).toEqual(['READY_FOR_DISTRIBUTION', 'WAITING_FOR_REVIEW'])

    // Screenshots stay as they are while the version waits for review.
    await fails(
      sb,
      'POST',
      '/v1/appScreenshots',
      {
        data: {
          type: 'appScreenshots',
          attributes: { fileName: 'late.png', fileSize: 100 },
          relationships: { appScreenshotSet: rel('appScreenshotSets', sets[0]!.id) },
        },
      },
      409,
      'ENTITY_ERROR.STATE_NOT_ALLOWED',
    )

    await ok(sb, 'PATCH', `/v1/apps/${appId}`, {
      data: { type: 'apps', id: appId, attributes: { contentRightsDeclaration: 'USES_THIRD_PARTY_CONTENT' } },
    })
    const app = await ok(sb, 'GET', `/v1/apps/${appId}`)
    expect(app.data.attributes.contentRightsDeclaration).toBe('USES_THIRD_PARTY_CONTENT')

    sb.decideReview({ bundleId: 'com.example.ascent.demo', kind: 'app-store', decision: 'approve' })
    expect(await infoStates()).toEqual(['READY_FOR_DISTRIBUTION', 'PENDING_RELEASE'])
    await ok(sb, 'POST', '/v1/appStoreVersionReleaseRequests', {
      data: {
        type: 'appStoreVersionReleaseRequests',
        relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
      },
    })
    const infos = (await okList(sb, `/v1/apps/${appId}/appInfos`)).data
    expect(infos.map((i) => i.attributes.state)).toEqual(['READY_FOR_DISTRIBUTION'])
    expect(sb.state().reviewSubmissions.find((r) => r.id === submissionId)?.state).toBe('COMPLETE')

    // Age rating, price and availability are set for every seeded app.
    const ageRating = await ok(sb, 'GET', `/v1/appInfos/${infos[0]!.id}/ageRatingDeclaration`)
    expect(ageRating.data.attributes).toMatchObject({ violenceRealistic: 'NONE', gambling: false })
    expect((await ok(sb, 'GET', `/v1/apps/${appId}/appPriceSchedule`)).data.id).toBe(appId)
    expect((await ok(sb, 'GET', `/v1/apps/${appId}/appAvailabilityV2`)).data.attributes).toEqual({
      availableInNewTerritories: true,
    })
    expect(sb.schemaProblems()).toBe('')
  })
})

test('GET /v1/appCategories lists top-level categories by platform, with Games subcategories', async () => {
  await withSandbox({}, async (sb) => {
    const top = await okList(
      sb,
      '/v1/appCategories?filter[platforms]=IOS&exists[parent]=false&include=subcategories&limit=200',
    )
    const ids = top.data.map((c) => c.id)
    expect(ids).toEqual(
      expect.arrayContaining(['BUSINESS', 'GAMES', 'PRODUCTIVITY', 'UTILITIES', 'STICKERS']),
    )
    expect(ids.some((id) => id.startsWith('GAMES_'))).toBe(false)
    const games = top.data.find((c) => c.id === 'GAMES') as Doc | undefined
    expect(
      (games?.relationships?.subcategories as { data: { id: string }[] }).data.map((d) => d.id),
    ).toContain('GAMES_PUZZLE')
    expect(JSON.stringify(top.included)).toContain('"GAMES_PUZZLE"')
    const mac = (
      await okList(sb, '/v1/appCategories?filter[platforms]=MAC_OS&exists[parent]=false&limit=200')
    ).data
    expect(mac.map((c) => c.id)).toContain('DEVELOPER_TOOLS')
    expect(mac.map((c) => c.id)).not.toContain('STICKERS')
    const sub = await ok(sb, 'GET', '/v1/appCategories/GAMES_PUZZLE?include=parent')
    expect(sub.data.relationships).toMatchObject({ parent: { data: { type: 'appCategories', id: 'GAMES' } } })
    await fails(sb, 'GET', '/v1/appCategories?exists[parent]=maybe', undefined, 400, 'PARAMETER_ERROR')
    expect(sb.schemaProblems()).toBe('')
  })
})

test('screenshots: the pixel size decides COMPLETE or FAILED IMAGE_INCORRECT_DIMENSIONS; order, delete, ten per set', async () => {
  await withSandbox({ ...freshApp, partSize: 4096 }, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.fresh')
    // An iPhone-only build: no iPad screenshots needed.
    const { versionId } = await firstVersion(sb, appId, [1])
    const [en] = (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`)).data
    const newSet = async (screenshotDisplayType: string) =>
      (
        await ok(sb, 'POST', '/v1/appScreenshotSets', {
          data: {
            type: 'appScreenshotSets',
            attributes: { screenshotDisplayType },
            relationships: { appStoreVersionLocalization: rel('appStoreVersionLocalizations', en!.id) },
          },
        })
      ).data.id
    const iphone67 = await newSet('APP_IPHONE_67')
    await fails(
      sb,
      'POST',
      '/v1/appScreenshotSets',
      {
        data: {
          type: 'appScreenshotSets',
          attributes: { screenshotDisplayType: 'APP_IPHONE_67' },
          relationships: { appStoreVersionLocalization: rel('appStoreVersionLocalizations', en!.id) },
        },
      },
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
    )

    // 1284x2778 is a 6.5" size: the 6.9" slot refuses it after upload, not at reservation.
    const wrong = await uploadScreenshot(sb, iphone67, pngImage(1284, 2778), 'wrong.png')
    expect(wrong.attributes.assetDeliveryState).toEqual({
      state: 'FAILED',
      errors: [{ code: 'IMAGE_INCORRECT_DIMENSIONS', description: 'IMAGE_INCORRECT_DIMENSIONS' }],
      warnings: [],
    })
    expect(wrong.attributes.imageAsset).toBeUndefined()
    // A failed screenshot does not count for review.
    const refused = await addToNewSubmission(sb, appId, versionId)
    expect(missingItems(associatedErrorsOf(refused.body))).toContain(
      '/v1/appScreenshots/ STATE_ERROR.SCREENSHOT_REQUIRED.APP_IPHONE_67',
    )
    expect(missingItems(associatedErrorsOf(refused.body)).join()).not.toContain('APP_IPAD')

    // A JPEG, and a landscape PNG (phones take both orientations), in several parts each.
    const portrait = await uploadScreenshot(sb, iphone67, jpegImage(1320, 2868), 'portrait.jpg')
    expect(portrait.attributes).toMatchObject({
      assetDeliveryState: { state: 'COMPLETE' },
      imageAsset: { width: 1320, height: 2868 },
      assetType: 'APP_IPHONE_67',
    })
    // The image host gives back the uploaded image, without a token, as Apple's CDN does.
    const image = await fetch(imageUrl(portrait, 'jpg'))
    expect(image.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await image.arrayBuffer()).equals(jpegImage(1320, 2868))).toBe(true)
    expect((await fetch(`${sb.url}/screenshots/${wrong.id}/1284x2778bb.png`)).status).toBe(404)
    const landscape = await uploadScreenshot(sb, iphone67, pngImage(2796, 1290), 'landscape.png')
    expect(landscape.attributes.assetDeliveryState).toMatchObject({ state: 'COMPLETE' })
    // Bytes that are no PNG or JPEG cannot be read at all.
    const notImage = await uploadScreenshot(sb, iphone67, Buffer.from('GIF89a not a screenshot'), 'odd.png')
    expect(notImage.attributes.assetDeliveryState).toMatchObject({
      state: 'FAILED',
      errors: [{ code: 'IMAGE_TOOL_FAILURE' }],
    })
    await ok(sb, 'DELETE', `/v1/appScreenshots/${notImage.id}`, undefined, 204)
    // Desktop sizes come in one orientation only.
    const desktop = await newSet('APP_DESKTOP')
    const upright = await uploadScreenshot(sb, desktop, pngImage(800, 1280), 'upright.png')
    expect(upright.attributes.assetDeliveryState).toMatchObject({ state: 'FAILED' })

    // Reorder: the full list, in the new order; anything else is refused.
    const order = async () =>
      (await okList(sb, `/v1/appScreenshotSets/${iphone67}/appScreenshots`)).data.map((d) => d.id)
    expect(await order()).toEqual([wrong.id, portrait.id, landscape.id])
    const reorder = (ids: string[]) => ({ data: ids.map((id) => ({ type: 'appScreenshots', id })) })
    await fails(
      sb,
      'PATCH',
      `/v1/appScreenshotSets/${iphone67}/relationships/appScreenshots`,
      reorder([landscape.id, portrait.id]),
      409,
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
    )
    await ok(
      sb,
      'PATCH',
      `/v1/appScreenshotSets/${iphone67}/relationships/appScreenshots`,
      reorder([landscape.id, portrait.id, wrong.id]),
      204,
    )
    expect(await order()).toEqual([landscape.id, portrait.id, wrong.id])
    const linkage = await ok<{ data: { id: string }[] }>(
      sb,
      'GET',
      `/v1/appScreenshotSets/${iphone67}/relationships/appScreenshots`,
    )
    expect(linkage.data.map((d) => d.id)).toEqual([landscape.id, portrait.id, wrong.id])
    await ok(sb, 'DELETE', `/v1/appScreenshots/${wrong.id}`, undefined, 204)
    expect(await order()).toEqual([landscape.id, portrait.id])

    // With the 6.9" iPhone slot filled, only the other missing items remain.
    const again = await addToNewSubmission(sb, appId, versionId)
    expect(JSON.stringify(again.body)).not.toContain('SCREENSHOT_REQUIRED')

    // Ten per set.
    for (let i = 0; i < 8; i++)
      await ok(sb, 'POST', '/v1/appScreenshots', {
        data: {
          type: 'appScreenshots',
          attributes: { fileName: `${i}.png`, fileSize: 10 },
          relationships: { appScreenshotSet: rel('appScreenshotSets', iphone67) },
        },
      })
    await fails(
      sb,
      'POST',
      '/v1/appScreenshots',
      {
        data: {
          type: 'appScreenshots',
          attributes: { fileName: 'eleventh.png', fileSize: 10 },
          relationships: { appScreenshotSet: rel('appScreenshotSets', iphone67) },
        },
      },
      409,
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
    )
    await ok(sb, 'DELETE', `/v1/appScreenshotSets/${desktop}`, undefined, 204)
    await fails(sb, 'GET', `/v1/appScreenshots/${upright.id}`, undefined, 404, 'NOT_FOUND')

    const state = sb.state()
    const sets = state.versions.find((v) => v.id === versionId)?.localizations[0]?.screenshotSets
    expect(sets?.map((set) => set.screenshotDisplayType)).toEqual(['APP_IPHONE_67'])
    expect(sets?.[0]?.screenshots.slice(0, 2)).toMatchObject([
      { fileName: 'landscape.png', state: 'COMPLETE', width: 2796, height: 1290 },
      { fileName: 'portrait.jpg', state: 'COMPLETE', width: 1320, height: 2868 },
    ])
    expect(sets?.[0]?.screenshots[2]).toMatchObject({
      fileName: '0.png',
      state: 'AWAITING_UPLOAD',
      partsReceived: 0,
    })
    expect(state.requests.byRoute['PUT /upload-screenshot/{id}/{part}']).toBeGreaterThan(4)
    expect(sb.schemaProblems()).toBe('')
  })
})

test('a screenshot upload is refused as Apple refuses it: missing parts, wrong checksum, wrong headers, bad signature', async () => {
  await withSandbox(freshApp, async (sb) => {
    const appId = await demoAppId(sb, 'com.example.fresh')
    const version = await ok(sb, 'POST', '/v1/appStoreVersions', {
      data: {
        type: 'appStoreVersions',
        attributes: { platform: 'IOS', versionString: '1.0' },
        relationships: { app: rel('apps', appId) },
      },
    })
    const [en] = (await okList(sb, `/v1/appStoreVersions/${version.data.id}/appStoreVersionLocalizations`))
      .data
    const set = await ok(sb, 'POST', '/v1/appScreenshotSets', {
      data: {
        type: 'appScreenshotSets',
        attributes: { screenshotDisplayType: 'APP_IPHONE_65' },
        relationships: { appStoreVersionLocalization: rel('appStoreVersionLocalizations', en!.id) },
      },
    })
    const bytes = pngImage(1242, 2688)
    const reserved = await ok(sb, 'POST', '/v1/appScreenshots', {
      data: {
        type: 'appScreenshots',
        attributes: { fileName: 'one.png', fileSize: bytes.length },
        relationships: { appScreenshotSet: rel('appScreenshotSets', set.data.id) },
      },
    })
    const id = reserved.data.id
    const [op] = reserved.data.attributes.uploadOperations as Operation[]
    expect(op).toMatchObject({
      method: 'PUT',
      offset: 0,
      length: bytes.length,
      requestHeaders: [{ name: 'Content-Type', value: 'image/png' }],
    })
    const commit = (attributes: Record<string, unknown>) => ({
      data: { type: 'appScreenshots', id, attributes },
    })
    const md5 = createHash('md5').update(bytes).digest('hex')
    const missing = await fails(
      sb,
      'PATCH',
      `/v1/appScreenshots/${id}`,
      commit({ uploaded: true, sourceFileChecksum: md5 }),
      409,
      'STATE_ERROR.ENTITY_STATE_INVALID',
    )
    expect(missing.detail).toBe('Part 1 of one.png has not been uploaded.')

    const put = (url: string, body: Buffer, contentType = 'image/png') =>
      fetch(url, { method: 'PUT', headers: { 'Content-Type': contentType }, body })
    expect((await put(op!.url.replace(/signature=\w+/, 'signature=forged'), bytes)).status).toBe(403)
    expect((await put(op!.url, bytes, 'application/octet-stream')).status).toBe(400)
    expect((await put(op!.url, bytes.subarray(1))).status).toBe(400)
    // POST /__sandbox/fail-part reaches screenshot parts too, for clients' retry tests.
    sb.failPart({ fileId: id, partNumber: 1, times: 1, status: 503 })
    expect((await put(op!.url, bytes)).status).toBe(503)
    expect((await put(op!.url, bytes)).status).toBe(200)

    const mismatch = await fails(
      sb,
      'PATCH',
      `/v1/appScreenshots/${id}`,
      commit({ uploaded: true, sourceFileChecksum: '0'.repeat(32) }),
      409,
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
    )
    expect(mismatch.detail).toBe(`The checksum ${'0'.repeat(32)} does not match the uploaded file (${md5}).`)
    const done = await ok(
      sb,
      'PATCH',
      `/v1/appScreenshots/${id}`,
      commit({ uploaded: true, sourceFileChecksum: md5 }),
    )
    expect(done.data.attributes).toMatchObject({
      sourceFileChecksum: md5,
      assetDeliveryState: { state: 'UPLOAD_COMPLETE' },
      uploadOperations: [],
    })
    // Once committed, the part takes no more bytes.
    expect((await put(op!.url, bytes)).status).toBe(409)
    const processed = await waitFor(async () => {
      const shot = (await ok(sb, 'GET', `/v1/appScreenshots/${id}?include=appScreenshotSet`)).data
      return (shot.attributes.assetDeliveryState as { state: string }).state === 'COMPLETE' ? shot : null
    }, 'processing')
    expect(processed.attributes.imageAsset).toMatchObject({ width: 1242, height: 2688 })
    expect(sb.schemaProblems()).toBe('')
  })
})

test('POST /__sandbox/apps with "appStoreInfo": false adds a fresh app record', async () => {
  await withSandbox({}, async (sb) => {
    const res = await fetch(`${sb.url}/__sandbox/apps`, {
      method: 'POST',
      body: JSON.stringify({ bundleId: 'org.example.new', name: 'New', appStoreInfo: false }),
    })
    expect(res.status).toBe(201)
    const appId = await demoAppId(sb, 'org.example.new')
    const [info] = (await okList(sb, `/v1/apps/${appId}/appInfos`)).data
    expect((await ok(sb, 'GET', `/v1/appInfos/${info!.id}/primaryCategory`)).data).toBeNull()
    expect((await okList(sb, `/v1/appInfos/${info!.id}/appInfoLocalizations`)).data[0]?.attributes).toEqual({
      locale: 'en-US',
      name: 'New',
    })
    // Without the flag an added app is complete, as before.
    sb.addApp({ bundleId: 'org.example.complete', name: 'Complete' })
    const completeId = await demoAppId(sb, 'org.example.complete')
    const [completeInfo] = (await okList(sb, `/v1/apps/${completeId}/appInfos`)).data
    expect((await ok(sb, 'GET', `/v1/appInfos/${completeInfo!.id}/primaryCategory`)).data.id).toBe(
      'PRODUCTIVITY',
    )
    expect(sb.schemaProblems()).toBe('')
  })
})

test('an Apple TV app needs its privacy policy as text and Apple TV screenshots', async () => {
  const tvApp = (bundleId: string, appStoreInfo: boolean) => ({
    bundleId,
    name: 'Couch',
    platforms: ['TV_OS' as const],
    appStoreInfo,
    versions: [
      { platform: 'TV_OS' as const, versionString: '1.0', state: 'PREPARE_FOR_SUBMISSION' as const },
    ],
    builds: [{ versionString: '1.0', buildNumber: '1', platform: 'TV_OS' as const, state: 'VALID' as const }],
  })
  await withSandbox(
    { seed: { apps: [tvApp('com.example.tv.fresh', false), tvApp('com.example.tv.complete', true)] } },
    async (sb) => {
      const submit = async (bundleId: string) => {
        const appId = await demoAppId(sb, bundleId)
        const [version] = (await okList(sb, `/v1/apps/${appId}/appStoreVersions`)).data
        const [build] = (await okList(sb, `/v1/builds?filter[app]=${appId}`)).data
        await ok(
          sb,
          'PATCH',
          `/v1/appStoreVersions/${version!.id}/relationships/build`,
          { data: { type: 'builds', id: build!.id } },
          204,
        )
        const existing = await okList(sb, `/v1/reviewSubmissions?filter[app]=${appId}`)
        const submissionId =
          existing.data[0]?.id ??
          (
            await ok(sb, 'POST', '/v1/reviewSubmissions', {
              data: {
                type: 'reviewSubmissions',
                attributes: { platform: 'TV_OS' },
                relationships: { app: rel('apps', appId) },
              },
            })
          ).data.id
        return sb.call('POST', '/v1/reviewSubmissionItems', {
          data: {
            type: 'reviewSubmissionItems',
            relationships: {
              reviewSubmission: rel('reviewSubmissions', submissionId),
              appStoreVersion: rel('appStoreVersions', version!.id),
            },
          },
        })
      }
      const refused = await submit('com.example.tv.fresh')
      expect(refused.status).toBe(409)
      const missing = missingItems(associatedErrorsOf(refused.body))
      expect(missing).toContain('/v1/appInfoLocalizations/{id} /data/attributes/privacyPolicyText')
      expect(missing).toContain('/v1/appScreenshots/ STATE_ERROR.SCREENSHOT_REQUIRED.APP_APPLE_TV')
      expect(missing.join()).not.toContain('APP_IPHONE')
      expect((await submit('com.example.tv.complete')).status).toBe(201)
      expect(sb.schemaProblems()).toBe('')
    },
  )
})
