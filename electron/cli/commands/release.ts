import type { Command } from 'commander'
import { AscentError } from '../../../shared/errors'
import { RELEASE_ACTION_WORDS, type ReleaseAction } from '../../../shared/release-status'
import { createPublishConnection } from '../../publish/connection'
import { readAppStatus } from '../../status/read-status'
import { performReleaseAction, pickVersion, resolveApp } from '../../status/release-actions'
import { ExitCode, runCommand } from '../cli-output'
import { cliCredentials } from './publish'
import { formatStatus } from './status'

type ReleaseOptions = {
  appVersion?: string
  now?: boolean
  pause?: boolean
  resume?: boolean
  complete?: boolean
  cancelReview?: boolean
  key?: string
  apiUrl?: string
}

function chosenAction(options: ReleaseOptions): ReleaseAction {
  const chosen = (
    [
      ['now', options.now],
      ['pause', options.pause],
      ['resume', options.resume],
      ['complete', options.complete],
      ['cancel-review', options.cancelReview],
    ] as const
  ).flatMap(([action, on]) => (on ? [action] : []))
  const flags = Object.values(RELEASE_ACTION_WORDS)
    .map((w) => w.flag)
    .join(' | ')
  if (chosen.length !== 1 || chosen[0] === undefined)
    throw new AscentError(
      'BAD_INPUT',
      chosen.length === 0
        ? `say what to do: one of ${flags}`
        : `choose one action, not ${chosen.length}: ${flags}`,
    )
  return chosen[0]
}

/** `ascent release BUNDLE_ID [--app-version V] (--now | --pause | --resume | --complete | --cancel-review)`. */
export function registerReleaseCommand(program: Command): void {
  program
    .command('release')
    .description('Release an approved version, control its phased release, or cancel its review')
    .argument('<bundle-id>', 'the app’s bundle id')
    .option('--app-version <version>', 'the App Store version (default: the one the action is possible for)')
    .option('--now', 'release a version that is PENDING_DEVELOPER_RELEASE now')
    .option('--pause', 'pause the phased release')
    .option('--resume', 'resume the paused phased release')
    .option('--complete', 'release to all users now (ends the phased release)')
    .option('--cancel-review', 'withdraw the version from App Review')
    .option('--key <key-id>', 'the stored API key to use')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
    .action((bundleId: string, options: ReleaseOptions) =>
      runCommand(
        async () => {
          const action = chosenAction(options)
          const credentials = await cliCredentials(options)()
          const { client } = createPublishConnection({
            baseUrl: credentials.apiUrl,
            tokens: credentials.tokens,
          })
          const app = await resolveApp(client, bundleId)
          const before = await readAppStatus(client, app)
          await performReleaseAction(client, before, action, {
            ...(options.appVersion !== undefined ? { versionString: options.appVersion } : {}),
            flags: true,
          })
          const version = before.status.versions[pickVersion(before, action, options.appVersion)]
          const after = await readAppStatus(client, app)
          process.stdout.write(
            `${RELEASE_ACTION_WORDS[action].label}: done for ${version?.versionString ?? bundleId}.\n` +
              formatStatus(after.status),
          )
          return ExitCode.ok
        },
        () => bundleId,
      ),
    )
}
