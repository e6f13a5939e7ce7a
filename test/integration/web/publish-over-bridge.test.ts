import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FileRef } from '../../../shared/ipc'
import { defaultReleaseSettings } from '../../../shared/release-settings'
import { DEMO_BUNDLE_ID, makeIpa } from '../../fixtures/build-factory'
import { KEY_MATERIAL, startBridgeFixture, type BridgeFixture } from './support'
import { http, openSocket } from './http'

let fx: BridgeFixture
beforeEach(async () => {
  fx = await startBridgeFixture()
})
afterEach(async () => {
  await fx.close()
})

/** Every reply body of this test, checked at the end for key material. */
const bodies: string[] = []

async function call<T>(name: string, args: unknown[]): Promise<T> {
  const answer = await http(`${fx.bridge.origin}/api/call/${name}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-ascent-token': fx.bridge.token,
      origin: fx.bridge.origin,
    },
    body: JSON.stringify(args),
  })
  bodies.push(answer.body)
  const reply = JSON.parse(answer.body) as { ok: boolean; value: T; error?: unknown }
  if (!reply.ok) throw new Error(`${name}: ${JSON.stringify(reply.error)}`)
  return reply.value
}

describe('a publish through the web bridge, against the in-process sandbox', () => {
  it('uploads, inspects, looks up the app and groups, plans, publishes and streams events to the run end', async () => {
    const ipaPath = await makeIpa({ buildNumber: '321' }, fx.dir)
    const upload = await http(`${fx.bridge.origin}/api/files?name=Demo.ipa`, {
      method: 'PUT',
      headers: { 'x-ascent-token': fx.bridge.token, 'content-type': 'application/octet-stream' },
      body: await readFile(ipaPath),
    })
    const file = (JSON.parse(upload.body) as { value: FileRef }).value
    expect(file).toMatchObject({ name: 'Demo.ipa', path: 'Demo.ipa' })

    const build = await call<{ bundleId: string; buildNumber: string; file: string }>('inspectBuild', [file])
    expect(build).toMatchObject({ bundleId: DEMO_BUNDLE_ID, buildNumber: '321', file: 'Demo.ipa' })

    const app = await call<{ id: string; bundleId: string } | null>('findApp', [DEMO_BUNDLE_ID, 'IOS'])
    expect(app?.bundleId).toBe(DEMO_BUNDLE_ID)
    const groups = await call<{ name: string; isInternal: boolean }[]>('listBetaGroups', [app?.id])
    expect(groups.length).toBeGreaterThanOrEqual(2)
    const internal = groups.find((g) => g.isInternal)
    expect(internal).toBeDefined()

    const request = {
      file,
      settings: { ...defaultReleaseSettings, betaGroups: [internal?.name] },
      options: { uploadMethod: 'api', processingTimeoutMs: 20_000 },
    }
    const plan = await call<{ problems: { severity: string }[]; build: { file: string } }>('planPublish', [
      request,
    ])
    expect(plan.build.file).toBe('Demo.ipa')
    expect(plan.problems.filter((p) => p.severity === 'error')).toEqual([])

    const ws = await openSocket(`ws://127.0.0.1:${fx.bridge.port}/api/events`, {
      'x-ascent-token': fx.bridge.token,
      origin: fx.bridge.origin,
    })
    const events: { name: string; event: { type: string; runId: string; outcome?: string } }[] = []
    const texts: string[] = []
    const finished = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        texts.push(String(data))
        const message = JSON.parse(String(data)) as (typeof events)[number]
        events.push(message)
        if (message.event.type === 'run-finished') resolve()
      }),
    )
    const { runId } = await call<{ runId: string }>('startPublish', [request])
    await finished
    ws.close()

    expect(events.every((e) => e.name === 'publish' && e.event.runId === runId)).toBe(true)
    expect(events.some((e) => e.event.type === 'step-progress')).toBe(true)
    expect(events.at(-1)?.event).toMatchObject({ type: 'run-finished', outcome: 'testflight' })
    const runs = await call<{ runId: string; outcome: string }[]>('listRuns', [])
    expect(runs.find((r) => r.runId === runId)?.outcome).toBe('testflight')

    for (const text of [...bodies, ...texts]) expect(text).not.toMatch(KEY_MATERIAL)
  })
})
