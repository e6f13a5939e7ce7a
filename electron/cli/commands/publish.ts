import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { AscentError, toErrorShape } from '../../../shared/errors'
import type { PublishOptions, PublishPlan, RunRecord } from '../../../shared/ipc'
import type { PublishEvent, StepId } from '../../../shared/publish-events'
import { parseReleaseSettings, type ReleaseSettings } from '../../../shared/release-settings'
import { stepsNotRequested } from '../../../shared/run-progress'
import { readReleaseConfig } from '../../config/codemagic-file'
import { APPLE_API_URL } from '../../asc/client'
import { inspectBuild } from '../../ipa'
import { configDir, dataDir } from '../../app-dirs'
import { resolveCredentials } from '../../keys/credentials'
import { createKeyService } from '../../keys/key-service'
import { createKeytarStore } from '../../keys/keytar-store'
import { defaultUploaderFactory } from '../../publish/default-uploader'
import { wantsTestflight } from '../../publish/preflight'
import { formatBytes } from '../../../shared/format-bytes'
import { readJournal } from '../../publish/journal'
import { createPublisher } from '../../publish/publisher'
import type { PublishJob, RunCredentials } from '../../publish/types'
import { writeCiReport } from '../ci-report'
import { paint } from '../terminal'
import { ExitCode, exitCodeFor, printJson, runCommand } from '../cli-output'
import { apiUrlOption, nameOption, optionalIntegerOption, uploadMethodOption } from '../option-values'

interface PublishFlags {
  config?: string
  workflow?: string
  testflight?: boolean
  betaGroup?: string[]
  expireBuildSubmittedForReview?: boolean
  /** Hidden alias of --expire-build-submitted-for-review (the YAML key's name). */
  expirePrevious?: boolean
  whatToTest?: string
  appStore?: boolean
  releaseType?: string
  earliestReleaseDate?: string
  copyright?: string
  whatsNew?: string
  phasedRelease?: boolean
  cancelPreviousSubmissions?: boolean
  usesNonExemptEncryption?: boolean
  metadata?: string
  plan?: boolean
  json?: boolean
  key?: string
  apiUrl?: string
  uploadMethod?: string
  /** Hidden alias of --upload-method (the name `ascent upload` once used). */
  method?: string
  processingTimeout?: string
}

/** What `--key`, `--api-url` and the APP_STORE_CONNECT_* variables resolve to (the credentials order in docs/architecture.md). */
export function cliCredentials(
  options: { key?: string; apiUrl?: string },
  integrationName: string | null = null,
): () => Promise<RunCredentials> {
  return async () => {
    const apiUrl = apiUrlOption(options.apiUrl)
    const credentials = await resolveCredentials({
      env: process.env,
      keyService: createKeyService({ store: createKeytarStore(), configDir: configDir() }),
      ...(nameOption('--key', options.key) !== undefined ? { keyId: options.key } : {}),
      integrationName,
    })
    return {
      apiUrl,
      tokens: credentials.tokens,
      signingKey: credentials,
    }
  }
}

const SETTING_FLAGS: readonly (keyof PublishFlags)[] = [
  'testflight',
  'betaGroup',
  'expireBuildSubmittedForReview',
  'expirePrevious',
  'whatToTest',
  'appStore',
  'releaseType',
  'earliestReleaseDate',
  'copyright',
  'whatsNew',
  'phasedRelease',
  'cancelPreviousSubmissions',
  'usesNonExemptEncryption',
]

/** Settings of the App Store version: they mean nothing without --app-store, so alone they are refused, not dropped. */
const APP_STORE_FLAGS: readonly (keyof PublishFlags)[] = [
  'releaseType',
  'earliestReleaseDate',
  'copyright',
  'whatsNew',
  'phasedRelease',
  'cancelPreviousSubmissions',
  'metadata',
]

/** The flag that sets each settings key, so an error names what the user typed. */
const FLAG_FOR_KEY: Readonly<Record<string, string>> = {
  submit_to_testflight: '--testflight',
  beta_groups: '--beta-group',
  submit_to_app_store: '--app-store',
  metadata_path: '--metadata',
}

// "Not in the past" is checked by preflight against App Store Connect's clock, not this computer's.
const NO_CLOCK = { now: () => 0 }

