import type { BuildSummary } from '../../shared/build-summary'
import type {
  FileRef,
  PublishOptions,
  PublishPlan,
  RunRecord,
  Unsubscribe,
  UploadMethod,
} from '../../shared/ipc'
import type { PublishEvent } from '../../shared/publish-events'
import type { ReleaseSettings } from '../../shared/release-settings'
import type { Build } from '../asc/builds'
import type { AscClientOptions } from '../asc/client'
import type { TokenSource } from '../asc/token'
import type { AltoolCredentials } from '../upload/altool-uploader'
import type { Uploader } from '../upload/types'
import type { PublishConnection } from './connection'
import type { RunJournal } from './journal'
import type { RunLog } from './run-log'

/** A publish request as the pipeline receives it: the build's real path plus what the window (or CLI) sent. */
export interface PublishJob {
  readonly file: FileRef
  readonly filePath: string
  readonly settings: ReleaseSettings
  readonly options: PublishOptions
}

/** Where App Store Connect is and how requests are signed, for one run (the settings may name an integration key). */
export interface RunCredentials {
  readonly apiUrl: string
  readonly tokens: TokenSource
  /**
   * The key for altool (it takes the .p8 as a file), its PEM read only when altool runs. Without it the
   * upload uses the Build Upload API; `altool` is refused.
   */
  readonly signingKey?: AltoolCredentials
}

interface UploaderRequest {
  readonly method: UploadMethod
  readonly connection: PublishConnection
  readonly credentials: RunCredentials
  /** The run's own folder: the uploader keeps its resumable journal here. */
  readonly resumeDir: string
  /**
   * The build as the upload's last answer included it (the Build Upload API's answers do): the processing wait
   * starts from its state instead of asking again.
   */
  readonly onBuild?: (build: Build) => void
}
export interface UploaderFactory {
  (request: UploaderRequest): Uploader | Promise<Uploader>
  /** Which uploader `method` picks for these credentials, so the plan can say it before the run. */
  methodFor?(method: UploadMethod, credentials: RunCredentials): Promise<'api' | 'altool'>
}

export interface PollIntervals {
  /** Shortest wait between two looks at a build or a cancellation; later waits grow with the time waited. */
  readonly initialMs: number
  /** The backoff stops growing here (Apple's processing takes minutes). */
  readonly maxMs: number
}

export interface PublisherDeps {
  readonly dataDir: string
  readonly credentials: (settings: ReleaseSettings) => Promise<RunCredentials>
  readonly uploaderFactory: UploaderFactory
  readonly inspect: (path: string) => Promise<BuildSummary>
  readonly fetch?: typeof fetch
  /** Local clock (ms). App Store Connect's own clock is read from its Date header for the date rule. */
  readonly now?: () => number
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Default 5 s growing to 30 s. */
  readonly pollIntervals?: PollIntervals
  /** How long to wait for canceled review submissions to leave CANCELING; default 10 min. */
  readonly cancelTimeoutMs?: number
  /**
   * Resuming an interrupted altool upload: how long to look for the build in App Store Connect before running
   * altool again (altool has no resumable state; Apple lists a delivered build only after a while); default 3 min.
   */
  readonly altoolResumeWaitMs?: number
  /** Passed to the App Store Connect client (retry policy, timeouts); tests shorten them. */
  readonly client?: Partial<Pick<AscClientOptions, 'retry' | 'timeoutMs' | 'random'>>
  /** Writes a run's journal (default: journal.ts writeJournal); tests inject a failing disk. */
  readonly writeJournal?: (dataDir: string, journal: RunJournal) => Promise<void>
  /** Folds the run's events into its log file and live view (default: one over `dataDir`); the window's services share it. */
  readonly runLog?: RunLog
}

export interface Publisher {
  /** Preflight and plan against live state; sends nothing that changes anything. */
  plan(job: PublishJob): Promise<PublishPlan>
  /** Starts a run, or resumes the unfinished run of the same file and settings; resolves once it is under way. */
  start(job: PublishJob): Promise<{ readonly runId: string }>
  resume(runId: string): Promise<{ readonly runId: string }>
  /** Asks the run to stop at the next safe point; its run-finished event says what was done. */
  cancel(runId: string): Promise<void>
  listRuns(): Promise<readonly RunRecord[]>
  getRun(runId: string): Promise<RunRecord>
  /** Resolves when the run (started or resumed in this process) has finished; immediately for a finished one. */
  wait(runId: string): Promise<RunRecord>
  onEvent(listener: (event: PublishEvent) => void): Unsubscribe
}
