import type { Command } from 'commander'
import { printableExcerpt } from '../../../shared/bounded-text'
import { AscentError } from '../../../shared/errors'
import { suggest } from '../../../shared/release-settings'
import {
  APP_STORE_STATES,
  BETA_REVIEW_STATES,
  stateInWords,
  statusHasState,
  type AppStatus,
} from '../../../shared/release-status'
import { sleepWithSignal } from '../../asc/retry'
import { createPublishConnection } from '../../publish/connection'
import { DEFAULT_POLL_POLICY, HourlyBudget, nextPollDelay } from '../../status/poll-policy'
import { readAppStatus } from '../../status/read-status'
import { resolveApp } from '../../status/release-actions'
import { ExitCode, printJson, runCommand } from '../cli-output'
import { optionalIntegerOption } from '../option-values'
import { cliCredentials } from './publish'

type StatusOptions = {
  json?: boolean
  watch?: boolean
  until?: string
  timeout?: string
  key?: string
  apiUrl?: string
}

const KNOWN_STATES: readonly string[] = [...new Set<string>([...APP_STORE_STATES, ...BETA_REVIEW_STATES])]

/** --timeout in whole seconds (at most 30 days), as milliseconds; null without it. */
function parseTimeout(value: string | undefined): number | null {
  const seconds = optionalIntegerOption('--timeout', value, { min: 0, max: 30 * 86_400 })
  return seconds === undefined ? null : seconds * 1000
}

/** --until in any case (like --release-type); a near miss is named, else every state (the message stays whole). */
function parseUntil(value: string | undefined): string | null {
  if (value === undefined) return null
  const state = value.trim().toUpperCase()
  if (KNOWN_STATES.includes(state)) return state
  const hint = suggest(state, KNOWN_STATES)
  throw new AscentError(
    'BAD_INPUT',
    `--until ${printableExcerpt(value, 30)} is not a known state: ${hint ? `did you mean ${hint}?` : `use one of ${KNOWN_STATES.join(', ')}`}`,
  )
}

/** The status in lines a person reads; `--json` prints the object instead. */
export function formatStatus(status: AppStatus): string {
  const lines = [`${status.appName} (${status.bundleId})`]
  if (status.versions.length === 0) lines.push('  no App Store version')
  for (const v of status.versions) {
    const parts = [
      `${v.platform} ${v.versionString}${v.build ? ` (${v.build})` : ''}`,
      `${stateInWords(v.appStoreState)} [${v.appStoreState}]`,
    ]
    if (v.reviewSubmissionState) parts.push(`review ${v.reviewSubmissionState}`)
    if (v.releaseType)
      parts.push(v.earliestReleaseDate ? `${v.releaseType} ${v.earliestReleaseDate}` : v.releaseType)
    if (v.phasedRelease) parts.push(`phased ${v.phasedRelease.state} day ${v.phasedRelease.currentDayNumber}`)
    lines.push(`  ${parts.join(' · ')}`)
  }
  for (const b of status.builds) {
    const parts = [`build ${b.version} (${b.buildNumber})`, b.processingState]
    if (b.betaReviewState) parts.push(`beta review ${b.betaReviewState}`)
    if (b.groups.length > 0) parts.push(`groups ${b.groups.join(', ')}`)
    lines.push(`  ${parts.join(' · ')}`)
  }
  return lines.join('\n') + '\n'
}

/**
 * `ascent status BUNDLE_ID [--json] [--watch] [--until STATE] [--timeout SECONDS]`: reads once, or keeps
 * reading (fast while states move, slower while they wait) and prints each change.
 */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'Show an app’s App Store versions and recent builds: review, release and phased release states',
    )
    .argument('<bundle-id>', 'the app’s bundle id')
    .option('--json', 'print { bundleId, appName, versions, builds } (one line per change with --watch)')
    .option('--watch', 'keep reading and print each change')
    .option(
      '--until <state>',
      'wait until a version’s appStoreState or a build’s betaReviewState is STATE (exit 0)',
    )
    .option('--timeout <seconds>', 'give up waiting after this long (exit 5)')
    .option('--key <key-id>', 'the stored API key to use')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
    .action((bundleId: string, options: StatusOptions) =>
      runCommand(
        async () => {
          const timeoutMs = parseTimeout(options.timeout)
          const until = parseUntil(options.until)
          const credentials = await cliCredentials(options)()
          const budget = new HourlyBudget(3600 / 2, 360)
          const connection = createPublishConnection({
            baseUrl: credentials.apiUrl,
            tokens: credentials.tokens,
            onAudit: (e) => budget.observeRemaining(Date.now(), e.rateLimitRemaining),
          })
          const stop = new AbortController()
          const interrupt = (): void => stop.abort()
          process.once('SIGINT', interrupt)
          process.once('SIGTERM', interrupt)
          const print = (status: AppStatus): void => {
            if (options.json) printJson(status)
            else process.stdout.write(formatStatus(status))
          }
          const started = Date.now()
          const deadline = timeoutMs === null ? Infinity : started + timeoutMs
          try {
            const app = await resolveApp(connection.client, bundleId, { signal: stop.signal })
            let last: string | null = null
            let lastChange = started
            for (;;) {
              budget.record(Date.now(), 3)
              const { status } = await readAppStatus(connection.client, app, { signal: stop.signal })
              const text = JSON.stringify(status)
              const changed = text !== last
              if (changed) lastChange = Date.now()
              if (until !== null && statusHasState(status, until)) {
                if (changed || !options.watch) print(status)
                return ExitCode.ok
              }
              if (!options.watch && until === null) {
                print(status)
                return ExitCode.ok
              }
              if (changed && options.watch) print(status)
              last = text
              const now = Date.now()
              if (now >= deadline) {
                if (until === null) return ExitCode.ok
                if (!options.watch) print(status)
                process.stderr.write(
                  `ascent: ${bundleId}: no version or build reached ${until} within ${options.timeout} s\n`,
                )
                return ExitCode.canceled
              }
              const delay = Math.max(
                nextPollDelay(status, now - lastChange, DEFAULT_POLL_POLICY),
                budget.waitFor(3, now),
              )
              await sleepWithSignal(Math.min(delay, deadline - now), stop.signal)
              if (stop.signal.aborted) return ExitCode.canceled
            }
          } catch (error) {
            if (stop.signal.aborted) return ExitCode.canceled
            throw error
          } finally {
            process.off('SIGINT', interrupt)
            process.off('SIGTERM', interrupt)
          }
        },
        () => bundleId,
      ),
    )
}
