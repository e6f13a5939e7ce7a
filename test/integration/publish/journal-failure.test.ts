import { describe, expect, it } from 'vitest'
import type { PublishEvent } from '../../../shared/publish-events'
import { writeJournal, type RunJournal } from '../../../electron/publish/journal'
import { publishHarness } from './publish-support'

/** A journal write that fails when the run begins (disk full, data dir gone) ends the run; it never hangs. */
describe('a run whose first journal write fails', () => {
  it('finishes as failed, says why, and is no longer active', async () => {
    let writes = 0
    const failSecond = async (dataDir: string, journal: RunJournal): Promise<void> => {
      // 1: the new run's journal (start); 2: execute's first write — the one that used to reject unhandled.
      if (++writes === 2) throw new Error('ENOSPC: no space left on device')
      await writeJournal(dataDir, journal)
    }
    const h = await publishHarness({ processingMs: 30 }, { writeJournal: failSecond })
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      const file = await h.ipa()
      const finished = new Promise<PublishEvent>((resolve) =>
        h.publisher.onEvent((e) => {
          if (e.type === 'run-finished') resolve(e)
        }),
      )
      const { runId } = await h.publisher.start(h.job(file, { betaGroups: ['QA'] }))
      const record = await h.publisher.wait(runId)
      expect(record.outcome).toBe('failed')
      expect(record.message).toMatch(/could not write the run journal: ENOSPC/)
      expect(await finished).toMatchObject({ runId, outcome: 'failed' })
      expect(h.sandbox.state().buildUploads).toHaveLength(0)
      // No longer active: a new start picks the run up again (and this time the disk works).
      const again = await h.publisher.start(h.job(file, { betaGroups: ['QA'] }))
      expect(again.runId).toBe(runId)
      expect((await h.publisher.wait(runId)).outcome).toBe('testflight')
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      await h.close()
    }
  })
})
