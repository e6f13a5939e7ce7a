import { writeFileAtomic } from '../atomic-write'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as z from 'zod'
import { BuildSummary } from '../../shared/build-summary'
import { PublishOptions, StepRecord } from '../../shared/ipc'
import { Link, RunOutcome, STEP_ORDER } from '../../shared/publish-events'
import { ReleaseSettings } from '../../shared/release-settings'

/**
 * A run's journal: everything needed to resume it in another process after a crash or kill -9.
 * Written atomically (temp file + rename) after every sub-step, before the next one starts, so the
 * file on disk is always a consistent "done up to here".
 */

/** Sub-steps in execution order; each belongs to one of the six StepIds. */
export const SubstepId = z.enum([
  'upload',
  'processing',
  'export-compliance',
  'what-to-test',
  'expire-previous',
  'beta-groups',
  'beta-review',
  'cancel-previous',
  'version',
  'whats-new',
  'phased-release',
  'metadata',
  'version-build',
  'review-submission',
  'review-item',
  'review-submit',
])
export type SubstepId = z.infer<typeof SubstepId>

export const SubstepRecord = z.object({
  /** started: it may have acted (check before acting again); done/skipped: never run again. */
  status: z.enum(['started', 'done', 'skipped']),
  at: z.string(),
  note: z.string().nullable(),
})
export type SubstepRecord = z.infer<typeof SubstepRecord>

/** Ids learned on the way (what the next sub-step, a resume, the history and links need). */
export const RunIds = z.object({
  appId: z.string().optional(),
  appName: z.string().optional(),
  /** The run talked to a stand-in App Store Connect (the sandbox), not Apple's: its ids mean nothing on Apple's site. */
  sandbox: z.boolean().optional(),
  primaryLocale: z.string().optional(),
  buildUploadId: z.string().optional(),
  deliveryId: z.string().optional(),
  buildId: z.string().optional(),
  buildState: z.string().optional(),
  betaLocalizationId: z.string().optional(),
  expiredBuildIds: z.array(z.string()).optional(),
  groupIds: z.array(z.string()).optional(),
  /** The requested groups as preflight found them, with their kind (internal ones skip beta review). */
  groups: z.array(z.object({ name: z.string(), isInternal: z.boolean() })).optional(),
  betaReviewSubmissionId: z.string().optional(),
  canceledSubmissionIds: z.array(z.string()).optional(),
  versionId: z.string().optional(),
  /** The version was created by this run (so it cannot have a phased release we did not make). */
  versionCreated: z.boolean().optional(),
  /** The build this run attached to the version (with the version itself, or on its own once processed). */
  versionBuildId: z.string().optional(),
  phasedReleaseId: z.string().optional(),
  reviewSubmissionId: z.string().optional(),
  reviewItemId: z.string().optional(),
})
export type RunIds = z.infer<typeof RunIds>

export const FileIdentity = z.object({
  path: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  mtimeMs: z.number(),
  /** SHA-256 of the contents, hex: known once a later start had to tell a moved copy from another file. */
  sha256: z.string().optional(),
})
export type FileIdentity = z.infer<typeof FileIdentity>

export const RunJournal = z.object({
  schema: z.literal(1),
  runId: z.string(),
  /** Same build (bundle id, platform, version, build number) + same settings = same key: publishing it again resumes this run. */
  runKey: z.string(),
  file: FileIdentity,
  settings: ReleaseSettings,
  options: PublishOptions,
  build: BuildSummary,
  /** The process running it, to tell "running elsewhere" from "interrupted". */
  pid: z.number().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: RunOutcome.nullable(),
  message: z.string().nullable(),
  steps: z.array(StepRecord),
  substeps: z.partialRecord(SubstepId, SubstepRecord),
  ids: RunIds,
  links: z.array(Link),
  /**
   * A later run (with other settings) took this unfinished run's upload over: this one is no longer resumed or
   * offered for resume, and the later one carries on from the build.
   */
  supersededBy: z.string().optional(),
  /**
   * The finished run whose upload this run goes on from (the same file, other settings): its `upload` sub-step is
   * that run's, copied, and counts as nothing this run changed in App Store Connect.
   */
  uploadedBy: z.string().optional(),
  /** API requests this run sent, over all its attempts (resumes add up). */
  requests: z.number().int().nonnegative().default(0),
})
export type RunJournal = z.infer<typeof RunJournal>