async function settingsFrom(flags: PublishFlags): Promise<ReleaseSettings> {
  nameOption('--workflow', flags.workflow)
  const given = SETTING_FLAGS.filter((k) => flags[k] !== undefined)
  if (flags.config) {
    if (given.length > 0) {
      throw new AscentError(
        'BAD_INPUT',
        `use either --config or setting flags (found ${given.map(flagName).join(', ')})`,
      )
    }
    const imported = await readReleaseConfig(flags.config, {
      workflow: flags.workflow ?? null,
      ...NO_CLOCK,
    }).catch((error: unknown) => {
      throw new AscentError('BAD_CONFIG', `${flags.config}: ${toErrorShape(error).message}`)
    })
    const first = imported.issues[0]
    if (first || !imported.settings) {
      throw new AscentError(
        'BAD_CONFIG',
        `${flags.config}: ${first ? `${first.path}: ${first.message}` : 'no publishing.app_store_connect section'}`,
      )
    }
    // --metadata names a folder for this run (relative to the current directory); metadata_path is relative to
    // the codemagic.yaml (the repository's root in CI).
    if (flags.metadata !== undefined) {
      if (!imported.settings.submitToAppStore)
        throw new AscentError(
          'BAD_INPUT',
          `--metadata pushes the folder before the App Store review submission, and ${flags.config} has no submit_to_app_store: true`,
        )
      return { ...imported.settings, metadataPath: resolve(flags.metadata) }
    }
    const folder = imported.settings.metadataPath
    return folder === null
      ? imported.settings
      : { ...imported.settings, metadataPath: resolve(dirname(resolve(flags.config)), folder) }
  }
  if (flags.workflow !== undefined) throw new AscentError('BAD_INPUT', '--workflow needs --config')
  if (!flags.appStore) {
    const alone = APP_STORE_FLAGS.filter((k) => flags[k] !== undefined).map((k) =>
      k === 'phasedRelease' && flags.phasedRelease === false ? '--no-phased-release' : flagName(k),
    )
    if (alone.length > 0) {
      throw new AscentError(
        'BAD_INPUT',
        `${alone.join(', ')} ${alone.length === 1 ? 'sets' : 'set'} the App Store version and needs --app-store: add --app-store to submit for App Store review, or leave ${alone.length === 1 ? 'it' : 'them'} out`,
      )
    }
  }
  const raw: Record<string, unknown> = {}
  if (flags.testflight) raw.submit_to_testflight = true
  if (flags.betaGroup?.length) raw.beta_groups = flags.betaGroup
  if (flags.expireBuildSubmittedForReview || flags.expirePrevious)
    raw.expire_build_submitted_for_review = true
  if (flags.whatToTest !== undefined) raw.what_to_test = flags.whatToTest
  if (flags.appStore) raw.submit_to_app_store = true
  if (flags.releaseType !== undefined) raw.release_type = flags.releaseType
  if (flags.earliestReleaseDate !== undefined) raw.earliest_release_date = flags.earliestReleaseDate
  if (flags.copyright !== undefined) raw.copyright = flags.copyright
  if (flags.whatsNew !== undefined) raw.whats_new = flags.whatsNew
  if (flags.phasedRelease !== undefined) raw.phased_release = flags.phasedRelease
  if (flags.cancelPreviousSubmissions) raw.cancel_previous_submissions = true
  if (flags.usesNonExemptEncryption) raw.uses_non_exempt_encryption = true
  // A relative folder is the current directory's, as for fastlane deliver.
  if (flags.metadata !== undefined)
    raw.metadata_path = flags.metadata.trim() === '' ? '' : resolve(flags.metadata)
  const parsed = parseReleaseSettings(raw, { basePath: 'flags', ...NO_CLOCK })
  if (!parsed.ok) {
    const issue = parsed.issues[0]!
    const key = issue.path.replace(/^flags\./, '')
    throw new AscentError(
      'BAD_INPUT',
      `${FLAG_FOR_KEY[key] ?? '--' + key.replace(/_/g, '-')}: ${issue.message}`,
    )
  }
  return parsed.settings
}

function flagName(key: keyof PublishFlags): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
}

function optionsFrom(flags: PublishFlags): PublishOptions {
  const method = uploadMethodOption(flags)
  // Up to a week; 0 = do not wait.
  const seconds = optionalIntegerOption('--processing-timeout', flags.processingTimeout, {
    min: 0,
    max: 7 * 24 * 3600,
  })
  const processingTimeoutMs = seconds === undefined ? 30 * 60_000 : seconds * 1000
  return { uploadMethod: method, processingTimeoutMs }
}

/** The first line of a run that picks up an earlier one: which run, and what is left of it. */
function resumeLine(run: RunRecord): string {
  const left = run.steps.filter((s) => s.status !== 'done' && s.status !== 'skipped').length
  if (left === 0 && run.outcome !== null)
    return `Run ${run.runId} already published this build with these settings (${run.outcome}): checking it with App Store Connect`
  const upload = run.steps.find((s) => s.step === 'upload')
  const uploadDone = upload?.status === 'done' || upload?.status === 'skipped'
  return `Resuming run ${run.runId} (${uploadDone ? 'upload done, ' : ''}${left} ${left === 1 ? 'step' : 'steps'} left)`
}

