import { afterEach, expect, test } from 'vitest'
import type { SandboxOptions } from '../../../electron/sandbox'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, fails, ok, okList, submitUpdate } from './helpers'

const DAY = 86_400_000
const BUNDLE = 'com.example.release'
const rel = (type: string, id: string) => ({ data: { type, id } })

let sb: TestSandbox
afterEach(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

/** An app with 1.0.0 on sale and a processed build of 1.1.0, ready for a version update; reviews wait for a decision. */
async function start(options: SandboxOptions = {}): Promise<{ appId: string; buildId: string }> {
  sb = await startTestSandbox({
    reviewMs: 0,
    betaReviewMs: 0,
    seed: {
      apps: [
        {
          bundleId: BUNDLE,
          name: 'Release App',
          platforms: ['IOS'],
          versions: [{ platform: 'IOS', versionString: '1.0.0', state: 'READY_FOR_DISTRIBUTION' }],
          builds: [
            { versionString: '1.0.0', buildNumber: '1', platform: 'IOS', state: 'VALID' },
            { versionString: '1.1.0', buildNumber: '7', platform: 'IOS', state: 'VALID' },
          ],
        },
      ],
    },
    ...options,
  })
  const appId = await demoAppId(sb, BUNDLE)
  const builds = await okList(sb, `/v1/builds?filter[app]=${appId}&filter[version]=7`)
  return { appId, buildId: builds.data[0]?.id ?? '' }
}

async function control(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
}

const decide = (decision: 'approve' | 'reject', kind: 'app-store' | 'beta' = 'app-store') =>
  control('review', { bundleId: BUNDLE, kind, decision })

async function versionStates(
  versionId: string,
): Promise<{ appStoreState: unknown; appVersionState: unknown }> {
  const v = await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}`)
  return {
    appStoreState: v.data.attributes.appStoreState,
    appVersionState: v.data.attributes.appVersionState,
  }
}

async function submissionState(id: string): Promise<unknown> {
  return (await ok(sb, 'GET', `/v1/reviewSubmissions/${id}?include=items`)).data.attributes.state
}

const releaseRequest = (versionId: string) => ({
  data: {
    type: 'appStoreVersionReleaseRequests',
    relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
  },
})

async function phased(versionId: string): Promise<Record<string, unknown>> {
  return (await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}/appStoreVersionPhasedRelease`)).data
    .attributes
}

async function patchPhased(id: string, state: string, status = 200): Promise<void> {
  const body = {
    data: { type: 'appStoreVersionPhasedReleases', id, attributes: { phasedReleaseState: state } },
  }
  if (status === 200) await ok(sb, 'PATCH', `/v1/appStoreVersionPhasedReleases/${id}`, body)
  else await fails(sb, 'PATCH', `/v1/appStoreVersionPhasedReleases/${id}`, body, status, 'ENTITY_ERROR')
}

test('MANUAL: reviews wait for a decision; approved -> PENDING_DEVELOPER_RELEASE; a release request puts it on sale', async () => {
  const { appId, buildId } = await start()
  const { versionId, submissionId } = await submitUpdate(sb, appId, buildId, { releaseType: 'MANUAL' })
  sb.advanceClock(30 * DAY)
  expect(await versionStates(versionId)).toEqual({
    appStoreState: 'WAITING_FOR_REVIEW',
    appVersionState: 'WAITING_FOR_REVIEW',
  })
  const early = await fails(
    sb,
    'POST',
    '/v1/appStoreVersionReleaseRequests',
    releaseRequest(versionId),
    409,
    'STATE_ERROR',
  )
  expect(early.detail).toContain('is WAITING_FOR_REVIEW; only a version in PENDING_DEVELOPER_RELEASE')

  expect(await decide('approve')).toEqual({
    status: 200,
    body: { kind: 'app-store', id: submissionId, state: 'COMPLETE' },
  })
  expect(await versionStates(versionId)).toEqual({
    appStoreState: 'PENDING_DEVELOPER_RELEASE',
    appVersionState: 'PENDING_DEVELOPER_RELEASE',
  })
  expect(await submissionState(submissionId)).toBe('COMPLETE')
  const canceled = await fails(
    sb,
    'PATCH',
    `/v1/reviewSubmissions/${submissionId}`,
    { data: { type: 'reviewSubmissions', id: submissionId, attributes: { canceled: true } } },
    409,
    'STATE_ERROR',
  )
  expect(canceled.detail).toContain('is COMPLETE and cannot be canceled')

  const released = await ok(sb, 'POST', '/v1/appStoreVersionReleaseRequests', releaseRequest(versionId))
  expect(released.data.type).toBe('appStoreVersionReleaseRequests')
  expect(await versionStates(versionId)).toEqual({
    appStoreState: 'READY_FOR_SALE',
    appVersionState: 'READY_FOR_DISTRIBUTION',
  })
  expect(sb.state().versions.find((v) => v.versionString === '1.0.0')?.state).toBe(
    'REPLACED_WITH_NEW_VERSION',
  )
  await fails(sb, 'POST', '/v1/appStoreVersionReleaseRequests', releaseRequest(versionId), 409, 'STATE_ERROR')
})

