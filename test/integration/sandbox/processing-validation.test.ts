import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiUploader, createAscBuildUploadApi, type BuildUploadApi } from '../../../electron/upload'
import { DEMO_BUNDLE_ID, makeIpa, type IpaOptions } from '../../fixtures/build-factory'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { clientFor, demoAppId, uploadState } from '../upload/upload-support'

/**
 * A build sent by another tool (straight to the Build Upload API, no Ascent preflight) is validated when
 * the sandbox processes it, as App Store Connect does: a refused build ends INVALID and its buildUpload
 * FAILED with Apple's ITMS number and words.
 */

let dir: string
let sandbox: TestSandbox
let api: BuildUploadApi
let appId: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-processing-'))
  sandbox = await startTestSandbox({ processingMs: 40 })
  api = createAscBuildUploadApi(clientFor(sandbox))
  appId = await demoAppId(clientFor(sandbox))
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

async function send(options: IpaOptions, buildNumber: string): Promise<{ id: string; error: unknown }> {
  const file = await makeIpa({ ...options, buildNumber, fileName: `App-${buildNumber}.ipa` }, dir)
  const build = {
    file,
    kind: 'ipa' as const,
    bundleId: DEMO_BUNDLE_ID,
    version: '1.1.0',
    buildNumber,
    platform: 'IOS' as const,
    appId,
    sizeBytes: (await stat(file)).size,
  }
  const uploader = createApiUploader({ api, pollIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20 })
  try {
    const result = await uploader.upload(build)
    return { id: result.method === 'api' ? result.buildUploadId : '', error: null }
  } catch (error) {
    const id = sandbox.state().buildUploads.find((u) => u.cfBundleVersion === buildNumber)?.id ?? ''
    return { id, error }
  }
}

function processingStateOf(buildNumber: string): string | undefined {
  return sandbox.state().builds.find((b) => b.buildNumber === buildNumber)?.processingState
}

describe('the sandbox validates what it processes', () => {
  it.each<[string, IpaOptions, string, RegExp]>([
    [
      'an old SDK',
      { sdkVersion: '18.2' },
      '90725',
      /^SDK version issue\. This app was built with the iOS 18\.2 SDK\. All iOS and iPadOS apps must be built with the iOS 26 SDK or later/,
    ],
    [
      'a framework with simulator slices',
      {
        frameworks: [
          { name: 'Vendor.framework', executable: { fat: [{ cpu: 'x86_64' }, { cpu: 'arm64' }] } },
        ],
      },
      '90087',
      /^Unsupported Architectures\. The executable for Payload\/AscentDemo\.app\/Frameworks\/Vendor\.framework contains unsupported architectures '\[x86_64\]'/,
    ],
    [
      'a listed SDK without a privacy manifest',
      { frameworks: ['Alamofire.framework'] },
      '91061',
      /^Missing privacy manifest - Your app includes "Frameworks\/Alamofire\.framework\/Alamofire"/,
    ],
  ])(
    "%s: the build ends INVALID, the upload FAILED with Apple's code and words",
    async (_, options, code, words) => {
      const buildNumber = String(200 + (Number(code) % 97))
      const { id, error } = await send(options, buildNumber)
      expect(String((error as Error | null)?.message)).toContain(`: ${code}: `)
      const upload = uploadState(sandbox, id)
      expect(upload.state).toBe('FAILED')
      expect(upload.errors).toEqual([{ code, description: expect.stringMatching(words) }])
      await expect.poll(() => processingStateOf(buildNumber)).toBe('INVALID')
      expect(sandbox.schemaProblems()).toBe('')
    },
  )

  it('a valid build is processed to VALID', async () => {
    const { id, error } = await send({}, '300')
    expect(error).toBeNull()
    expect(uploadState(sandbox, id)).toMatchObject({ state: 'COMPLETE', errors: [] })
    await expect.poll(() => processingStateOf('300')).toBe('VALID')
  })
})
