import { createHash } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { demoAppId, fails, ok, okList, type Operation, uploadBuild } from './helpers'

let sb: TestSandbox
let appId: string
beforeAll(async () => {
  sb = await startTestSandbox({ partSize: 1024 })
  appId = await demoAppId(sb)
})
afterAll(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

const rel = (type: string, id: string) => ({ data: { type, id } })

async function reserve(
  version: string,
  build: string,
  size: number,
): Promise<{ uploadId: string; fileId: string; ops: Operation[] }> {
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
      attributes: { fileName: 'App.ipa', fileSize: size, uti: 'com.apple.ipa', assetType: 'ASSET' },
      relationships: { buildUpload: rel('buildUploads', upload.data.id) },
    },
  })
  return {
    uploadId: upload.data.id,
    fileId: file.data.id,
    ops: file.data.attributes.uploadOperations as Operation[],
  }
}

function put(
  op: Operation,
  body: Buffer,
  headers: Record<string, string> = Object.fromEntries(op.requestHeaders.map((h) => [h.name, h.value])),
): Promise<Response> {
  return fetch(op.url, { method: 'PUT', headers, body })
}

test('a chunked upload becomes a VALID build, with parts of partSize and bytes counted', async () => {
  const bytes = Buffer.alloc(2500, 7)
  const { ops } = await reserve('2.0.0', '10', bytes.length)
  expect(ops.map((o) => [o.offset, o.length])).toEqual([
    [0, 1024],
    [1024, 1024],
    [2048, 452],
  ])
  expect(ops[0]).toMatchObject({
    method: 'PUT',
    requestHeaders: [{ name: 'Content-Type', value: 'application/octet-stream' }],
  })
  expect(Date.parse((ops[0] as Operation & { expiration: string }).expiration)).toBeGreaterThan(Date.now())
  const result = await uploadBuild(sb, appId, '2.0.1', '11', bytes)
  expect(result.state).toBe('COMPLETE')
  const build = await ok(sb, 'GET', `/v1/builds/${result.buildId}?include=preReleaseVersion,buildBetaDetail`)
  expect(build.data.attributes.processingState).toBe('VALID')
  const state = sb.state()
  const upload = state.buildUploads.find((u) => u.id === result.uploadId)
  expect(upload?.files[0]).toMatchObject({
    bytesReceived: 2500,
    partsReceived: 3,
    parts: 3,
    state: 'COMPLETE',
  })
})

test('byte range errors: wrong length, missing headers, bad signature', async () => {
  const { ops, fileId } = await reserve('2.1.0', '1', 2048)
  const op = ops[0] as Operation
  expect((await put(op, Buffer.alloc(1000))).status).toBe(400)
  expect((await put(op, Buffer.alloc(1024), {})).status).toBe(400)
  expect(
    (
      await fetch(op.url.replace(/signature=\w+/, 'signature=bad'), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: Buffer.alloc(1024),
      })
    ).status,
  ).toBe(403)
  expect((await put(op, Buffer.alloc(1024))).status).toBe(200)
  // Committing with a part missing is refused and names the part.
  const missing = await fails(
    sb,
    'PATCH',
    `/v1/buildUploadFiles/${fileId}`,
    { data: { type: 'buildUploadFiles', id: fileId, attributes: { uploaded: true } } },
    409,
    'STATE_ERROR',
  )
  expect(missing.detail).toContain('Parts 2')
  // A re-read lists only the part still to send.
  const again = await ok(sb, 'GET', `/v1/buildUploadFiles/${fileId}`)
  expect((again.data.attributes.uploadOperations as Operation[]).map((o) => o.offset)).toEqual([1024])
})

