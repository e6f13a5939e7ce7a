import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { createRunLog, runLogPath } from '../../../electron/publish/run-log'
import { LOG_LIMIT, logText, parseLogText, type LogLine } from '../../../shared/run-progress'
import { useTempDir } from '../../support/temp-dir'

const tempDir = useTempDir('ascent-run-log-')
const runId = '20310101T100000Z-abcdef'
const at = '2031-01-01T10:00:00.000Z'

describe('a run log file', () => {
  it('reads back exactly the lines it was written from, a message over several lines included', () => {
    const lines: LogLine[] = [
      { at, level: 'info', message: 'Upload: started' },
      { at, level: 'error', message: 'Upload: HTTP 400\n  detail: the part was refused' },
      { at, level: 'warn', message: 'a last line' },
    ]
    expect(parseLogText(logText(lines) + '\n')).toEqual(lines)
  })

  it('gets every line the window shows, in order, past the window’s limit too, and the live run is handed over', async () => {
    const dataDir = await tempDir()
    const log = createRunLog(dataDir)
    log.record({ type: 'step-started', runId, at, step: 'upload', title: 'Upload' })
    log.record({ type: 'step-progress', runId, at, step: 'upload', bytesDone: 1, bytesTotal: 2 })
    for (let i = 0; i < LOG_LIMIT + 5; i++)
      log.record({ type: 'log', runId, at, level: 'info', message: `line ${i}` })
    const live = log.live()
    expect(live).toHaveLength(1)
    expect(live[0]?.progress.steps.find((s) => s.step === 'upload')?.progress?.bytesDone).toBe(1)
    expect(live[0]?.progress.log).toHaveLength(LOG_LIMIT)

    log.record({ type: 'run-finished', runId, at, outcome: 'canceled', message: 'Canceled', links: [] })
    expect(log.live()).toEqual([])
    const lines = parseLogText(await readFile(runLogPath(dataDir, runId), 'utf8'))
    expect(lines).toHaveLength(LOG_LIMIT + 5 + 2)
    expect(lines[0]?.message).toBe('Upload: started')
    expect(lines.at(-2)?.message).toBe(`line ${LOG_LIMIT + 4}`)
    expect(lines.at(-1)?.message).toBe('Canceled')
  })
})
