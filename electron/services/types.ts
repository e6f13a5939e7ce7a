import type { ReleaseWatcher } from '../status/watcher'
import type { Publisher } from '../publish/types'
import type { BuildSummary, Platform } from '../../shared/build-summary'
import type {
  AddKeyInput,
  AppInfo,
  BetaGroup,
  CallArgs,
  CallName,
  CallResult,
  ConnectionInfo,
  DiscoveredKey,
  ExportedConfig,
  ImportedConfig,
  KeychainStatus,
  KeyMetadata,
  LiveRun,
  RememberedRelease,
  RunLogFile,
} from '../../shared/ipc'
import type { ReleaseSettings } from '../../shared/release-settings'
import type { EventHub } from './event-hub'
import type { FileRegistry } from './file-registry'
import type { StoreInfoService } from './store-info'

/** What a file picker is for; the Electron dialog filters by it. */
export type PickKind = 'build' | 'config'

/** What the transport knows about the caller and can do for it. */
export interface CallContext {
  /**
   * Opens the OS file picker (Electron's dialog) and returns the chosen path, or null when the person
   * cancelled. Absent where there is no picker (the web bridge: the page uses <input type=file> + fileFromDrop).
   */
  readonly pickFile?: (kind: PickKind) => Promise<string | null>
  /** Shows a file in the OS file manager (Electron's shell); absent where there is none (the web bridge). */
  readonly revealFile?: (path: string) => void
}

type CallHandler<N extends CallName> = (ctx: CallContext, ...args: CallArgs<N>) => Promise<CallResult<N>>
export type CallHandlers = { readonly [N in CallName]: CallHandler<N> }

interface BuildService {
  inspect(path: string): Promise<BuildSummary>
}

export interface ConnectionService {
  /** Which App Store Connect Ascent talks to, and with which key; starts the sandbox when nothing else is set. */
  info(): Promise<ConnectionInfo>
}

interface KeysService {
  keychainStatus(): Promise<KeychainStatus>
  list(): Promise<readonly KeyMetadata[]>
  discover(): Promise<readonly DiscoveredKey[]>
  /** A FileRef inside is resolved through the FileRegistry (unknown id: BAD_INPUT). */
  add(input: AddKeyInput): Promise<KeyMetadata>
  test(keyId: string): Promise<KeyMetadata>
  remove(keyId: string): Promise<void>
}

export interface AppLookupService {
  findApp(bundleId: string, platform: Platform): Promise<AppInfo | null>
  listBetaGroups(appId: string): Promise<readonly BetaGroup[]>
}

/** What a window that (re)opens needs of the runs: the one going on here, and any run's log file. */
interface RunLogService {
  live(): Promise<LiveRun | null>
  read(runId: string): Promise<RunLogFile>
}

export interface ConfigService {
  /** The window's release settings for an app (bundle id + platform), kept in the data directory. */
  recallRelease(bundleId: string, platform: Platform): Promise<RememberedRelease | null>
  rememberRelease(bundleId: string, platform: Platform, release: RememberedRelease): Promise<void>
  importConfig(path: string, workflow: string | null): Promise<Omit<ImportedConfig, 'file'>>
  /** Writes into `path` when given (comments kept), else only renders the text. */
  exportConfig(
    path: string | null,
    workflow: string | null,
    settings: ReleaseSettings,
  ): Promise<ExportedConfig>
}

/** Everything the contract's handlers need; built once by createServices for both main.ts and `ascent web`. */
export interface AscentServices {
  readonly files: FileRegistry
  readonly events: EventHub
  readonly builds: BuildService
  readonly connection: ConnectionService
  readonly keys: KeysService
  readonly apps: AppLookupService
  /** The App Store information panel: readiness, text, categories, review contact, screenshots. */
  readonly storeInfo: StoreInfoService
  /** The pipeline; its progress also goes to `events` ('publish'). */
  readonly publisher: Publisher
  readonly config: ConfigService
  readonly runLogs: RunLogService
  /** Watches apps after submission (null where nothing watches, e.g. a bare test composition). */
  readonly releases?: ReleaseWatcher | null
  close(): Promise<void>
}
