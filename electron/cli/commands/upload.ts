import { createHash, randomUUID } from 'node:crypto'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { AscentError, toErrorShape } from '../../../shared/errors'
import type { PublishEvent } from '../../../shared/publish-events'
import { findAppByBundleId } from '../../asc/apps'
import { createAscClient, type AscClient } from '../../asc/client'
import { inspectBuild } from '../../ipa'
import { configDir, dataDir } from '../../app-dirs'
import { resolveCredentials } from '../../keys/credentials'
import { createKeyService } from '../../keys/key-service'
import { createKeytarStore } from '../../keys/keytar-store'
import { createAscBuildUploadApi, createUploader, type UploadMethod, type UploadProgress } from '../../upload'
import { ExitCode, printJson, runCommand } from '../cli-output'
import { apiUrlOption, nameOption, optionalIntegerOption, uploadMethodOption } from '../option-values'

interface UploadCommandOptions {
  uploadMethod?: string
  /** Hidden alias of --upload-method, the name `publish` uses too. */
  method?: string
  json?: boolean
  key?: string
  apiUrl?: string
  concurrency?: string
  resumeDir?: string
}

/** A PublishEvent without its run id and time (Omit distributed over the union). */
type EventBody = PublishEvent extends infer E
  ? E extends PublishEvent
    ? Omit<E, 'runId' | 'at'>
    : never
  : never

export function registerUploadCommand(program: Command): void {
  program
    .command('upload')
    .description('Upload a build (.ipa or .pkg) to App Store Connect, and nothing else')
    .argument('<file>', 'the .ipa or .pkg')
    .option(
      '--upload-method <method>',
      'auto (altool on a Mac with Xcode, else the Build Upload API), api or altool (default: auto)',
    )
    .addOption(new Option('--method <method>').hideHelp())
    .option('--json', 'print NDJSON progress events (the shape of `ascent publish --json`)')
    .option('--key <keyId>', 'which stored key to use (when the APP_STORE_CONNECT_* variables are not set)')
    .option('--api-url <url>', 'App Store Connect base URL (default: ASCENT_API_URL, else Apple)')
    .option('--concurrency <n>', 'parts in flight for the Build Upload API', '4')
    .option(
      '--journal-dir <dir>',
      'where the resume journal lives (default: uploads/ in the data directory, one per file, server and account)',
    )
    .action((file: string, options: UploadCommandOptions) =>
      runCommand(
        () => uploadCommand(file, options),
        () => file,
      ),
    )
}

async function uploadCommand(file: string, options: UploadCommandOptions): Promise<number> {
  const method: UploadMethod = uploadMethodOption(options)
  const concurrency = optionalIntegerOption('--concurrency', options.concurrency, { min: 1, max: 32 }) ?? 4
  const apiUrl = apiUrlOption(options.apiUrl)
  nameOption('--key', options.key)
  const summary = await inspectBuild(file)
  const credentials = await resolveCredentials({
    env: process.env,
    keyService: createKeyService({ store: createKeytarStore(), configDir: configDir(), apiUrl }),
    keyId: options.key,
  })
  const client = createAscClient({ baseUrl: apiUrl, tokens: credentials.tokens })
  const appId = await findAppId(client, summary.bundleId)
  const resumeDir =
    options.resumeDir ??
    defaultJournalDir(summary.file, apiUrl, credentials.issuerId ?? `individual key ${credentials.keyId}`)

  const uploader = await createUploader({
    method,
    apiUrl,
    api: { api: createAscBuildUploadApi(client), resumeDir, concurrency },
    altool: { credentials },
  })

  const runId = `upload-${randomUUID()}`
  const emit = (event: EventBody): void => {
    if (options.json) printJson({ ...event, runId, at: new Date().toISOString() })
  }
  const controller = new AbortController()
  const onSignal = (): void => controller.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const human = options.json ? null : createHumanProgress()
  emit({
    type: 'step-started',
    step: 'upload',
    title: `Upload ${path.basename(summary.file)} (${uploader.method === 'api' ? 'Build Upload API' : 'xcrun altool'})`,
  })
  try {
    const result = await uploader.upload(
      { ...summary, appId },
      {
        signal: controller.signal,
        onProgress: (p) => {
          emit({
            type: 'step-progress',
            step: 'upload',
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal,
            bytesPerSecond: p.bytesPerSecond,
            etaSeconds: p.etaSeconds,
            message: p.phase,
          })
          human?.update(p)
        },
      },
    )
    human?.done()
    const id =
      result.method === 'api'
        ? `build upload ${result.buildUploadId}`
        : `delivery ${result.deliveryId || '(no id)'}`
    const summaryText = `uploaded ${summary.bundleId} ${summary.version} (${summary.buildNumber}) with ${result.method}: ${id}`
    emit({ type: 'step-finished', step: 'upload', summary: summaryText })
    emit({ type: 'run-finished', outcome: 'uploaded', message: summaryText, links: [] })
    if (!options.json) process.stdout.write(summaryText + '\n')
    return ExitCode.ok
  } catch (error) {
    human?.done()
    const shape = toErrorShape(error)
    emit({ type: 'step-failed', step: 'upload', error: shape })
    emit({
      type: 'run-finished',
      outcome: shape.code === 'CANCELED' ? 'canceled' : 'failed',
      message: shape.message,
      links: [],
    })
    throw error
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}

async function findAppId(client: AscClient, bundleId: string): Promise<string> {
  const id = (await findAppByBundleId(client, bundleId))?.id
  if (!id) {
    throw new AscentError(
      'NOT_FOUND',
      `App Store Connect has no app with bundle id ${bundleId}; create the app record (Apps → + → New App) before uploading`,
    )
  }
  return id
}

/**
 * One journal directory per file, App Store Connect server and account (team, or individual key), so `ascent
 * upload` run again after Ctrl-C or a crash resumes, and an upload to another server or team never picks up
 * this one's upload ids. In the data directory: it must outlive a reboot, and the temp dir is shared.
 */
function defaultJournalDir(file: string, apiUrl: string, account: string): string {
  const key = JSON.stringify({ file: path.resolve(file), server: apiUrl.replace(/\/+$/, ''), account })
  const id = createHash('sha256').update(key).digest('hex').slice(0, 32)
  return path.join(dataDir(), 'uploads', id)
}

function createHumanProgress(): { update(p: UploadProgress): void; done(): void } {
  const tty = process.stderr.isTTY
  let lastPercent = -10
  let lastPhase = ''
  let drawn = false
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1)
  return {
    update(p) {
      const percent = p.bytesTotal > 0 ? Math.floor((p.bytesDone * 100) / p.bytesTotal) : 0
      const line =
        p.phase === 'sending' || p.phase === 'preparing'
          ? `uploading: ${percent}% (${mb(p.bytesDone)} of ${mb(p.bytesTotal)} MB, ${mb(p.bytesPerSecond)} MB/s${p.etaSeconds === null ? '' : `, ${p.etaSeconds} s left`})`
          : p.phase === 'committing'
            ? 'uploading: committing the file'
            : 'uploading: waiting for App Store Connect to accept the file'
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`)
        drawn = true
      } else if (percent >= lastPercent + 10 || p.phase !== lastPhase) {
        process.stderr.write(line + '\n')
        lastPercent = percent
      }
      lastPhase = p.phase
    },
    done() {
      if (drawn) process.stderr.write('\n')
      drawn = false
    },
  }
}
