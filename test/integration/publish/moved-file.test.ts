import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toErrorShape } from '../../../shared/errors'
import { JOURNAL_FILE, runDir } from '../../../electron/publish/journal'
import { publishHarness } from './publish-support'

/** The same build at another path (web bridge temp copy, CI re-download, a copied .ipa) resumes its unfinished run. */
describe('resume when the build file moved', () => {
  it('a copy of the build at another path resumes the run and the journal records the new path', async () => {
    const h = await publishHarness({ processingMs: 2_000 })
    try {
      const file = await h.ipa()
      const settings = { submitToTestflight: true, whatToTest: 'Try it', betaGroups: ['QA'] }
      const first = await h.publish(file, settings, { processingTimeoutMs: 0 })
      expect(first.outcome).toBe('uploaded')

      const copy = join(h.dir, 'elsewhere.ipa')
      await copyFile(file, copy)
      const { runId } = await h.publisher.start(h.job(copy, settings))
      expect(runId).toBe(first.runId)
      const done = await h.publisher.wait(runId)
      expect(done.outcome).toBe('testflight')
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
      const journal = JSON.parse(await readFile(join(runDir(h.dataDir, runId), JOURNAL_FILE), 'utf8')) as {
        file: { path: string; sha256?: string }
      }
      expect(journal.file.path).toBe(copy)
      expect(journal.file.sha256).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      await h.close()
    }
  })

  it('another file with the same bundle id, version and build number is refused with what to do', async () => {
    const h = await publishHarness({ processingMs: 60_000 })
    try {
      const file = await h.ipa()
      const other = await h.ipa({ fileName: 'Other.ipa', infoPlistExtra: { AscentTestMarker: 'other' } })
      const settings = { submitToTestflight: true, whatToTest: 'Try it' }
      const first = await h.publish(file, settings, { processingTimeoutMs: 0 })
      expect(first.outcome).toBe('uploaded')
      const error = await h.publisher.start(h.job(other, settings)).then(
        () => null,
        (e: unknown) => toErrorShape(e),
      )
      expect(error?.code).toBe('BAD_INPUT')
      expect(error?.message).toContain(`an unfinished run (${first.runId})`)
      expect(error?.message).toMatch(/with another file .*publish that file to finish it/)
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
    } finally {
      await h.close()
    }
  })
})
