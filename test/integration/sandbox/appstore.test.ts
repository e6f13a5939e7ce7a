import { afterAll, beforeAll, expect, test } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, fails, ok, okList, submitForReview, uploadBuild } from './helpers'

let sb: TestSandbox
let appId: string
let buildId: string
let versionId: string
// Review steps (a minute each) and cancellation (a minute) happen exactly when the test moves the sandbox's clock.
const skip = (ms: number): void => sb.advanceClock(ms)
beforeAll(async () => {
  sb = await startTestSandbox({ reviewMs: 120_000, cancelMs: 60_000 })
  appId = await demoAppId(sb)
  buildId = (await uploadBuild(sb, appId, '1.2.0', '30')).buildId ?? ''
})
afterAll(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

const rel = (type: string, id: string) => ({ data: { type, id } })
const createVersion = (versionString: string, attributes: Record<string, unknown> = {}) => ({
  data: {
    type: 'appStoreVersions',
    attributes: { platform: 'IOS', versionString, ...attributes },
    relationships: { app: rel('apps', appId) },
  },
})
const patchVersion = (attributes: Record<string, unknown>, relationships?: Record<string, unknown>) => ({
  data: { type: 'appStoreVersions', id: versionId, attributes, ...(relationships ? { relationships } : {}) },
})
const nextHour = (hours: number): string =>
  new Date(Math.ceil(Date.now() / 3_600_000 + hours) * 3_600_000).toISOString().replace('.000Z', 'Z')

test('versions: duplicate versionString and a second open version are refused', async () => {
  const dup = await fails(
    sb,
    'POST',
    '/v1/appStoreVersions',
    createVersion('1.0.0'),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
  )
  expect(dup).toMatchObject({
    detail: 'The version number has been previously used.',
    source: { pointer: '/data/attributes/versionString' },
  })
  const created = await ok(
    sb,
    'POST',
    '/v1/appStoreVersions',
    createVersion('1.1.9', { copyright: '2026 Example' }),
  )
  versionId = created.data.id
  expect(created.data.attributes).toMatchObject({
    appVersionState: 'PREPARE_FOR_SUBMISSION',
    releaseType: 'MANUAL',
    copyright: '2026 Example',
  })
  const second = await fails(
    sb,
    'POST',
    '/v1/appStoreVersions',
    createVersion('1.3.0'),
    409,
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
  )
  expect(second.detail).toBe('You cannot create a new version of the App in the current state.')
  const editable = await okList(
    sb,
    `/v1/apps/${appId}/appStoreVersions?filter[platform]=IOS&filter[appVersionState]=PREPARE_FOR_SUBMISSION`,
  )
  expect(editable.data.map((v) => v.id)).toEqual([versionId])
  expect(
    (await okList(sb, `/v1/apps/${appId}/appStoreVersions?filter[appStoreState]=READY_FOR_SALE`)).data,
  ).toHaveLength(1)
})

test('versions: rename, then release type and date rules', async () => {
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ versionString: '1.0.0' }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
  )
  await ok(sb, 'PATCH', `/v1/appStoreVersions/${versionId}`, patchVersion({ versionString: '1.2.0' }))
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'SCHEDULED' }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
  )
  const offHour = nextHour(3).replace(':00:00Z', ':30:00Z')
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'SCHEDULED', earliestReleaseDate: offHour }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({
      releaseType: 'SCHEDULED',
      earliestReleaseDate: nextHour(2).replace(':00:00Z', ':00:05Z'),
    }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'SCHEDULED', earliestReleaseDate: '2020-01-01T10:00:00Z' }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'MANUAL', earliestReleaseDate: nextHour(5) }),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  const date = nextHour(48).replace('Z', '+00:00').replace('+00:00', '-07:00')
  const scheduled = await ok(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'SCHEDULED', earliestReleaseDate: date, copyright: '2026 Ascent' }),
  )
  expect(scheduled.data.attributes).toMatchObject({
    releaseType: 'SCHEDULED',
    earliestReleaseDate: date,
    copyright: '2026 Ascent',
    versionString: '1.2.0',
  })
  const manual = await ok(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ releaseType: 'AFTER_APPROVAL' }),
  )
  expect(manual.data.attributes.earliestReleaseDate).toBeUndefined()
})

