import * as z from 'zod'
import { BuildSummary, Platform, Problem } from './build-summary'
import { AscentErrorShape } from './errors'
import { KeyMetadata } from './key-metadata'
import { Link, PublishEvent, RunOutcome, StepId } from './publish-events'
import { ReleaseSettings, ReleaseType } from './release-settings'
import { AppStatus, ReleaseAction } from './release-status'
import { ReleaseTransition } from './release-transitions'
import { LogLine, StepView } from './run-progress'
import { ScreenshotProgress, StoreInfo, StoreInfoEdit, StoreTarget } from './store-info'

/**
 * The one contract between the window and the main process. Preload (Electron) and the web bridge
 * are two transports of it; nothing else names a call. Arguments are validated with these schemas on
 * the main side; results are typed by them.
 */

/** A file the user chose or dropped. `id` is what main accepts; `path` is shown only because the user chose it. */
export const FileRef = z.object({
  id: z.string().min(1),
  name: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
})
export type FileRef = z.infer<typeof FileRef>

export const KeychainStatus = z.object({ available: z.boolean(), message: z.string().nullable() })
export type KeychainStatus = z.infer<typeof KeychainStatus>

export const ConnectionInfo = z.object({
  /** sandbox: the built-in local App Store Connect; key: a stored key; env: APP_STORE_CONNECT_* variables. */
  mode: z.enum(['sandbox', 'key', 'env']),
  apiUrl: z.string(),
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  keychain: KeychainStatus,
})
export type ConnectionInfo = z.infer<typeof ConnectionInfo>

export { KeyMetadata }

const keyIdentity = {
  name: z.string().min(1),
  keyId: z.string().optional(),
  issuerId: z.string().optional(),
  individual: z.boolean().optional(),
}
export const AddKeyInput = z.discriminatedUnion('source', [
  z.object({ source: z.literal('file'), file: FileRef, ...keyIdentity }),
  z.object({ source: z.literal('pem'), pem: z.string().min(1), ...keyIdentity }),
  z.object({ source: z.literal('fastlane'), file: FileRef, name: z.string().min(1) }),
  z.object({ source: z.literal('discovered'), discoveredId: z.string(), ...keyIdentity }),
])
export type AddKeyInput = z.infer<typeof AddKeyInput>

export const DiscoveredKey = z.object({
  id: z.string(),
  keyId: z.string(),
  fileName: z.string(),
  folder: z.string(),
})
export type DiscoveredKey = z.infer<typeof DiscoveredKey>

export const BetaGroup = z.object({
  id: z.string(),
  name: z.string(),
  isInternal: z.boolean(),
  publicLinkEnabled: z.boolean().optional(),
})
export type BetaGroup = z.infer<typeof BetaGroup>

export const AppInfo = z.object({
  id: z.string(),
  name: z.string(),
  bundleId: z.string(),
  platforms: z.array(Platform),
  /** The version currently live or in progress, for suggestions (copyright) and the plan. */
  currentVersion: z
    .object({
      id: z.string(),
      versionString: z.string(),
      state: z.string(),
      copyright: z.string().nullable(),
    })
    .nullable(),
  suggestedCopyright: z.string().nullable(),
  link: z.string(),
})
export type AppInfo = z.infer<typeof AppInfo>

export const UploadMethod = z.enum(['auto', 'api', 'altool'])
export type UploadMethod = z.infer<typeof UploadMethod>

export const PublishOptions = z.object({
  uploadMethod: UploadMethod,
  /** 0 = do not wait for processing; steps that need a valid build are skipped and say so. */
  processingTimeoutMs: z.number().int().nonnegative(),
})
export type PublishOptions = z.infer<typeof PublishOptions>
export const defaultPublishOptions: PublishOptions = {
  uploadMethod: 'auto',
  processingTimeoutMs: 30 * 60_000,
}

export const PublishRequest = z.object({ file: FileRef, settings: ReleaseSettings, options: PublishOptions })
export type PublishRequest = z.infer<typeof PublishRequest>

export const PlanStep = z.object({
  step: StepId,
  title: z.string(),
  /** What the step will do against live state, one sentence each ("Create version 2.4.0 (Scheduled …)"). */
  actions: z.array(z.string()),
  skipped: z.boolean(),
})
export type PlanStep = z.infer<typeof PlanStep>

