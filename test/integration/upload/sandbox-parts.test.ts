// The sandbox's part path as the uploader's counterpart: parts in any order, sent again, failed on purpose,
// and the checksum App Store Connect verifies on commit.
import { createHash, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

const PART = 1000
let sb: TestSandbox

beforeEach(async () => {
  sb = await startTestSandbox({ partSize: PART })
})
afterEach(async () => {
  expect(sb.schemaProblems()).toBe('')
  await sb.close()
})

type Operation = { url: string; offset: number; length: number; partNumber: number }

async function reserve(size: number, build: string): Promise<{ fileId: string; ops: Operation[] }> {
  const apps = (await sb.call('GET', '/v1/apps?filter[bundleId]=com.example.ascent.demo')).body as {
    data: { id: string }[]
  }
  const upload = await sb.call('POST', '/v1/buildUploads', {
    data: {
      type: 'buildUploads',
      attributes: { cfBundleShortVersionString: '3.0.0', cfBundleVersion: build, platform: 'IOS' },
      relationships: { app: { data: { type: 'apps', id: apps.data[0]?.id } } },
    },
  })
  const uploadId = (upload.body as { data: { id: string } }).data.id
  const file = await sb.call('POST', '/v1/buildUploadFiles', {
    data: {
      type: 'buildUploadFiles',
      attributes: { fileName: 'App.ipa', fileSize: size, uti: 'com.apple.ipa', assetType: 'ASSET' },
      relationships: { buildUpload: { data: { type: 'buildUploads', id: uploadId } } },
    },
  })
  const data = (file.body as { data: { id: string; attributes: { uploadOperations: Operation[] } } }).data
  return { fileId: data.id, ops: data.attributes.uploadOperations }
}

function put(op: Operation, bytes: Buffer): Promise<Response> {
  return fetch(op.url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes.subarray(op.offset, op.offset + op.length),
  })
}

function commit(fileId: string, algorithm: 'SHA_256' | 'MD5', hash: string) {
  return sb.call('PATCH', `/v1/buildUploadFiles/${fileId}`, {
    data: {
      type: 'buildUploadFiles',
      id: fileId,
      attributes: { uploaded: true, sourceFileChecksums: { file: { hash, algorithm } } },
    },
  })
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

it('parts in reverse order, in parallel: the SHA-256 commit verifies, a wrong one is refused', async () => {
  const bytes = randomBytes(4 * PART + 321)
  const { fileId, ops } = await reserve(bytes.length, '1')
  const reversed = [...ops].reverse()
  await put(reversed[0] as Operation, bytes)
  const answers = await Promise.all(reversed.slice(1).map((op) => put(op, bytes)))
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200])
  const wrong = await commit(fileId, 'SHA_256', sha256(Buffer.from('other')))
  expect(wrong.status).toBe(409)
  expect((await commit(fileId, 'SHA_256', sha256(bytes))).status).toBe(200)
})

it('a part sent again with other bytes after it was hashed: the commit checks the bytes now stored', async () => {
  const bytes = randomBytes(3 * PART)
  const { fileId, ops } = await reserve(bytes.length, '2')
  for (const op of ops) expect((await put(op, bytes)).status).toBe(200)
  const first = sha256(bytes)
  const changed = Buffer.from(bytes)
  changed.fill(9, 0, PART)
  expect((await put(ops[0] as Operation, changed)).status).toBe(200)
  expect((await commit(fileId, 'SHA_256', first)).status).toBe(409)
  expect((await commit(fileId, 'SHA_256', sha256(changed))).status).toBe(200)
  const file = sb
    .state()
    .buildUploads.flatMap((u) => u.files)
    .find((f) => f.id === fileId)
  // Every byte that arrived is counted, each part once as received.
  expect(file).toMatchObject({ bytesReceived: 3 * PART, bytesTransferred: 4 * PART, partsReceived: 3 })
})

it('MD5 commits are verified from the stored bytes', async () => {
  const bytes = randomBytes(2 * PART + 5)
  const { fileId, ops } = await reserve(bytes.length, '3')
  for (const op of ops) await put(op, bytes)
  expect((await commit(fileId, 'MD5', '0'.repeat(32))).status).toBe(409)
  expect((await commit(fileId, 'MD5', createHash('md5').update(bytes).digest('hex'))).status).toBe(200)
})

it('POST /__sandbox/fail-part fails the next PUTs of one part of one file, then lets them through', async () => {
  const bytes = randomBytes(2 * PART)
  const { fileId, ops } = await reserve(bytes.length, '4')
  const other = await reserve(bytes.length, '5')
  const control = (body: unknown) =>
    fetch(`${sb.url}/__sandbox/fail-part`, { method: 'POST', body: JSON.stringify(body) })
  expect((await control({ partNumber: 0, times: 1, status: 503 })).status).toBe(400)
  expect((await control({ fileId, partNumber: 2, times: 2, status: 503 })).status).toBe(204)
  const op = ops[1] as Operation
  const refused = await put(op, bytes)
  expect(refused.status).toBe(503)
  expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
    'SANDBOX_INJECTED_FAILURE',
  )
  // Another file's part 2 is not affected.
  expect((await put(other.ops[1] as Operation, bytes)).status).toBe(200)
  expect((await put(op, bytes)).status).toBe(503)
  expect((await put(op, bytes)).status).toBe(200)
  expect(sb.state().partFailures).toEqual([{ fileId, partNumber: 2, status: 503, remaining: 0, injected: 2 }])
  // The refused bodies were received (and counted) but not stored.
  const file = sb
    .state()
    .buildUploads.flatMap((u) => u.files)
    .find((f) => f.id === fileId)
  expect(file).toMatchObject({ bytesReceived: PART, bytesTransferred: 3 * PART, partsReceived: 1 })
})
