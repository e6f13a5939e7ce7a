import { describe, expect, it } from 'vitest'
import { writeJournal, type RunJournal } from '../../../electron/publish/journal'
import { publishHarness } from './publish-support'

/** How far a sub-step has got: a state written later never shows one less far along. */
const RANK = { started: 1, done: 2, skipped: 2 } as const

describe('the run journal on a slow disk', () => {
  it('a full publish writes its journal in order, fewer times than it changes, and ends with the last state', async () => {
    const written: RunJournal[] = []
    // Every write takes 20 ms (a slow or busy disk): saves of the side-by-side branches queue behind it.
    const slowWrite = async (dataDir: string, journal: RunJournal): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      written.push(structuredClone(journal))
      await writeJournal(dataDir, journal)
    }
    const h = await publishHarness({ processingMs: 30 }, { writeJournal: slowWrite })
    try {
      const file = await h.ipa()
      const { runId } = await h.publisher.start(
        h.job(file, {
          submitToTestflight: true,
          whatToTest: 'Everything',
          betaGroups: ['QA', 'Public Beta'],
          submitToAppStore: true,
          whatsNew: 'Faster.',
          phasedRelease: true,
        }),
      )
      const record = await h.publisher.wait(runId)
      expect(record.outcome).toBe('submitted-for-review')

      // In order: no sub-step or step is ever written less far along than in an earlier write.
      for (let i = 1; i < written.length; i++) {
        for (const [id, sub] of Object.entries(written[i - 1]!.substeps)) {
          const later = written[i]!.substeps[id as keyof RunJournal['substeps']]
          expect(
            later && RANK[later.status as keyof typeof RANK],
            `${id} in write ${i}`,
          ).toBeGreaterThanOrEqual(RANK[sub.status as keyof typeof RANK])
        }
      }
      // The last write is the finished run.
      expect(written.at(-1)).toMatchObject({ runId, outcome: 'submitted-for-review' })
      // Each sub-step is written started and then finished, each step running and then finished: saves that
      // come while a write waits share it.
      const last = written.at(-1)!
      const changes = 2 * Object.keys(last.substeps).length + 2 * last.steps.length
      expect(written.length).toBeLessThan(changes)
    } finally {
      await h.close()
    }
  })
})