test('a rejection: version REJECTED, submission UNRESOLVED_ISSUES; it can be canceled or submitted again', async () => {
  const { appId, buildId } = await start()
  const { versionId, submissionId } = await submitUpdate(sb, appId, buildId, { releaseType: 'MANUAL' })
  expect((await decide('reject')).body).toMatchObject({ state: 'UNRESOLVED_ISSUES' })
  expect(await versionStates(versionId)).toEqual({ appStoreState: 'REJECTED', appVersionState: 'REJECTED' })
  const sub = await ok(sb, 'GET', `/v1/reviewSubmissions/${submissionId}?include=items`)
  expect(sub.data.attributes.state).toBe('UNRESOLVED_ISSUES')
  expect((sub.included as { attributes: { state: string } }[])[0]?.attributes.state).toBe('REJECTED')
  await fails(sb, 'POST', '/v1/appStoreVersionReleaseRequests', releaseRequest(versionId), 409, 'STATE_ERROR')
  expect((await decide('approve')).status).toBe(409)

  await ok(sb, 'PATCH', `/v1/reviewSubmissions/${submissionId}`, {
    data: { type: 'reviewSubmissions', id: submissionId, attributes: { submitted: true } },
  })
  expect(await submissionState(submissionId)).toBe('WAITING_FOR_REVIEW')
  await ok(sb, 'PATCH', `/v1/reviewSubmissions/${submissionId}`, {
    data: { type: 'reviewSubmissions', id: submissionId, attributes: { canceled: true } },
  })
  expect(await submissionState(submissionId)).toBe('CANCELING')
})

test('--review-ms: IN_REVIEW after half of it, approved after all of it (AFTER_APPROVAL goes on sale)', async () => {
  const { appId, buildId } = await start({ reviewMs: 3_600_000 })
  const { versionId } = await submitUpdate(sb, appId, buildId, { releaseType: 'AFTER_APPROVAL' })
  sb.advanceClock(1_799_000)
  expect((await versionStates(versionId)).appVersionState).toBe('WAITING_FOR_REVIEW')
  sb.advanceClock(1_000)
  expect((await versionStates(versionId)).appVersionState).toBe('IN_REVIEW')
  sb.advanceClock(1_800_000)
  expect(await versionStates(versionId)).toEqual({
    appStoreState: 'READY_FOR_SALE',
    appVersionState: 'READY_FOR_DISTRIBUTION',
  })
})

test('SCHEDULED: approved before its date waits as PENDING_DEVELOPER_RELEASE, then goes on sale when the clock passes it', async () => {
  const { appId, buildId } = await start()
  const date = new Date(Math.ceil(Date.now() / 3_600_000 + 48) * 3_600_000)
    .toISOString()
    .replace('.000Z', 'Z')
  const { versionId } = await submitUpdate(sb, appId, buildId, {
    releaseType: 'SCHEDULED',
    earliestReleaseDate: date,
  })
  await decide('approve')
  const before = await ok(sb, 'GET', `/v1/appStoreVersions/${versionId}`)
  expect(before.data.attributes).toMatchObject({
    appVersionState: 'PENDING_DEVELOPER_RELEASE',
    earliestReleaseDate: date,
  })
  sb.advanceClock(Date.parse(date) - Date.now() + 1_000)
  expect((await versionStates(versionId)).appStoreState).toBe('READY_FOR_SALE')
})

test('phased release: ACTIVE when on sale, 7 days, pause (days stop), resume, release to all', async () => {
  const { appId, buildId } = await start()
  const { versionId, phasedId } = await submitUpdate(
    sb,
    appId,
    buildId,
    { releaseType: 'AFTER_APPROVAL' },
    true,
  )
  const id = phasedId ?? ''
  expect(await phased(versionId)).toMatchObject({ phasedReleaseState: 'INACTIVE', currentDayNumber: 0 })
  await patchPhased(id, 'PAUSED', 409)
  await decide('approve')
  const started = await phased(versionId)
  expect(started).toMatchObject({ phasedReleaseState: 'ACTIVE', currentDayNumber: 1, totalPauseDuration: 0 })
  expect(started.startDate).toBeTypeOf('string')
  await fails(sb, 'DELETE', `/v1/appStoreVersionPhasedReleases/${id}`, undefined, 409, 'STATE_ERROR')

  sb.advanceClock(DAY)
  expect((await phased(versionId)).currentDayNumber).toBe(2)
  await patchPhased(id, 'PAUSED')
  sb.advanceClock(3 * DAY)
  expect(await phased(versionId)).toMatchObject({
    phasedReleaseState: 'PAUSED',
    currentDayNumber: 2,
    totalPauseDuration: 3,
  })
  await patchPhased(id, 'ACTIVE')
  sb.advanceClock(2 * DAY)
  expect(await phased(versionId)).toMatchObject({ phasedReleaseState: 'ACTIVE', currentDayNumber: 4 })
  await patchPhased(id, 'COMPLETE')
  expect(await phased(versionId)).toMatchObject({ phasedReleaseState: 'COMPLETE', currentDayNumber: 7 })
  await patchPhased(id, 'PAUSED', 409)
})