export const JOURNAL_FILE = 'journal.json'

export function runsDir(dataDir: string): string {
  return join(dataDir, 'runs')
}

export function runDir(dataDir: string, runId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(runId)) throw new Error(`not a run id: ${runId}`)
  return join(runsDir(dataDir), runId)
}

/** One per run key while a process starts or runs it: the cross-process guard against two runs of one build. */
export function runLockPath(dataDir: string, runKey: string): string {
  if (!/^[0-9a-f]+$/.test(runKey)) throw new Error(`not a run key: ${runKey}`)
  return join(runsDir(dataDir), `${runKey}.lock`)
}

/** Sortable and unique: 20260101T120000Z-1a2b3c. */
export function newRunId(nowMs: number): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${randomBytes(3).toString('hex')}`
}

export function emptySteps(): StepRecord[] {
  return STEP_ORDER.map((step) => ({
    step,
    status: 'pending' as const,
    summary: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  }))
}

/** `record`'s keys in the order `order` gives (the rest after), whatever order they were set in. */
function ordered<T extends object>(record: T, order: readonly string[]): T {
  const keys = Object.keys(record).sort((a, b) => rank(order, a) - rank(order, b))
  return Object.fromEntries(keys.map((k) => [k, record[k as keyof T]])) as T
}

function rank(order: readonly string[], key: string): number {
  const i = order.indexOf(key)
  return i === -1 ? order.length : i
}

/**
 * The journal as written: sub-steps in execution order and ids in schema order, so the file does not depend on
 * which of two steps running side by side finished first.
 */
function canonical(journal: RunJournal): RunJournal {
  return {
    ...journal,
    substeps: ordered(journal.substeps, SubstepId.options),
    ids: ordered(journal.ids, RunIds.keyof().options),
  }
}

export async function writeJournal(dataDir: string, journal: RunJournal): Promise<void> {
  const dir = runDir(dataDir, journal.runId)
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, JOURNAL_FILE), JSON.stringify(canonical(journal), null, 2) + '\n')
}

type JournalRead =
  | { readonly kind: 'ok'; readonly journal: RunJournal }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly file: string }

/** missing: no journal (yet); damaged: there is one but it does not parse (disk error, another version's). */
async function readJournalFile(dataDir: string, runId: string): Promise<JournalRead> {
  const file = join(runDir(dataDir, runId), JOURNAL_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? { kind: 'missing' }
      : { kind: 'damaged', file }
  }
  try {
    const parsed = RunJournal.safeParse(JSON.parse(text))
    return parsed.success ? { kind: 'ok', journal: parsed.data } : { kind: 'damaged', file }
  } catch {
    return { kind: 'damaged', file }
  }
}

export async function readJournal(dataDir: string, runId: string): Promise<RunJournal | null> {
  const read = await readJournalFile(dataDir, runId)
  return read.kind === 'ok' ? read.journal : null
}

/** Every run folder's journal: the readable ones newest first, and the damaged ones (for History to show). */
export async function readRunJournals(
  dataDir: string,
): Promise<{ journals: RunJournal[]; damaged: { runId: string; file: string }[] }> {
  let names: string[]
  try {
    names = await readdir(runsDir(dataDir))
  } catch {
    return { journals: [], damaged: [] }
  }
  const ids = names.filter((n) => /^[A-Za-z0-9-]+$/.test(n))
  const reads = await Promise.all(
    ids.map(async (runId) => ({ runId, read: await readJournalFile(dataDir, runId) })),
  )
  const journals: RunJournal[] = []
  const damaged: { runId: string; file: string }[] = []
  for (const { runId, read } of reads) {
    if (read.kind === 'ok') journals.push(read.journal)
    else if (read.kind === 'damaged') damaged.push({ runId, file: read.file })
  }
  journals.sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1,
  )
  return { journals, damaged }
}

/** Every readable journal, newest first. Damaged ones are left out (readRunJournals reports them). */
export async function readAllJournals(dataDir: string): Promise<RunJournal[]> {
  return (await readRunJournals(dataDir)).journals
}