test('attach a build: non-VALID and mismatched versions refused, VALID attached (204) and readable', async () => {
  const v11 = (await uploadBuild(sb, appId, '1.1.0', '1')).buildId ?? ''
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}/relationships/build`,
    { data: { type: 'builds', id: v11 } },
    409,
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
  )
  const processing = await ok(sb, 'POST', '/v1/buildUploads', {
    data: {
      type: 'buildUploads',
      attributes: { cfBundleShortVersionString: '1.2.0', cfBundleVersion: '31', platform: 'IOS' },
      relationships: { app: rel('apps', appId) },
    },
  })
  expect(processing.data.attributes.state).toMatchObject({ state: 'AWAITING_UPLOAD' })
  const expired = (await uploadBuild(sb, appId, '1.2.0', '32')).buildId ?? ''
  await ok(sb, 'PATCH', `/v1/builds/${expired}`, {
    data: { type: 'builds', id: expired, attributes: { expired: true } },
  })
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}/relationships/build`,
    { data: { type: 'builds', id: expired } },
    409,
    'ENTITY_ERROR.RELATIONSHIP.INVALID',
  )
  await ok(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}/relationships/build`,
    { data: { type: 'builds', id: buildId } },
    204,
  )
  expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/build`)).data.id).toBe(buildId)
  expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/relationships/build`)).data).toEqual({
    type: 'builds',
    id: buildId,
  })
  const withBuild = await okList(
    sb,
    `/v1/apps/${appId}/appStoreVersions?filter[versionString]=1.2.0&include=build`,
  )
  expect(withBuild.included).toHaveLength(1)
})

test('phased release: create, second refused, no start before release, delete while unstarted', async () => {
  const body = {
    data: {
      type: 'appStoreVersionPhasedReleases',
      attributes: { phasedReleaseState: 'INACTIVE' },
      relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
    },
  }
  const created = await ok(sb, 'POST', '/v1/appStoreVersionPhasedReleases', body)
  expect(created.data.attributes).toMatchObject({ phasedReleaseState: 'INACTIVE', currentDayNumber: 0 })
  await fails(sb, 'POST', '/v1/appStoreVersionPhasedReleases', body, 409, 'ENTITY_ERROR')
  const activate = await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersionPhasedReleases/${created.data.id}`,
    {
      data: {
        type: 'appStoreVersionPhasedReleases',
        id: created.data.id,
        attributes: { phasedReleaseState: 'ACTIVE' },
      },
    },
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  expect(activate.detail).toContain('is INACTIVE and cannot be set to ACTIVE')
  await ok(sb, 'DELETE', `/v1/appStoreVersionPhasedReleases/${created.data.id}`, undefined, 204)
  expect(
    (await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/appStoreVersionPhasedRelease`)).data,
  ).toBeNull()
  await ok(sb, 'POST', '/v1/appStoreVersionPhasedReleases', body)
  expect(sb.state().phasedReleases).toHaveLength(1)
})

test('review submission: one open per app, submit, cancel -> CANCELING -> COMPLETE, version editable again', async () => {
  const create = {
    data: {
      type: 'reviewSubmissions',
      attributes: { platform: 'IOS' },
      relationships: { app: rel('apps', appId) },
    },
  }
  const sub = await ok(sb, 'POST', '/v1/reviewSubmissions', create)
  expect(sub.data.attributes.state).toBe('READY_FOR_REVIEW')
  const another = await fails(sb, 'POST', '/v1/reviewSubmissions', create, 409, 'ENTITY_ERROR')
  expect(another.detail).toBe(`There is another reviewSubmissions with id ${sub.data.id} still in progress.`)
  const submit = { data: { type: 'reviewSubmissions', id: sub.data.id, attributes: { submitted: true } } }
  await fails(sb, 'PATCH', `/v1/reviewSubmissions/${sub.data.id}`, submit, 409, 'STATE_ERROR')
  const item = {
    data: {
      type: 'reviewSubmissionItems',
      relationships: {
        reviewSubmission: rel('reviewSubmissions', sub.data.id),
        appStoreVersion: rel('appStoreVersions', versionId),
      },
    },
  }
  // 1.2.0 is an update of 1.0.0: no review without What's New.
  await fails(sb, 'POST', '/v1/reviewSubmissionItems', item, 409, 'STATE_ERROR.ENTITY_STATE_INVALID')
  const [localization] = (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`))
    .data
  await ok(sb, 'PATCH', `/v1/appStoreVersionLocalizations/${localization?.id ?? ''}`, {
    data: {
      type: 'appStoreVersionLocalizations',
      id: localization?.id ?? '',
      attributes: { whatsNew: 'Faster and friendlier.' },
    },
  })
  await ok(sb, 'POST', '/v1/reviewSubmissionItems', item)
  await fails(sb, 'POST', '/v1/reviewSubmissionItems', item, 409, 'ENTITY_ERROR.RELATIONSHIP.INVALID')
  expect((await okList(sb, `/v1/reviewSubmissions/${sub.data.id}/items`)).data).toHaveLength(1)
  const submitted = await ok(sb, 'PATCH', `/v1/reviewSubmissions/${sub.data.id}`, submit)
  expect(submitted.data.attributes).toMatchObject({ state: 'WAITING_FOR_REVIEW' })
  expect(submitted.data.attributes.submittedDate).toBeTypeOf('string')
  // Editing a version in review is refused.
  expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}`)).data.attributes.appVersionState).toBe(
    'WAITING_FOR_REVIEW',
  )
  await fails(
    sb,
    'PATCH',
    `/v1/appStoreVersions/${versionId}`,
    patchVersion({ copyright: 'x' }),
    409,
    'ENTITY_ERROR.STATE_NOT_ALLOWED',
  )
  skip(60_000)
  expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}`)).data.attributes.appVersionState).toBe(
    'IN_REVIEW',
  )
  const open = await okList(
    sb,
    `/v1/reviewSubmissions?filter[app]=${appId}&filter[platform]=IOS&filter[state]=WAITING_FOR_REVIEW,IN_REVIEW,UNRESOLVED_ISSUES&include=items`,
  )
  expect(open.data.map((s) => s.id)).toEqual([sub.data.id])
  expect(open.included).toHaveLength(1)
  await ok(sb, 'PATCH', `/v1/reviewSubmissions/${sub.data.id}`, {
    data: { type: 'reviewSubmissions', id: sub.data.id, attributes: { canceled: true } },
  })
  const state = async (): Promise<unknown> =>
    (await ok(sb, 'GET', `/v1/reviewSubmissions/${sub.data.id}`)).data.attributes.state
  expect(await state()).toBe('CANCELING')
  skip(60_000)
  expect(await state()).toBe('COMPLETE')
  expect((await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}`)).data.attributes.appVersionState).toBe(
    'DEVELOPER_REJECTED',
  )
})

test('review submission approved on timers: version follows its release type', async () => {
  const submissionId = await submitForReview(sb, appId, versionId)
  skip(60_000)
  expect(sb.state().reviewSubmissions.find((s) => s.id === submissionId)?.state).toBe('IN_REVIEW')
  skip(60_000)
  const state = sb.state()
  expect(state.versions.find((v) => v.id === versionId)?.state).toBe('READY_FOR_DISTRIBUTION')
  expect(state.versions.find((v) => v.versionString === '1.0.0')?.state).toBe('REPLACED_WITH_NEW_VERSION')
  expect(state.reviewSubmissions.find((s) => s.id === submissionId)?.items[0]?.state).toBe('APPROVED')
})

test('a seeded WAITING_FOR_REVIEW version comes with its open submission', async () => {
  const other = await startTestSandbox({
    seed: {
      apps: [
        {
          bundleId: 'com.example.w',
          name: 'W',
          platforms: ['IOS'],
          versions: [{ platform: 'IOS', versionString: '3.0', state: 'WAITING_FOR_REVIEW' }],
        },
      ],
    },
  })
  try {
    const id = await demoAppId(other, 'com.example.w')
    const subs = await okList(
      other,
      `/v1/reviewSubmissions?filter[app]=${id}&filter[state]=WAITING_FOR_REVIEW`,
    )
    expect(subs.data).toHaveLength(1)
    await fails(other, 'GET', '/v1/reviewSubmissions', undefined, 400, 'PARAMETER_ERROR.REQUIRED')
    expect(other.schemaProblems()).toBe('')
  } finally {
    await other.close()
  }
})
