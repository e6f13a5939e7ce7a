import { createHash } from 'node:crypto'
import { expect } from 'vitest'
import { type TestSandbox, waitFor } from '../../support/sandbox'

type Doc = { data: { id: string; attributes: Record<string, unknown> } & Record<string, unknown> } & Record<
  string,
  unknown
>
type Docs = { data: { id: string; attributes: Record<string, unknown> }[] } & Record<string, unknown>

export async function ok<T = Doc>(
  sb: TestSandbox,
  method: string,
  path: string,
  body?: unknown,
  status = method === 'POST' ? 201 : 200,
): Promise<T> {
  const res = await sb.call(method, path, body)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status)
  return res.body as T
}
export const okList = (sb: TestSandbox, path: string): Promise<Docs> => ok<Docs>(sb, 'GET', path)

export async function fails(
  sb: TestSandbox,
  method: string,
  path: string,
  body: unknown,
  status: number,
  code: string,
): Promise<{ detail: string; source?: unknown }> {
  const res = await sb.call(method, path, body)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status)
  const errors = (res.body as { errors: { code: string; detail: string; source?: unknown }[] }).errors
  const match = errors.find((e) => e.code.startsWith(code))
  expect(match, JSON.stringify(errors)).toBeDefined()
  return match ?? { detail: '' }
}

export async function demoAppId(sb: TestSandbox, bundleId = 'com.example.ascent.demo'): Promise<string> {
  return (await okList(sb, `/v1/apps?filter[bundleId]=${bundleId}`)).data[0]?.id ?? ''
}

const rel = (type: string, id: string) => ({ data: { type, id } })

/** Uploads `bytes` through the Build Upload API and waits for the build to be VALID (or the upload to end). */
export async function uploadBuild(
  sb: TestSandbox,
  appId: string,
  version: string,
  build: string,
  bytes = Buffer.from('ipa bytes '.repeat(100)),
): Promise<{ uploadId: string; buildId: string | null; state: string }> {
  const upload = await ok(sb, 'POST', '/v1/buildUploads', {
    data: {
      type: 'buildUploads',
      attributes: { cfBundleShortVersionString: version, cfBundleVersion: build, platform: 'IOS' },
      relationships: { app: rel('apps', appId) },
    },
  })
  const file = await ok(sb, 'POST', '/v1/buildUploadFiles', {
    data: {
      type: 'buildUploadFiles',
      attributes: { fileName: 'App.ipa', fileSize: bytes.length, uti: 'com.apple.ipa', assetType: 'ASSET' },
      relationships: { buildUpload: rel('buildUploads', upload.data.id) },
    },
  })
  await putParts(file, bytes)
  await ok(sb, 'PATCH', `/v1/buildUploadFiles/${file.data.id}`, {
    data: {
      type: 'buildUploadFiles',
      id: file.data.id,
      attributes: {
        uploaded: true,
        sourceFileChecksums: {
          file: { hash: createHash('md5').update(bytes).digest('hex'), algorithm: 'MD5' },
        },
      },
    },
  })
  const done = await waitFor(async () => {
    const u = await ok(sb, 'GET', `/v1/buildUploads/${upload.data.id}?include=build`)
    const state = (u.data.attributes.state as { state: string }).state
    return state === 'COMPLETE' || state === 'FAILED' ? { u, state } : null
  }, 'upload processing')
  const buildId = (done.u.data.relationships as { build?: { data?: { id: string } } }).build?.data?.id ?? null
  if (buildId)
    await waitFor(
      async () =>
        (await ok(sb, 'GET', `/v1/builds/${buildId}`)).data.attributes.processingState !== 'PROCESSING',
      'build processing',
    )
  return { uploadId: upload.data.id, buildId, state: done.state }
}

/** Creates a review submission for the app, adds the version and submits it, as App Store Connect's UI does. */
export async function submitForReview(sb: TestSandbox, appId: string, versionId: string): Promise<string> {
  const sub = await ok(sb, 'POST', '/v1/reviewSubmissions', {
    data: {
      type: 'reviewSubmissions',
      attributes: { platform: 'IOS' },
      relationships: { app: rel('apps', appId) },
    },
  })
  await ok(sb, 'POST', '/v1/reviewSubmissionItems', {
    data: {
      type: 'reviewSubmissionItems',
      relationships: {
        reviewSubmission: rel('reviewSubmissions', sub.data.id),
        appStoreVersion: rel('appStoreVersions', versionId),
      },
    },
  })
  await ok(sb, 'PATCH', `/v1/reviewSubmissions/${sub.data.id}`, {
    data: { type: 'reviewSubmissions', id: sub.data.id, attributes: { submitted: true } },
  })
  return sub.data.id
}

/** Creates version 1.1.0 with the build attached (and a phased release when asked), and submits it for review. */
export async function submitUpdate(
  sb: TestSandbox,
  appId: string,
  buildId: string,
  attributes: Record<string, unknown>,
  phased = false,
): Promise<{ versionId: string; submissionId: string; phasedId: string | null }> {
  const version = await ok(sb, 'POST', '/v1/appStoreVersions', {
    data: {
      type: 'appStoreVersions',
      attributes: { platform: 'IOS', versionString: '1.1.0', ...attributes },
      relationships: { app: rel('apps', appId), build: rel('builds', buildId) },
    },
  })
  const versionId = version.data.id
  // 1.1.0 is an update: review needs What's New in its locale.
  const [localization] = (await okList(sb, `/v1/appStoreVersions/${versionId}/appStoreVersionLocalizations`))
    .data
  await ok(sb, 'PATCH', `/v1/appStoreVersionLocalizations/${localization?.id ?? ''}`, {
    data: {
      type: 'appStoreVersionLocalizations',
      id: localization?.id ?? '',
      attributes: { whatsNew: 'Bug fixes.' },
    },
  })
  let phasedId: string | null = null
  if (phased) {
    const made = await ok(sb, 'POST', '/v1/appStoreVersionPhasedReleases', {
      data: {
        type: 'appStoreVersionPhasedReleases',
        attributes: { phasedReleaseState: 'INACTIVE' },
        relationships: { appStoreVersion: rel('appStoreVersions', versionId) },
      },
    })
    phasedId = made.data.id
  }
  return { versionId, submissionId: await submitForReview(sb, appId, versionId), phasedId }
}

export type Operation = {
  method: string
  url: string
  offset: number
  length: number
  requestHeaders: { name: string; value: string }[]
}

async function putParts(file: Doc, bytes: Buffer): Promise<void> {
  for (const op of file.data.attributes.uploadOperations as Operation[]) {
    const res = await fetch(op.url, {
      method: op.method,
      headers: Object.fromEntries(op.requestHeaders.map((h) => [h.name, h.value])),
      body: bytes.subarray(op.offset, op.offset + op.length),
    })
    expect(res.status).toBe(200)
  }
}
