import * as z from 'zod'
import { AscentErrorShape } from './errors'

/** The steps of a run, in order (docs/architecture.md, "A publish run"). */
export const StepId = z.enum(['preflight', 'upload', 'processing', 'testflight', 'app-store', 'review'])
export type StepId = z.infer<typeof StepId>
export const STEP_ORDER: readonly StepId[] = StepId.options

/** Each step's title, as the plan, the run's events, the window and the CLI say it. */
export const STEP_TITLES: Readonly<Record<StepId, string>> = {
  preflight: 'Preflight',
  upload: 'Upload',
  processing: 'Processing',
  testflight: 'TestFlight',
  'app-store': 'App Store',
  review: 'App Store review',
}

export const RunOutcome = z.enum([
  'published',
  'submitted-for-review',
  'testflight',
  'uploaded',
  'failed',
  /** Preflight found problems; nothing was sent to App Store Connect, so there is nothing to resume. */
  'refused',
  'canceled',
  'interrupted',
])
export type RunOutcome = z.infer<typeof RunOutcome>

/** Each outcome in a word or two: the headline of a run's status and its History row. */
export const OUTCOME_HEADLINES: Readonly<Record<RunOutcome, string>> = {
  published: 'Published',
  'submitted-for-review': 'Submitted for review',
  testflight: 'In TestFlight',
  uploaded: 'Uploaded',
  failed: 'Failed',
  refused: 'Refused',
  canceled: 'Canceled',
  interrupted: 'Interrupted',
}

export const Link = z.object({ label: z.string(), url: z.string() })
export type Link = z.infer<typeof Link>

const base = { runId: z.string(), at: z.string() }

/** One event stream for the window (IPC), the web bridge and `ascent publish --json` (NDJSON). */
export const PublishEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step-started'), ...base, step: StepId, title: z.string() }),
  z.object({
    type: z.literal('step-progress'),
    ...base,
    step: StepId,
    bytesDone: z.number().optional(),
    bytesTotal: z.number().optional(),
    bytesPerSecond: z.number().optional(),
    etaSeconds: z.number().nullable().optional(),
    /** A state name from App Store Connect, e.g. PROCESSING, WAITING_FOR_REVIEW. */
    state: z.string().optional(),
    message: z.string().optional(),
  }),
  z.object({
    type: z.literal('step-finished'),
    ...base,
    step: StepId,
    summary: z.string(),
    /** Nothing to do (not requested, or already so). */
    skipped: z.boolean().optional(),
    /** Left for a later run: it needs a processed build this run did not wait for; the journal keeps it pending. */
    postponed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('step-failed'), ...base, step: StepId, error: AscentErrorShape }),
  z.object({
    type: z.literal('log'),
    ...base,
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
  }),
  z.object({
    type: z.literal('run-finished'),
    ...base,
    outcome: RunOutcome,
    message: z.string(),
    links: z.array(Link),
  }),
])
export type PublishEvent = z.infer<typeof PublishEvent>