export const PublishPlan = z.object({
  build: BuildSummary,
  app: AppInfo.nullable(),
  steps: z.array(PlanStep),
  /** Preflight findings; any error means Publish is refused. */
  problems: z.array(Problem),
  /** An unfinished run of the same build and settings that Publish would resume. */
  resumesRunId: z.string().nullable(),
  /**
   * The App Store version's What's New, with App Store submission: whether it is an update (notes required)
   * and the locales it has, primary first. Null when not known (no submission, or App Store Connect not read).
   */
  releaseNotes: z
    .object({
      update: z.boolean(),
      locales: z.array(z.string()),
      /** Locales whose version already has What's New in App Store Connect. */
      present: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
})
export type PublishPlan = z.infer<typeof PublishPlan>

export const StepRecord = z.object({
  step: StepId,
  status: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
  summary: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: AscentErrorShape.nullable(),
})
export type StepRecord = z.infer<typeof StepRecord>

/** A run's release settings as the outcome sentence needs them: groups with their kind, how the version goes out. */
export const RunReleaseSummary = z.object({
  submitToTestflight: z.boolean(),
  submitToAppStore: z.boolean(),
  releaseType: ReleaseType,
  earliestReleaseDate: z.string().nullable(),
  phasedRelease: z.boolean().nullable(),
  groups: z.array(z.object({ name: z.string(), isInternal: z.boolean() })),
})
export type RunReleaseSummary = z.infer<typeof RunReleaseSummary>

export const RunRecord = z.object({
  runId: z.string(),
  fileName: z.string(),
  bundleId: z.string(),
  version: z.string(),
  buildNumber: z.string(),
  platform: Platform,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** null while running. */
  outcome: RunOutcome.nullable(),
  message: z.string().nullable(),
  steps: z.array(StepRecord),
  links: z.array(Link),
  /** True when Resume can pick this run up (failed, canceled or interrupted, file still there). */
  resumable: z.boolean(),
  /** The App Store Connect app's name, known once preflight found the app; null before that. */
  appName: z.string().nullable().optional(),
  /** True when the run went to the sandbox (a stand-in App Store Connect), not Apple's. */
  sandbox: z.boolean().optional(),
  /** What the run was asked to do, for the outcome sentence; absent when the groups' kinds are unknown. */
  release: RunReleaseSummary.optional(),
})
export type RunRecord = z.infer<typeof RunRecord>

/**
 * A run going on in the main process, as a window that (re)opens needs it: the run, and its steps, upload
 * bytes and log as main folded them from the run's events.
 */
export const LiveRun = z.object({
  run: RunRecord,
  steps: z.array(StepView),
  /** The whole log so far (earlier attempts of a resumed run included), up to the window's limit. */
  log: z.array(LogLine),
  /** The last event folded in; the window applies only events after it (it may have received some twice). */
  lastEvent: PublishEvent.nullable(),
})
export type LiveRun = z.infer<typeof LiveRun>

/** A run's log file: where it is and its lines (redacted as the events are). */
export const RunLogFile = z.object({ path: z.string(), lines: z.array(LogLine) })
export type RunLogFile = z.infer<typeof RunLogFile>

export const ImportedConfig = z.object({
  file: FileRef,
  workflows: z.array(z.string()),
  workflow: z.string().nullable(),
  settings: ReleaseSettings.nullable(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
})
export type ImportedConfig = z.infer<typeof ImportedConfig>

/** The release settings last used in the window for one app, and the time zone its date was picked in. */
export const RememberedRelease = z.object({
  settings: ReleaseSettings,
  timeZone: z.string().nullable(),
  savedAt: z.string(),
})
export type RememberedRelease = z.infer<typeof RememberedRelease>

export const ExportedConfig = z.object({ text: z.string(), writtenTo: z.string().nullable() })
export type ExportedConfig = z.infer<typeof ExportedConfig>

/** An app the Releases screen watches after submission: its live status and the transitions seen. */
export const WatchedApp = z.object({
  bundleId: z.string(),
  appName: z.string(),
  status: AppStatus.nullable(),
  /** Transitions seen, oldest first. */
  timeline: z.array(ReleaseTransition),
  /** False once nothing is in motion any more (on sale, rejection acknowledged, removed). */
  watching: z.boolean(),
  /** Rejected versions the user has seen: they no longer keep the app watched. */
  acknowledged: z.array(z.string()),
  lastCheckedAt: z.string().nullable(),
  lastChangeAt: z.string(),
  nextCheckAt: z.string().nullable(),
  /** The last read's failure in words; null when it worked. */
  error: z.string().nullable(),
})
export type WatchedApp = z.infer<typeof WatchedApp>

const ReleaseActionRequest = z.object({
  bundleId: z.string().min(1),
  versionString: z.string().min(1),
  action: ReleaseAction,
  /** Which platform's version: an app on iOS and tvOS can have 1.1 on both. */
  platform: Platform.optional(),
})
type ReleaseActionRequest = z.infer<typeof ReleaseActionRequest>

/** Images for one screenshot slot, or (displayType null) each for the slot its pixel size names. */
const ScreenshotUpload = z.object({
  displayType: z.string().nullable(),
  files: z.array(FileRef).min(1),
})

const none = z.tuple([])
const ok = z.object({ ok: z.literal(true) })

/** Every call, once: its argument tuple and its result. */
export const calls = {
  getConnection: { args: none, result: ConnectionInfo },
  chooseBuild: { args: none, result: FileRef.nullable() },
  inspectBuild: { args: z.tuple([FileRef]), result: BuildSummary },
  findApp: { args: z.tuple([z.string().min(1), Platform]), result: AppInfo.nullable() },
  listBetaGroups: { args: z.tuple([z.string().min(1)]), result: z.array(BetaGroup) },
  /** Sandbox only: creates the app record for a bundle id (with two internal and two external groups). */
  addSandboxApp: {
    args: z.tuple([z.object({ bundleId: z.string().min(1), platform: Platform })]),
    result: AppInfo,
  },
  planPublish: { args: z.tuple([PublishRequest]), result: PublishPlan },
  startPublish: { args: z.tuple([PublishRequest]), result: z.object({ runId: z.string() }) },
  cancelPublish: { args: z.tuple([z.string()]), result: ok },
  resumePublish: { args: z.tuple([z.string()]), result: z.object({ runId: z.string() }) },
  listRuns: { args: none, result: z.array(RunRecord) },
  getRun: { args: z.tuple([z.string()]), result: RunRecord },
  /** The run going on in this process (the latest started, if several), or null. */
  getLiveRun: { args: none, result: LiveRun.nullable() },
  getRunLog: { args: z.tuple([z.string()]), result: RunLogFile },
  /** Shows the run's log file in the file manager where there is one (Electron); `revealed` false: say `path`. */
  revealRunLog: {
    args: z.tuple([z.string()]),
    result: z.object({ path: z.string(), revealed: z.boolean() }),
  },
  keychainStatus: { args: none, result: KeychainStatus },
  listKeys: { args: none, result: z.array(KeyMetadata) },
  discoverKeys: { args: none, result: z.array(DiscoveredKey) },
  addKey: { args: z.tuple([AddKeyInput]), result: KeyMetadata },
  testKey: { args: z.tuple([z.string()]), result: KeyMetadata },
  removeKey: { args: z.tuple([z.string()]), result: ok },
  chooseConfigFile: { args: none, result: FileRef.nullable() },
  importConfig: { args: z.tuple([FileRef, z.string().nullable()]), result: ImportedConfig },
  /** The settings remembered for an app (bundle id + platform), or null. */
  recallRelease: { args: z.tuple([z.string().min(1), Platform]), result: RememberedRelease.nullable() },
  rememberRelease: {
    args: z.tuple([
      z.string().min(1),
      Platform,
      z.object({ settings: ReleaseSettings, timeZone: z.string().nullable() }),
    ]),
    result: ok,
  },
  exportConfig: {
    args: z.tuple([
      z.object({ file: FileRef.nullable(), workflow: z.string().nullable(), settings: ReleaseSettings }),
    ]),
    result: ExportedConfig,
  },
  listWatchedApps: { args: none, result: z.array(WatchedApp) },
  watchApp: { args: z.tuple([z.string().min(1)]), result: WatchedApp },
  unwatchApp: { args: z.tuple([z.string().min(1)]), result: ok },
  releaseAction: { args: z.tuple([ReleaseActionRequest]), result: WatchedApp },
  acknowledgeRejection: { args: z.tuple([z.string().min(1), z.string().min(1)]), result: WatchedApp },
  /** The version's App Store information and what App Review still needs (readiness). */
  getStoreInfo: { args: z.tuple([StoreTarget]), result: StoreInfo },
  /** Sends the changed fields (checked first: length limits, URLs; nothing sent when one is refused). */
  saveStoreInfo: { args: z.tuple([StoreTarget, StoreInfoEdit]), result: StoreInfo },
  /** Checks the images' sizes locally, then uploads them one by one ('screenshot-progress' app events). */
  uploadScreenshots: { args: z.tuple([StoreTarget, ScreenshotUpload]), result: StoreInfo },
  deleteScreenshot: { args: z.tuple([StoreTarget, z.string().min(1)]), result: StoreInfo },
  /** The slot's screenshots in the given order (every id of the set). */
  reorderScreenshots: {
    args: z.tuple([StoreTarget, z.object({ setId: z.string().min(1), ids: z.array(z.string().min(1)) })]),
    result: StoreInfo,
  },
} as const

type Calls = typeof calls
export type CallName = keyof Calls
export type CallArgs<N extends CallName> = z.infer<Calls[N]['args']>
export type CallResult<N extends CallName> = z.infer<Calls[N]['result']>
export const CALL_NAMES = Object.keys(calls) as CallName[]

/** What a transport carries back for a call. */
export type CallReply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AscentErrorShape }

/**
 * Events main sends the window besides publish progress: menu commands, files opened from the OS, a
 * watched app's new status and each release transition (a notification clicked opens Releases at it).
 */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open-build'), file: FileRef }),
  z.object({
    type: z.literal('navigate'),
    screen: z.enum(['publish', 'history', 'keys', 'releases']),
    bundleId: z.string().optional(),
  }),
  z.object({ type: z.literal('release-status'), app: WatchedApp }),
  z.object({ type: z.literal('release-transition'), transition: ReleaseTransition }),
  z.object({ type: z.literal('menu'), command: z.enum(['import-config', 'export-config']) }),
  ScreenshotProgress,
])
export type AppEvent = z.infer<typeof AppEvent>

