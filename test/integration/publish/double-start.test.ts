import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { access, mkdir } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { toErrorShape } from '../../../shared/errors'
import { defaultReleaseSettings } from '../../../shared/release-settings'
import { inspectBuild } from '../../../electron/ipa'
import { runLockPath, runsDir } from '../../../electron/publish/journal'
import { runKeyOf } from '../../../electron/publish/publisher'
import { publishHarness } from './publish-support'

/** Publish clicked twice, or the app and the CLI at once: one run, one upload. */
describe('two starts of the same build', () => {
  it('racing starts in one process share one run', async () => {
    const h = await publishHarness({ processingMs: 100 })
    try {
      const file = await h.ipa()
      const [a, b] = await Promise.all([
        h.publisher.start(h.job(file, { betaGroups: ['QA'] })),
        h.publisher.start(h.job(file, { betaGroups: ['QA'] })),
      ])
      expect(b.runId).toBe(a.runId)
      expect((await h.publisher.wait(a.runId)).outcome).toBe('testflight')
      expect(h.sandbox.state().buildUploads).toHaveLength(1)
      expect(await h.publisher.listRuns()).toHaveLength(1)
    } finally {
      await h.close()
    }
  })

  it('a start while another live process holds the lock is refused; once that process ends the lock is free', async () => {
    const h = await publishHarness({ processingMs: 30 })
    try {
      const file = await h.ipa()
      const settings = { ...defaultReleaseSettings, betaGroups: ['QA'] }
      const lock = runLockPath(h.dataDir, runKeyOf(await inspectBuild(file), settings))
      await mkdir(runsDir(h.dataDir), { recursive: true })

      // Another process takes the run's lock the way Ascent does and keeps it until its stdin closes.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const fs = require('node:fs'); const { tryLock } = require('fs-native-extensions')
           const fd = fs.openSync(process.argv[1], 'a+'); fs.writeSync(fd, process.pid + '\\n')
           console.log(tryLock(fd) ? 'locked' : 'busy'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0))`,
          lock,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      )
      const [said] = (await once(createInterface({ input: holder.stdout! }), 'line')) as [string]
      expect(said).toBe('locked')
      const error = await h.publisher.start(h.job(file, settings)).then(
        () => null,
        (e: unknown) => toErrorShape(e),
      )
      expect(error?.code).toBe('BAD_INPUT')
      expect(error?.message).toContain(`another Ascent process (pid ${holder.pid})`)
      expect(h.sandbox.state().buildUploads).toHaveLength(0)

      const exited = once(holder, 'exit')
      holder.stdin!.end()
      await exited
      const { runId } = await h.publisher.start(h.job(file, settings))
      expect((await h.publisher.wait(runId)).outcome).toBe('testflight')
      await expect(access(lock)).rejects.toThrow()
    } finally {
      await h.close()
    }
  })
})
