import { expect } from 'vitest'
import type { TestSandbox } from './sandbox'

/** What a person does in App Store Connect beside Ascent, played against the test sandbox's API. */

type Docs = { data: { id: string }[] }

async function call<T>(sb: TestSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const res = await sb.call(method, path, body)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
  return res.body as T
}

/** Makes version `versionString` (iOS) of the app with `bundleId` beforehand; its text is copied in, filled. */
export async function makeVersion(sb: TestSandbox, bundleId: string, versionString: string): Promise<string> {
  const app = await call<Docs>(sb, 'GET', `/v1/apps?filter[bundleId]=${bundleId}`)
  const made = await call<{ data: { id: string } }>(sb, 'POST', '/v1/appStoreVersions', {
    data: {
      type: 'appStoreVersions',
      attributes: { platform: 'IOS', versionString },
      relationships: { app: { data: { type: 'apps', id: app.data[0]?.id ?? '' } } },
    },
  })
  return made.data.id
}

/** Clears the version's description, keywords and support URL in every locale. */
export async function clearVersionText(sb: TestSandbox, versionId: string): Promise<void> {
  const texts = await call<Docs>(sb, 'GET', `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`)
  for (const t of texts.data) {
    await call(sb, 'PATCH', `/v1/appStoreVersionLocalizations/${t.id}`, {
      data: {
        type: 'appStoreVersionLocalizations',
        id: t.id,
        attributes: { description: null, keywords: null, supportUrl: null },
      },
    })
  }
}