test('checksum mismatch is refused; the right SHA_256 commits', async () => {
  const bytes = Buffer.alloc(1500, 3)
  const { ops, fileId } = await reserve('2.2.0', '1', bytes.length)
  for (const op of ops)
    expect((await put(op, bytes.subarray(op.offset, op.offset + op.length))).status).toBe(200)
  const body = (hash: string) => ({
    data: {
      type: 'buildUploadFiles',
      id: fileId,
      attributes: { uploaded: true, sourceFileChecksums: { file: { hash, algorithm: 'SHA_256' } } },
    },
  })
  const bad = await fails(
    sb,
    'PATCH',
    `/v1/buildUploadFiles/${fileId}`,
    body('0'.repeat(64)),
    409,
    'ENTITY_ERROR.ATTRIBUTE.INVALID',
  )
  expect(bad.source).toEqual({ pointer: '/data/attributes/sourceFileChecksums' })
  const good = await ok(
    sb,
    'PATCH',
    `/v1/buildUploadFiles/${fileId}`,
    body(createHash('sha256').update(bytes).digest('hex')),
  )
  expect(good.data.attributes.assetDeliveryState).toMatchObject({ state: 'UPLOAD_COMPLETE' })
})

test('expired operations are refused and a fresh GET re-signs them', async () => {
  const { ops, fileId } = await reserve('2.3.0', '1', 100)
  sb.expireUploadOperations()
  expect((await put(ops[0] as Operation, Buffer.alloc(100))).status).toBe(403)
  const fresh = (await ok(sb, 'GET', `/v1/buildUploadFiles/${fileId}`)).data.attributes
    .uploadOperations as Operation[]
  expect(fresh[0]?.url).not.toBe(ops[0]?.url)
  expect((await put(fresh[0] as Operation, Buffer.alloc(100))).status).toBe(200)
  // The control endpoint does the same for a sandbox in another process.
  expect((await fetch(`${sb.url}/__sandbox/expire-upload-operations`, { method: 'POST' })).status).toBe(204)
})

test('a build number already used: 409 at reservation (90189), FAILED when two uploads race', async () => {
  const first = await uploadBuild(sb, appId, '2.4.0', '5')
  expect(first.state).toBe('COMPLETE')
  await fails(
    sb,
    'POST',
    '/v1/buildUploads',
    {
      data: {
        type: 'buildUploads',
        attributes: { cfBundleShortVersionString: '2.4.0', cfBundleVersion: '5', platform: 'IOS' },
        relationships: { app: rel('apps', appId) },
      },
    },
    409,
    'STATE_ERROR.VALIDATION_ERROR.90189',
  )
  const a = reserve('2.5.0', '1', 10)
  const b = reserve('2.5.0', '1', 10)
  const [ra, rb] = await Promise.all([a, b])
  for (const r of [ra, rb]) {
    await put(r.ops[0] as Operation, Buffer.alloc(10))
    await ok(sb, 'PATCH', `/v1/buildUploadFiles/${r.fileId}`, {
      data: { type: 'buildUploadFiles', id: r.fileId, attributes: { uploaded: true } },
    })
  }
  const { waitFor } = await import('../../support/sandbox')
  const states = await waitFor(() => {
    const s = sb.state().buildUploads.filter((u) => u.id === ra.uploadId || u.id === rb.uploadId)
    return s.every((u) => u.state !== 'PROCESSING') ? s : null
  }, 'both uploads processed')
  expect(states.map((u) => u.state).sort()).toEqual(['COMPLETE', 'FAILED'])
  expect(states.find((u) => u.state === 'FAILED')?.errors[0]).toMatchObject({ code: '90189' })
  const uploads = await okList(sb, `/v1/apps/${appId}/buildUploads?filter[state]=FAILED`)
  expect(uploads.data).toHaveLength(1)
})

test('a seed can make processing end INVALID', async () => {
  const other = await startTestSandbox({
    seed: {
      apps: [{ bundleId: 'com.example.bad', name: 'Bad', platforms: ['IOS'], uploadOutcome: 'INVALID' }],
    },
  })
  try {
    const id = await demoAppId(other, 'com.example.bad')
    const result = await uploadBuild(other, id, '1.0', '1')
    expect((await ok(other, 'GET', `/v1/builds/${result.buildId}`)).data.attributes.processingState).toBe(
      'INVALID',
    )
    expect(other.schemaProblems()).toBe('')
  } finally {
    await other.close()
  }
})

test('PUT /__sandbox/sink reads and discards the body', async () => {
  const res = await fetch(`${sb.url}/__sandbox/sink`, { method: 'PUT', body: Buffer.alloc(1 << 20) })
  expect(res.status).toBe(204)
})
