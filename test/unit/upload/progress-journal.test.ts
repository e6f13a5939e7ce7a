import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createResumeStateStore,
  RESUME_STATE_FILE,
  type UploadResumeState,
} from '../../../electron/upload/resume-state'
import { createProgressMeter } from '../../../electron/upload/progress'
import type { UploadProgress } from '../../../electron/upload/types'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-upload-unit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('progress meter', () => {
  it('computes rate and ETA over a window and throttles events', () => {
    let t = 0
    const events: UploadProgress[] = []
    const meter = createProgressMeter({
      bytesTotal: 1000,
      onProgress: (p) => events.push(p),
      now: () => t,
      intervalMs: 100,
    })
    meter.update(0, 'sending')
    t = 50
    meter.update(50) // throttled
    t = 1000
    meter.update(100)
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ bytesDone: 100, bytesPerSecond: 100, etaSeconds: 9, phase: 'sending' })
    t = 1010
    meter.flush('committing')
    expect(events.at(-1)?.phase).toBe('committing')
  })

  it('never reports fewer bytes than before: a failed part taking its bytes back holds the count', () => {
    let t = 0
    const events: UploadProgress[] = []
    const meter = createProgressMeter({ bytesTotal: 1000, onProgress: (p) => events.push(p), now: () => t })
    for (const bytes of [0, 400, 300, 350, 500, 1000]) {
      t += 1000
      meter.update(bytes, 'sending')
    }
    expect(events.map((e) => e.bytesDone)).toEqual([0, 400, 400, 400, 500, 1000])
  })

  it('reports no rate until it has been measured for a second', () => {
    let t = 0
    const meter = createProgressMeter({ bytesTotal: 10_000, now: () => t, intervalMs: 0 })
    meter.update(0, 'sending')
    t = 200
    meter.update(2_700)
    expect(meter.snapshot()).toMatchObject({ bytesPerSecond: 0, etaSeconds: null })
    t = 1200
    meter.update(5_000)
    expect(meter.snapshot().bytesPerSecond).toBe(Math.round(5_000 / 1.2))
  })

  it('reports an unknown ETA before any rate and 0 when done', () => {
    const meter = createProgressMeter({ bytesTotal: 10, now: () => 0 })
    expect(meter.snapshot().etaSeconds).toBeNull()
    meter.update(10)
    expect(meter.snapshot().etaSeconds).toBe(0)
  })
})

const journal: UploadResumeState = {
  version: 1,
  file: { path: '/tmp/a.ipa', size: 10, mtimeMs: 1 },
  bundleId: 'com.example',
  buildVersion: '1.0',
  buildNumber: '1',
  buildUploadId: 'u1',
  buildUploadFileId: 'f1',
  doneParts: [{ offset: 0, length: 5 }],
  committed: false,
}

describe('upload journal', () => {
  it('writes atomically (no temp file left) and reads back', async () => {
    const store = createResumeStateStore(path.join(dir, 'run'))
    await Promise.all([
      store.write(journal),
      store.write({ ...journal, doneParts: [...journal.doneParts, { offset: 5, length: 5 }] }),
    ])
    expect(await readdir(path.join(dir, 'run'))).toEqual([RESUME_STATE_FILE])
    expect((await store.read())?.doneParts).toHaveLength(2)
  })

  it('writes states given while a write is under way once, the newest of them (parts that finish together)', async () => {
    const store = createResumeStateStore(path.join(dir, 'run'))
    const part = (offset: number) => ({ offset, length: 5 })
    const first = store.write(journal)
    // The first write is under way from the next turn on; the two given meanwhile share the write after it.
    await Promise.resolve()
    const second = store.write({ ...journal, doneParts: [part(0), part(5)] })
    const third = store.write({ ...journal, doneParts: [part(0), part(5), part(10)] })
    expect(third).toBe(second)
    expect(second).not.toBe(first)
    await Promise.all([first, second, third])
    expect((await store.read())?.doneParts).toEqual([part(0), part(5), part(10)])
  })

  it('makes its folder again when it was removed between two writes (a cleanup during the upload)', async () => {
    const folder = path.join(dir, 'cleaned')
    const store = createResumeStateStore(folder)
    await store.write(journal)
    await rm(folder, { recursive: true, force: true })
    await store.write({ ...journal, committed: true })
    expect((await store.read())?.committed).toBe(true)
  })

  it('ignores a missing, damaged or foreign journal (the upload then starts over)', async () => {
    const store = createResumeStateStore(dir)
    expect(await store.read()).toBeNull()
    await writeFile(path.join(dir, RESUME_STATE_FILE), '{"version":1,"file":')
    expect(await store.read()).toBeNull()
    await writeFile(path.join(dir, RESUME_STATE_FILE), JSON.stringify({ ...journal, version: 2 }))
    expect(await store.read()).toBeNull()
  })
})
