import { expect, test } from 'vitest'
import { withSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, okList, uploadBuild } from './helpers'

// A newcomer's own build: the default sandbox takes an app record for its bundle id while it runs.

async function control(sb: TestSandbox, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sb.url}/__sandbox/apps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

test('POST /__sandbox/apps adds an app with two internal and two external groups that takes uploads', async () => {
  await withSandbox({}, async (sb) => {
    const added = await control(sb, { bundleId: 'org.newcomer.weather', name: 'Weather' })
    expect(added.status).toBe(201)
    const appId = await demoAppId(sb, 'org.newcomer.weather')
    expect(appId).not.toBe('')
    expect(added.body).toMatchObject({ id: appId, bundleId: 'org.newcomer.weather', name: 'Weather' })

    const groups = await okList(sb, `/v1/apps/${appId}/betaGroups`)
    expect(groups.data.map((g) => [g.attributes.name, g.attributes.isInternalGroup])).toEqual([
      ['Core Team', true],
      ['QA', true],
      ['Public Beta', false],
      ['Friends & Family', false],
    ])
    const build = await uploadBuild(sb, appId, '2.0', '7')
    expect(build.state).toBe('COMPLETE')
    expect(sb.schemaProblems()).toBe('')
  })
})

test('POST /__sandbox/apps takes the groups given, refuses a taken bundle id (409) and a bad body (400)', async () => {
  await withSandbox({}, async (sb) => {
    const custom = await sb.addApp({
      bundleId: 'org.newcomer.tv',
      name: 'TV',
      platforms: ['TV_OS'],
      betaGroups: [{ name: 'Living Room', isInternal: false }],
    })
    const groups = await okList(sb, `/v1/apps/${custom.id}/betaGroups`)
    expect(groups.data.map((g) => g.attributes.name)).toEqual(['Living Room'])

    const taken = await control(sb, { bundleId: 'com.example.ascent.demo', name: 'Again' })
    expect(taken).toEqual({
      status: 409,
      body: { error: 'the sandbox already has an app with bundle id com.example.ascent.demo' },
    })
    const bad = await control(sb, { bundleId: 'org.x', name: '', platforms: ['ANDROID'] })
    expect(bad.status).toBe(400)
    expect((bad.body as { error: string }).error).toMatch(/name: .*platforms\.0/)
    expect(sb.state().apps).toHaveLength(2)
  })
})
