import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as z from 'zod'
import { createAscClient, type AscClient } from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import type { UploadBuild } from '../../../electron/upload'
import type { TestSandbox } from '../../support/sandbox'

const DEMO_BUNDLE_ID = 'com.example.ascent.demo'

export function clientFor(sandbox: TestSandbox, fetchImpl?: typeof fetch): AscClient {
  return createAscClient({
    baseUrl: sandbox.url,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    tokens: createTokenSource({
      keyId: sandbox.keyId,
      issuerId: sandbox.issuerId,
      privateKey: parsePrivateKey(sandbox.privateKeyPem),
    }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  })
}

const AppList = z.object({ data: z.array(z.object({ id: z.string() })) })

export async function demoAppId(client: AscClient): Promise<string> {
  const apps = await client.request('GET', '/v1/apps', {
    query: { 'filter[bundleId]': DEMO_BUNDLE_ID },
    schema: AppList,
  })
  const id = apps.data[0]?.id
  if (!id) throw new Error('the sandbox has no demo app')
  return id
}

/** A file of random bytes (no compression illusion) whose size is not a multiple of the part size. */
export async function randomBuild(
  dir: string,
  size: number,
  appId: string,
  buildNumber: string,
): Promise<{ build: UploadBuild; sha256: string; md5: string }> {
  const file = path.join(dir, `App-${buildNumber}.ipa`)
  const bytes = randomBytes(size)
  await writeFile(file, bytes)
  return {
    build: {
      file,
      kind: 'ipa',
      bundleId: DEMO_BUNDLE_ID,
      version: '2.0.0',
      buildNumber,
      platform: 'IOS',
      appId,
      sizeBytes: size,
    },
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
  }
}

export type UploadState = ReturnType<TestSandbox['state']>['buildUploads'][number]

export function uploadState(sandbox: TestSandbox, buildUploadId: string): UploadState {
  const found = sandbox.state().buildUploads.find((u) => u.id === buildUploadId)
  if (!found) throw new Error(`sandbox has no build upload ${buildUploadId}`)
  return found
}
