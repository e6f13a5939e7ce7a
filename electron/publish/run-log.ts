import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PublishEvent } from '../../shared/publish-events'
import {
  applyEvent,
  formatLogLine,
  initialSteps,
  LOG_LIMIT,
  parseLogText,
  stepsNotRequested,
  type LogLine,
  type RunProgress,
} from '../../shared/run-progress'
import { JOURNAL_FILE, RunJournal, runDir } from './journal'

/** Beside the run's journal: the run's log as the window shows it, one line per entry, every attempt. */
const LOG_FILE = 'log.txt'

export function runLogPath(dataDir: string, runId: string): string {
  return join(runDir(dataDir, runId), LOG_FILE)
}

/** A run being executed in this process, as a window watching it from the start would show it. */
interface LiveProgress {
  readonly progress: RunProgress
  readonly lastEvent: PublishEvent
  readonly startedAt: number
}

/**
 * Folds every event the publisher emits (already redacted) into the run's steps and log, the window's way,
 * and appends each new log line to the run's log file. Keeps the runs going in this process, so a window
 * that reloads or reopens is handed them whole.
 */
export interface RunLog {
  record(event: PublishEvent): void
  /** Runs going on in this process, the latest started last. */
  live(): readonly LiveProgress[]
}

export function createRunLog(
  dataDir: string,
  options: { readonly now?: () => number; readonly onError?: (error: unknown) => void } = {},
): RunLog {
  const now = options.now ?? Date.now
  const runs = new Map<string, LiveProgress>()

  function begin(runId: string): RunProgress {
    const journal = readJournalSync(dataDir, runId)
    const skipped = new Set(journal ? stepsNotRequested(journal.settings) : [])
    return {
      runId,
      steps: initialSteps([...skipped].map((step) => ({ step, actions: [], skipped: true }))),
      // A resumed run's log goes on from its earlier attempts.
      log: readLogSync(dataDir, runId).slice(-LOG_LIMIT),
      outcome: null,
      message: null,
      links: [],
      finishedAt: null,
      resumable: false,
    }
  }

  function append(runId: string, lines: readonly LogLine[]): void {
    if (lines.length === 0) return
    try {
      const file = runLogPath(dataDir, runId)
      mkdirSync(join(file, '..'), { recursive: true })
      // Synchronous: lines land in event order, and all of them before a CLI exits after run-finished.
      appendFileSync(file, lines.map((l) => formatLogLine(l) + '\n').join(''))
    } catch (error) {
      // A log that cannot be written must not stop the run; the journal is what resume relies on.
      options.onError?.(error)
    }
  }

  return {
    record(event) {
      const known = runs.get(event.runId)
      const before = known?.progress ?? begin(event.runId)
      const after = applyEvent(before, event)
      append(event.runId, newLines(before.log, after.log))
      if (event.type === 'run-finished') runs.delete(event.runId)
      else runs.set(event.runId, { progress: after, lastEvent: event, startedAt: known?.startedAt ?? now() })
    },
    live() {
      return [...runs.values()].sort((a, b) => a.startedAt - b.startedAt)
    },
  }
}

/** The lines `after` added to `before` (the log keeps its latest LOG_LIMIT lines, so compare from the end). */
function newLines(before: readonly LogLine[], after: readonly LogLine[]): readonly LogLine[] {
  if (after === before) return []
  const added = after.length - before.length
  if (added > 0) return after.slice(before.length)
  // At the limit: one line in, one line out.
  return after.length > 0 && after[after.length - 1] !== before[before.length - 1] ? after.slice(-1) : []
}

function readJournalSync(dataDir: string, runId: string): RunJournal | null {
  try {
    const parsed = RunJournal.safeParse(
      JSON.parse(readFileSync(join(runDir(dataDir, runId), JOURNAL_FILE), 'utf8')),
    )
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function readLogSync(dataDir: string, runId: string): LogLine[] {
  try {
    return parseLogText(readFileSync(runLogPath(dataDir, runId), 'utf8'))
  } catch {
    return []
  }
}

/** A run's log file, read whole; a run that logged nothing yet has no lines. */
export async function readRunLog(dataDir: string, runId: string): Promise<LogLine[]> {
  try {
    return parseLogText(await readFile(runLogPath(dataDir, runId), 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}
