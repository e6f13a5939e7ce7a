import path from 'node:path'
import type { Command } from 'commander'
import { createPublishConnection } from '../../publish/connection'
import { FolderRefusedError } from '../../metadata/deliver-folder'
import {
  checkMetadata,
  pullMetadata,
  pushMetadata,
  type VersionTarget,
} from '../../metadata/metadata-service'
import { ExitCode, printJson, runCommand } from '../cli-output'
import { nameOption } from '../option-values'
import { cliCredentials } from './publish'

type CommonOptions = { appVersion?: string; key?: string; apiUrl?: string }

function target(bundleId: string, options: CommonOptions): VersionTarget {
  nameOption('the bundle id', bundleId)
  nameOption('--app-version', options.appVersion)
  return { bundleId, ...(options.appVersion !== undefined ? { versionString: options.appVersion } : {}) }
}

async function connect(options: CommonOptions) {
  const credentials = await cliCredentials(options)()
  return createPublishConnection({ baseUrl: credentials.apiUrl, tokens: credentials.tokens }).client
}

/** A bad folder: every problem on its own line (or in --json), exit 2; nothing was sent. */
function refuseFolder(error: unknown, json: boolean | undefined): number {
  if (!(error instanceof FolderRefusedError)) throw error
  if (json)
    printJson({
      problems: error.problems.map((p) => ({ file: path.join(error.dir, p.file), message: p.message })),
    })
  for (const p of error.problems)
    process.stderr.write(`ascent: ${path.join(error.dir, p.file)}: ${p.message}\n`)
  process.stderr.write(`ascent: nothing was sent: fix the folder and run again\n`)
  return ExitCode.badInput
}

function withConnectionOptions(command: Command): Command {
  return command
    .option('--app-version <version>', 'the App Store version (default: the one being prepared)')
    .option('--key <key-id>', 'the stored API key to use')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
}

/**
 * `ascent metadata check|push|pull`: a version's App Store information (text, screenshots, app information,
 * review contact) against App Review's checklist, and to and from a fastlane deliver folder.
 */
export function registerMetadataCommand(program: Command): void {
  const metadata = program
    .command('metadata')
    .description(
      'Check, push and pull App Store information (text, screenshots) as a fastlane deliver folder',
    )

  withConnectionOptions(
    metadata
      .command('check')
      .description(
        'Say what App Review still needs before the version can be submitted (exit 3 when not ready)',
      )
      .argument('<bundle-id>', 'the app’s bundle id')
      .option('--from <dir>', 'count what this deliver folder would fill')
      .option('--json', 'print { ready, missing: [{ field, locale?, message }], reminders }'),
  ).action((bundleId: string, options: CommonOptions & { from?: string; json?: boolean }) =>
    runCommand(
      async () => {
        const t = target(bundleId, options)
        const client = await connect(options)
        let result
        try {
          result = await checkMetadata(client, t, options.from !== undefined ? { from: options.from } : {})
        } catch (error) {
          return refuseFolder(error, options.json)
        }
        const { ready, missing, reminders, snapshot } = result
        if (options.json) printJson({ ready, missing, reminders })
        else {
          const what = `${snapshot.app.name} ${snapshot.platform} ${snapshot.versionString}`
          process.stdout.write(
            ready ? `${what}: ready for App Review\n` : `${what}: not ready, ${missing.length} missing:\n`,
          )
          for (const m of missing) process.stdout.write(`  - ${m.message}\n`)
          for (const r of reminders) process.stdout.write(`  note: ${r.message}\n`)
        }
        return ready ? ExitCode.ok : ExitCode.refused
      },
      () => bundleId,
    ),
  )

  withConnectionOptions(
    metadata
      .command('push')
      .description('Fill the version’s App Store information from a fastlane deliver folder')
      .argument('<bundle-id>', 'the app’s bundle id')
      .requiredOption('--from <dir>', 'the deliver folder (metadata/, screenshots/)')
      .option('--json', 'print { changes, notes, screenshots: { uploaded, kept, deleted } }'),
  ).action((bundleId: string, options: CommonOptions & { from: string; json?: boolean }) =>
    runCommand(
      async () => {
        const t = target(bundleId, options)
        const client = await connect(options)
        let result
        try {
          result = await pushMetadata(client, t, options.from, {
            onProgress: (p) => {
              if (!options.json && p.kind === 'step') process.stdout.write(`${p.message}\n`)
            },
          })
        } catch (error) {
          return refuseFolder(error, options.json)
        }
        if (options.json)
          printJson({
            changes: result.changes,
            notes: result.notes,
            screenshots: {
              uploaded: result.screenshotsUploaded,
              kept: result.screenshotsKept,
              deleted: result.screenshotsDeleted,
            },
          })
        else {
          for (const n of result.notes) process.stdout.write(`note: ${n}\n`)
          if (result.changes.length === 0)
            process.stdout.write('nothing to change: App Store Connect already holds the folder’s values\n')
        }
        return ExitCode.ok
      },
      () => bundleId,
    ),
  )

  withConnectionOptions(
    metadata
      .command('pull')
      .description('Write the version’s App Store information as a fastlane deliver folder')
      .argument('<bundle-id>', 'the app’s bundle id')
      .requiredOption('--to <dir>', 'the folder to write (metadata/, screenshots/)'),
  ).action((bundleId: string, options: CommonOptions & { to: string }) =>
    runCommand(
      async () => {
        const t = target(bundleId, options)
        const client = await connect(options)
        const result = await pullMetadata(client, t, options.to)
        for (const n of result.notes) process.stderr.write(`ascent: ${n}\n`)
        process.stdout.write(
          `wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${options.to}\n`,
        )
        return ExitCode.ok
      },
      () => bundleId,
    ),
  )
}