function printPlan(plan: PublishPlan): void {
  const out = (line: string): boolean => process.stdout.write(line + '\n')
  out(`${plan.build.bundleId} ${plan.build.version} (${plan.build.buildNumber}) ${plan.build.platform}`)
  if (plan.resumesRunId) out(`resumes run ${plan.resumesRunId}`)
  for (const step of plan.steps) {
    if (step.skipped || step.actions.length === 0) continue
    out(`${step.title}:`)
    for (const action of step.actions) out(`  - ${action}`)
  }
  for (const p of plan.problems) out(`${p.severity}: ${p.message} [${p.code}]`)
}

/**
 * Human output: one line per step change, upload progress every 10 %. `withLinks` false (a stand-in App Store
 * Connect such as the sandbox): its app ids have no appstoreconnect.apple.com pages, so no link is printed.
 */
function humanPrinter(withLinks: boolean, notRequested: ReadonlySet<StepId>): (event: PublishEvent) => void {
  let lastTenth = -1
  return (event) => {
    const out = (line: string): boolean => process.stdout.write(line + '\n')
    switch (event.type) {
      case 'step-started':
        // A step the run was not asked for is said once, when it finishes: "– app-store: not requested".
        if (!notRequested.has(event.step)) out(`… ${event.title}`)
        break
      case 'step-progress':
        if (event.bytesTotal && event.bytesDone !== undefined) {
          const tenth = Math.floor((event.bytesDone / event.bytesTotal) * 10)
          if (tenth !== lastTenth) {
            lastTenth = tenth
            out(`  ${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)} (${tenth * 10} %)`)
          }
        } else if (event.message) out(`  ${event.message}`)
        break
      case 'step-finished':
        out(
          `${event.skipped || event.postponed ? paint('quiet', '–') : paint('ok', '✓')} ${event.step}: ${event.summary}`,
        )
        break
      case 'step-failed':
        // Errors go to stderr, so a CI log or a pipe that keeps only errors still says why the run stopped.
        process.stderr.write(
          `${paint('failed', '✗', process.stderr)} ${event.step}: ${event.error.message}\n`,
        )
        break
      case 'log':
        out(
          `${event.level === 'info' ? event.level : paint(event.level === 'warn' ? 'warning' : 'failed', event.level)}: ${event.message}`,
        )
        break
      case 'run-finished':
        out(event.message)
        if (withLinks) for (const link of event.links) out(`  ${link.label}: ${link.url}`)
        break
    }
  }
}

/**
 * Steps a run left for a later run (processing not awaited): journaled as pending although the run ended.
 * Only counts when the run was asked for more than the upload: an upload-only run with timeout 0 did all it was asked.
 */
export function postponedSteps(run: RunRecord, settings: ReleaseSettings): readonly string[] {
  if (run.outcome === null || run.outcome === 'failed' || run.outcome === 'refused') return []
  if (!wantsTestflight(settings) && !settings.submitToAppStore) return []
  return run.steps.filter((s) => s.status === 'pending' || s.status === 'running').map((s) => s.step)
}

