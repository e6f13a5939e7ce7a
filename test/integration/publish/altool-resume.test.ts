import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { defaultUploaderFactory } from '../../../electron/publish/default-uploader'
import type { UploaderFactory } from '../../../electron/publish/types'
import type { UploadBuild, UploadResult } from '../../../electron/upload/types'
import { publishHarness, type PublishHarness } from './publish-support'

/**
 * Resuming a run whose altool upload was interrupted. The stand-in "altool" here delivers through the sandbox's
 * Build Upload API (as the xcrun stand-in does) and then loses the connection, so Apple has the build but the
 * run does not know it; `second` is what altool answers when it is run again.
 */
function altoolLike(
  h: () => PublishHarness,
  second: () => Promise<UploadResult>,
): { factory: UploaderFactory; calls: () => number } {
  let calls = 0
  const api = defaultUploaderFactory({ api: { pollIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20 } })
  const factory: UploaderFactory = (request) => ({
    method: 'altool',
    async upload(build: UploadBuild): Promise<UploadResult> {
      if (++calls > 1) return second()
      const own = await mkdtemp(join(h().dir, 'altool-'))
      const real = await api({ ...request, method: 'api', resumeDir: own })
      // Delivered (committed) but not yet processed into a listed build when the connection goes.
      const stop = new AbortController()
      await new Promise<void>((resolve) => {
        void real
          .upload(build, { signal: stop.signal, onProgress: (p) => p.phase === 'verifying' && resolve() })
          .catch(() => undefined)
          .then(() => resolve())
      })
      stop.abort()
      throw new AscentError('NETWORK', 'altool lost the connection after sending the package')
    },
  })
  factory.methodFor = () => Promise.resolve('altool')
  return { factory, calls: () => calls }
}

describe('resuming an interrupted altool upload', () => {
  it('waits for App Store Connect to list the build instead of running altool again', async () => {
    const ref: { h?: PublishHarness } = {}
    const altool = altoolLike(
      () => ref.h!,
      () => Promise.reject(new Error('altool must not run again')),
    )
    // The build is listed a quarter of processingMs after the upload: well after the resume's preflight.
    const h = (ref.h = await publishHarness(
      { processingMs: 8_000 },
      { uploaderFactory: altool.factory, altoolResumeWaitMs: 60_000 },
    ))
    try {
      const file = await h.ipa()
      const first = await h.publish(file, {}, { uploadMethod: 'altool', processingTimeoutMs: 0 })
      expect(first.outcome).toBe('failed')
      const again = await h.publish(file, {}, { uploadMethod: 'altool', processingTimeoutMs: 0 })
      expect(again.runId).toBe(first.runId)
      expect(again.outcome).toBe('uploaded')
      expect(altool.calls()).toBe(1)
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
      expect(again.steps.find((s) => s.step === 'upload')?.summary).toMatch(/^already uploaded/)
    } finally {
      await h.close()
    }
  })

  it('takes Apple’s redundant-binary answer on the re-run as done', async () => {
    const ref: { h?: PublishHarness } = {}
    const altool = altoolLike(
      () => ref.h!,
      () =>
        Promise.reject(
          new AscentError(
            'ASC_ERROR',
            'altool could not upload App.ipa: The provided entity includes an attribute with a value that has already been used — The bundle version must be higher than the previously uploaded version. (ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE, -19232)',
          ),
        ),
    )
    // Not listed within the (short) wait, so altool runs again and Apple answers "already have it".
    const h = (ref.h = await publishHarness(
      { processingMs: 120_000 },
      { uploaderFactory: altool.factory, altoolResumeWaitMs: 50 },
    ))
    try {
      const file = await h.ipa()
      const first = await h.publish(file, {}, { uploadMethod: 'altool', processingTimeoutMs: 0 })
      expect(first.outcome).toBe('failed')
      const again = await h.publish(file, {}, { uploadMethod: 'altool', processingTimeoutMs: 0 })
      expect(again.runId).toBe(first.runId)
      expect(again.outcome).toBe('uploaded')
      expect(altool.calls()).toBe(2)
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
      expect(again.steps.find((s) => s.step === 'upload')?.summary).toMatch(/already has build/)
    } finally {
      await h.close()
    }
  })
})
