import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { startTestSandbox, waitFor, type TestSandbox } from '../../support/sandbox'
import { useTempDir } from '../../support/temp-dir'
import { demoAppId, fails, ok, okList, uploadBuild } from './helpers'

let sb: TestSandbox
let appId: string
let buildId: string
beforeAll(async () => {
  sb = await startTestSandbox()
  appId = await demoAppId(sb)
  buildId = (await uploadBuild(sb, appId, '1.1.0', '20')).buildId ?? ''
})
afterAll(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

const rel = (type: string, id: string) => ({ data: { type, id } })
const detail = async (): Promise<Record<string, unknown>> =>
  (await ok(sb, 'GET', `/v1/builds/${buildId}/buildBetaDetail`)).data.attributes

test('export compliance: MISSING_EXPORT_COMPLIANCE until usesNonExemptEncryption is answered', async () => {
  expect(await detail()).toMatchObject({
    internalBuildState: 'MISSING_EXPORT_COMPLIANCE',
    externalBuildState: 'MISSING_EXPORT_COMPLIANCE',
  })
  await fails(
    sb,
    'POST',
    '/v1/betaAppReviewSubmissions',
    { data: { type: 'betaAppReviewSubmissions', relationships: { build: rel('builds', buildId) } } },
    409,
    'STATE_ERROR',
  )
  await ok(sb, 'PATCH', `/v1/builds/${buildId}`, {
    data: { type: 'builds', id: buildId, attributes: { usesNonExemptEncryption: false } },
  })
  expect(await detail()).toMatchObject({
    internalBuildState: 'READY_FOR_BETA_TESTING',
    externalBuildState: 'READY_FOR_BETA_SUBMISSION',
  })
})

const tempDir = useTempDir('ascent-sandbox-compliance-')

test('a build whose Info.plist answers export compliance (ITSAppUsesNonExemptEncryption) never waits for it', async () => {
  const states: unknown[] = []
  for (const [buildNumber, answer] of [
    ['30', false],
    ['31', null],
  ] as const) {
    const ipa = await makeIpa(
      {
        bundleId: 'com.example.ascent.demo',
        version: '1.2.0',
        buildNumber,
        usesNonExemptEncryption: answer,
      },
      await tempDir(),
    )
    const uploaded = await uploadBuild(sb, appId, '1.2.0', buildNumber, await readFile(ipa))
    const build = await ok<{
      data: { attributes: Record<string, unknown> }
      included: { attributes: Record<string, unknown> }[]
    }>(sb, 'GET', `/v1/builds/${uploaded.buildId}?include=buildBetaDetail`)
    const detail = build.included[0]?.attributes
    states.push([
      buildNumber,
      build.data.attributes.usesNonExemptEncryption ?? null,
      detail?.['internalBuildState'],
    ])
  }
  expect(states).toEqual([
    ['30', false, 'READY_FOR_BETA_TESTING'],
    ['31', null, 'MISSING_EXPORT_COMPLIANCE'],
  ])
})

test('groups: both list routes, add and remove builds, 204 answers', async () => {
  const groups = await okList(sb, `/v1/apps/${appId}/betaGroups`)
  expect(groups.data.map((g) => [g.attributes.name, g.attributes.isInternalGroup])).toEqual([
    ['Core Team', true],
    ['QA', true],
    ['Public Beta', false],
    ['Friends & Family', false],
  ])
  const external = await okList(sb, `/v1/betaGroups?filter[app]=${appId}&filter[isInternalGroup]=false`)
  expect(external.data).toHaveLength(2)
  const internalId = groups.data[0]?.id ?? ''
  await ok(
    sb,
    'POST',
    `/v1/betaGroups/${internalId}/relationships/builds`,
    { data: [{ type: 'builds', id: buildId }] },
    204,
  )
  await ok(
    sb,
    'POST',
    `/v1/builds/${buildId}/relationships/betaGroups`,
    { data: [{ type: 'betaGroups', id: external.data[0]?.id ?? '' }] },
    204,
  )
  expect((await okList(sb, `/v1/betaGroups/${internalId}/builds`)).data.map((b) => b.id)).toEqual([buildId])
  expect(sb.state().builds.find((b) => b.id === buildId)?.groups).toEqual(['Core Team', 'Public Beta'])
  expect(await detail()).toMatchObject({ internalBuildState: 'IN_BETA_TESTING' })
  await ok(
    sb,
    'DELETE',
    `/v1/betaGroups/${internalId}/relationships/builds`,
    { data: [{ type: 'builds', id: buildId }] },
    204,
  )
  expect((await okList(sb, `/v1/betaGroups/${internalId}/builds`)).data).toEqual([])
})

test('what to test: create, duplicate locale refused, update', async () => {
  const body = {
    data: {
      type: 'betaBuildLocalizations',
      attributes: { locale: 'en-US', whatsNew: 'First' },
      relationships: { build: rel('builds', buildId) },
    },
  }
  const created = await ok(sb, 'POST', '/v1/betaBuildLocalizations', body)
  await fails(sb, 'POST', '/v1/betaBuildLocalizations', body, 409, 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')
  await ok(sb, 'PATCH', `/v1/betaBuildLocalizations/${created.data.id}`, {
    data: { type: 'betaBuildLocalizations', id: created.data.id, attributes: { whatsNew: 'Second' } },
  })
  const found = await okList(sb, `/v1/betaBuildLocalizations?filter[build]=${buildId}&filter[locale]=en-US`)
  expect(found.data[0]?.attributes.whatsNew).toBe('Second')
  await fails(
    sb,
    'PATCH',
    `/v1/betaBuildLocalizations/${created.data.id}`,
    {
      data: {
        type: 'betaBuildLocalizations',
        id: created.data.id,
        attributes: { whatsNew: 'x'.repeat(4001) },
      },
    },
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
})

test('beta review: WAITING_FOR_REVIEW -> IN_REVIEW -> APPROVED on timers; a second submission is refused', async () => {
  const body = {
    data: { type: 'betaAppReviewSubmissions', relationships: { build: rel('builds', buildId) } },
  }
  const sub = await ok(sb, 'POST', '/v1/betaAppReviewSubmissions', body)
  expect(sub.data.attributes.betaReviewState).toBe('WAITING_FOR_REVIEW')
  await fails(sb, 'POST', '/v1/betaAppReviewSubmissions', body, 409, 'STATE_ERROR')
  const seen = new Set<string>()
  await waitFor(async () => {
    const list = await okList(sb, `/v1/betaAppReviewSubmissions?filter[build]=${buildId}`)
    const state = String(list.data[0]?.attributes.betaReviewState)
    seen.add(state)
    return state === 'APPROVED'
  }, 'beta approval')
  expect(seen.has('APPROVED')).toBe(true)
  expect(await detail()).toMatchObject({ externalBuildState: 'IN_BETA_TESTING' })
  expect(sb.state().builds.find((b) => b.id === buildId)?.betaReviewState).toBe('APPROVED')
})

test('beta review refused while beta app information is incomplete, accepted once filled in', async () => {
  const other = await startTestSandbox({
    seed: {
      apps: [
        {
          bundleId: 'com.example.noinfo',
          name: 'No Info',
          platforms: ['IOS'],
          betaAppInfo: false,
          builds: [{ versionString: '1.0', buildNumber: '1', platform: 'IOS', state: 'VALID' }],
        },
      ],
    },
  })
  try {
    const id = await demoAppId(other, 'com.example.noinfo')
    const build = (await okList(other, `/v1/builds?filter[app]=${id}`)).data[0]?.id ?? ''
    const body = {
      data: { type: 'betaAppReviewSubmissions', relationships: { build: rel('builds', build) } },
    }
    const refused = await fails(other, 'POST', '/v1/betaAppReviewSubmissions', body, 409, 'STATE_ERROR')
    expect(refused.detail).toContain('Beta App Information')
    const d = await ok(other, 'GET', `/v1/apps/${id}/betaAppReviewDetail`)
    await ok(other, 'PATCH', `/v1/betaAppReviewDetails/${d.data.id}`, {
      data: {
        type: 'betaAppReviewDetails',
        id: d.data.id,
        attributes: {
          contactFirstName: 'A',
          contactLastName: 'B',
          contactPhone: '+1 555 0100',
          contactEmail: 'a@example.com',
        },
      },
    })
    await ok(other, 'POST', '/v1/betaAppLocalizations', {
      data: {
        type: 'betaAppLocalizations',
        attributes: { locale: 'en-US', feedbackEmail: 'beta@example.com' },
        relationships: { app: rel('apps', id) },
      },
    })
    await ok(other, 'POST', '/v1/betaBuildLocalizations', {
      data: {
        type: 'betaBuildLocalizations',
        attributes: { locale: 'en-US', whatsNew: 'Try everything' },
        relationships: { build: rel('builds', build) },
      },
    })
    await ok(other, 'POST', '/v1/betaAppReviewSubmissions', body)
    expect(other.schemaProblems()).toBe('')
  } finally {
    await other.close()
  }
})

test('expire a build', async () => {
  const other = (await uploadBuild(sb, appId, '1.1.0', '21')).buildId ?? ''
  const res = await ok(sb, 'PATCH', `/v1/builds/${other}`, {
    data: { type: 'builds', id: other, attributes: { expired: true } },
  })
  expect(res.data.attributes.expired).toBe(true)
  const list = await okList(
    sb,
    `/v1/builds?filter[app]=${appId}&filter[expired]=false&filter[preReleaseVersion.version]=1.1.0`,
  )
  expect(list.data.map((b) => b.id)).toEqual([buildId])
})