test('phased release completes by itself on day 7; a pause ends by itself after 30 days in total', async () => {
  const { appId, buildId } = await start()
  const { versionId, phasedId } = await submitUpdate(sb, appId, buildId, { releaseType: 'MANUAL' }, true)
  const id = phasedId ?? ''
  await decide('approve')
  expect((await phased(versionId)).phasedReleaseState).toBe('INACTIVE')
  await ok(sb, 'POST', '/v1/appStoreVersionReleaseRequests', releaseRequest(versionId))
  expect((await phased(versionId)).phasedReleaseState).toBe('ACTIVE')
  await patchPhased(id, 'PAUSED')
  sb.advanceClock(20 * DAY)
  await patchPhased(id, 'ACTIVE')
  await patchPhased(id, 'PAUSED')
  sb.advanceClock(10 * DAY + 1_000)
  expect(await phased(versionId)).toMatchObject({
    phasedReleaseState: 'ACTIVE',
    totalPauseDuration: 30,
    currentDayNumber: 1,
  })
  await patchPhased(id, 'PAUSED', 409)
  sb.advanceClock(5 * DAY)
  expect((await phased(versionId)).currentDayNumber).toBe(6)
  sb.advanceClock(DAY)
  expect(await phased(versionId)).toMatchObject({ phasedReleaseState: 'COMPLETE', currentDayNumber: 7 })
})

test('beta review decisions; control endpoints refuse bad input and say what to send', async () => {
  const { buildId } = await start()
  await ok(sb, 'PATCH', `/v1/builds/${buildId}`, {
    data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption: false } },
  })
  await ok(sb, 'POST', '/v1/betaBuildLocalizations', {
    data: {
      type: 'betaBuildLocalizations',
      attributes: { locale: 'en-US', whatsNew: 'Try the release.' },
      relationships: { build: rel('builds', buildId) },
    },
  })
  const beta = await ok(sb, 'POST', '/v1/betaAppReviewSubmissions', {
    data: { type: 'betaAppReviewSubmissions', relationships: { build: rel('builds', buildId) } },
  })
  sb.advanceClock(7 * DAY)
  expect(
    (await ok(sb, 'GET', `/v1/betaAppReviewSubmissions/${beta.data.id}`)).data.attributes.betaReviewState,
  ).toBe('WAITING_FOR_REVIEW')
  expect(await decide('reject', 'beta')).toEqual({
    status: 200,
    body: { kind: 'beta', id: beta.data.id, state: 'REJECTED' },
  })
  expect(sb.state().builds.find((b) => b.id === buildId)).toMatchObject({
    betaReviewState: 'REJECTED',
    externalBuildState: 'BETA_REJECTED',
  })
  expect(await decide('approve', 'beta')).toMatchObject({ status: 409 })
  expect(await control('review', { bundleId: 'com.nope', kind: 'beta', decision: 'approve' })).toMatchObject({
    status: 409,
    body: { error: "no app with bundle id 'com.nope'" },
  })
  const bad = await control('review', { bundleId: BUNDLE, kind: 'app-store', decision: 'maybe' })
  expect(bad.status).toBe(400)
  expect((bad.body as { error: string }).error).toMatch(/^send \{ "bundleId".*\(decision: Invalid option/)
  expect((await control('clock', { advanceMs: -5 })).status).toBe(400)
  // A body that is not JSON is bad input too (400 saying so), not a sandbox failure (500).
  for (const path of ['review', 'clock', 'apps', 'faults']) {
    const res = await fetch(`${sb.url}/__sandbox/${path}`, { method: 'POST', body: 'decision=approve' })
    expect({ path, status: res.status }).toEqual({ path, status: 400 })
    expect(((await res.json()) as { error: string }).error).toMatch(
      new RegExp(`^POST /__sandbox/${path}: the body is not JSON`),
    )
  }
  const before = Date.parse(sb.state().now)
  expect((await control('clock', { advanceMs: 2 * DAY })).status).toBe(204)
  expect(Date.parse(sb.state().now) - before).toBeGreaterThanOrEqual(2 * DAY)
})

test('X-Rate-Limit counts the requests of the last hour on the sandbox clock', async () => {
  await start()
  const remaining = async (): Promise<number> => {
    const res = await sb.call('GET', `/v1/apps?filter[bundleId]=${BUNDLE}`)
    return Number(/user-hour-rem:(\d+)/.exec(res.headers.get('x-rate-limit') ?? '')?.[1])
  }
  const first = await remaining()
  expect(await remaining()).toBe(first - 1)
  sb.advanceClock(3_600_001)
  expect(await remaining()).toBe(3599)
})