export function exitCodeForRun(run: RunRecord, settings?: ReleaseSettings): number {
  if (run.outcome === 'canceled' || run.outcome === 'interrupted') return ExitCode.canceled
  if (run.outcome === 'refused') return ExitCode.refused
  // Exit 0 only when every requested step is done (a fixed interface); a postponed run is resumable, like an interrupted one.
  if (settings && postponedSteps(run, settings).length > 0) return ExitCode.canceled
  if (run.outcome === 'failed' || run.outcome === null) {
    const failed = run.steps.find((s) => s.status === 'failed')
    return failed?.error
      ? exitCodeFor(new AscentError(failed.error.code, failed.error.message))
      : ExitCode.failure
  }
  return ExitCode.ok
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description(
      'Upload a build and publish it to TestFlight and/or App Store review (resumes an interrupted run of the same build)',
    )
    .argument('<file>', 'the .ipa or .pkg')
    .option('--config <file>', 'read the settings from publishing.app_store_connect of a codemagic.yaml')
    .option('--workflow <name>', 'the codemagic.yaml workflow, when several publish')
    .option('--testflight', 'submit to TestFlight beta review')
    .option(
      '--beta-group <name>',
      'add the build to this beta group (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option(
      '--expire-build-submitted-for-review',
      'expire the build in beta review to make room for this one',
    )
    .addOption(new Option('--expire-previous').hideHelp())
    .option('--what-to-test <text>', 'TestFlight "What to Test" notes')
    .option('--app-store', 'submit the version for App Store review')
    .option('--release-type <type>', 'MANUAL, AFTER_APPROVAL or SCHEDULED')
    .option(
      '--earliest-release-date <date>',
      'with SCHEDULED: ISO 8601 on the hour with time zone, e.g. 2031-12-01T14:00:00+02:00',
    )
    .option('--copyright <text>', 'the version copyright')
    .option(
      '--whats-new <text>',
      'App Store "What’s New" for every locale of the version (required for updates, not sent for a first version)',
    )
    .option('--phased-release', 'release over 7 days')
    .option('--no-phased-release', 'release to everyone at once (default: keep the version’s setting)')
    .option('--cancel-previous-submissions', 'withdraw the submission in review first')
    .option('--uses-non-exempt-encryption', 'export compliance answer when Info.plist has none (default: no)')
    .option(
      '--metadata <dir>',
      'a fastlane deliver folder (metadata/, screenshots/) to push to the version before the review submission',
    )
    .option('--plan', 'print the plan against live state and stop (nothing is sent)')
    .option('--json', 'print NDJSON publish events (with --plan: the plan object)')
    .option('--key <key-id>', 'the stored API key to use')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
    .option('--upload-method <method>', 'auto, api or altool (default: auto)')
    .addOption(new Option('--method <method>').hideHelp())
    .option('--processing-timeout <seconds>', 'how long to wait for processing; 0 = do not wait', '1800')
    .action((file: string, flags: PublishFlags) =>
      runCommand(
        async () => {
          const settings = await settingsFrom(flags)
          const options = optionsFrom(flags)
          // Checked before the build is read; the credentials read it again when the run needs them.
          const appleApi = new URL(apiUrlOption(flags.apiUrl)).origin === APPLE_API_URL
          nameOption('--key', flags.key)
          const path = resolve(file)
          const info = await stat(path).catch(() => {
            throw new AscentError('BAD_BUILD', 'no such file')
          })
          const publisher = createPublisher({
            dataDir: dataDir(),
            credentials: cliCredentials(
              flags,
              settings.auth === 'integration' ? settings.integrationName : null,
            ),
            uploaderFactory: defaultUploaderFactory(),
            inspect: (p) => inspectBuild(p),
          })
          const job: PublishJob = {
            file: { id: path, name: basename(path), path, sizeBytes: info.size },
            filePath: path,
            settings,
            options,
          }
          if (flags.plan) {
            const plan = await publisher.plan(job)
            if (flags.json) printJson(plan)
            else printPlan(plan)
            return plan.problems.some((p) => p.severity === 'error') ? ExitCode.refused : ExitCode.ok
          }
          const print = flags.json
            ? (event: PublishEvent) => printJson(event)
            : humanPrinter(appleApi, new Set(stepsNotRequested(settings)))
          // Runs known before the start: if the start returns one of them, this run resumes it and says so first.
          const earlier = new Map((await publisher.listRuns()).map((r) => [r.runId, r]))
          let held: PublishEvent[] | null = []
          publisher.onEvent((event) => (held ? held.push(event) : print(event)))
          const { runId } = await publisher.start(job)
          const resumed = earlier.get(runId)
          if (resumed) {
            const message = resumeLine(resumed)
            // NDJSON stays events only: there the sentence is the stream's first event, a log line.
            if (flags.json)
              printJson({ type: 'log', runId, at: new Date().toISOString(), level: 'info', message })
            else process.stdout.write(message + '\n')
          }
          for (const event of held) print(event)
          held = null
          let interrupts = 0
          const onSignal = (): void => {
            // First Ctrl-C: stop at the next safe point (the run says what was done); second: leave now, resumable.
            if (++interrupts > 1) process.exit(ExitCode.canceled)
            void publisher.cancel(runId)
          }
          process.on('SIGINT', onSignal)
          process.on('SIGTERM', onSignal)
          const run = await publisher.wait(runId)
          await writeCiReport(run, await readJournal(dataDir(), runId), process.env, (warning) =>
            process.stderr.write(`ascent: warning: ${warning}\n`),
          )
          const left = postponedSteps(run, settings)
          if (left.length > 0) {
            process.stderr.write(
              `ascent: ${file}: not finished: ${left.join(', ')} wait for App Store Connect to process the build; publish the same build again to resume run ${runId}\n`,
            )
          }
          return exitCodeForRun(run, settings)
        },
        // Errors about the build name it; a settings file's errors name that file, an option's the option.
        (error) => (error instanceof AscentError && error.code === 'BAD_CONFIG' ? undefined : file),
      ),
    )
}