export const events = { publish: PublishEvent, app: AppEvent } as const
export type EventName = keyof typeof events

export type Unsubscribe = () => void

/** A dropped or chosen file in the window: a DOM File in both transports. */
export interface DroppedFile extends Blob {
  readonly name: string
}

export type AscentCalls = { readonly [N in CallName]: (...args: CallArgs<N>) => Promise<CallResult<N>> }

/** Exactly what the window sees as `window.ascent`. */
export interface AscentApi extends AscentCalls {
  readonly transport: 'electron' | 'web'
  /** Turns a dropped or <input type=file> File into a FileRef main will accept. */
  fileFromDrop(file: DroppedFile): Promise<FileRef>
  onPublishEvent(listener: (event: PublishEvent) => void): Unsubscribe
  onAppEvent(listener: (event: AppEvent) => void): Unsubscribe
}

/** The error a call rejects with in the window: the typed shape, as an Error. */
export class AscentCallError extends Error {
  readonly code: AscentErrorShape['code']
  readonly detail: string | undefined
  constructor(shape: AscentErrorShape) {
    super(shape.message)
    this.name = 'AscentCallError'
    this.code = shape.code
    this.detail = shape.detail
  }
  /**
   * Errors lose their class crossing a boundary: Electron's contextBridge keeps only an Error's message,
   * so preload rejects with the plain shape `{ name: 'AscentCallError', code, message, detail }`, and the
   * web bridge's script is a bundle of its own with its own copy of this class. Both still pass
   * `instanceof AscentCallError`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false
    const candidate = value as { name?: unknown; code?: unknown; message?: unknown }
    return (
      candidate.name === 'AscentCallError' &&
      typeof candidate.code === 'string' &&
      typeof candidate.message === 'string'
    )
  }
}
