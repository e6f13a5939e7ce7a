import type { Command } from 'commander'
import { AscentError } from '../../../shared/errors'
import type { BetaGroup } from '../../../shared/ipc'
import { createAscGateway } from '../../publish/asc-gateway'
import { createPublishConnection } from '../../publish/connection'
import { printJson, runCommand } from '../cli-output'
import { nameOption } from '../option-values'
import { cliCredentials } from './publish'

export function registerGroupsCommand(program: Command): void {
  program
    .command('groups')
    .description('List the TestFlight beta groups of an app')
    .argument('<bundle-id>', 'the app’s bundle id')
    .option('--json', 'print an array of { id, name, isInternal, publicLinkEnabled }')
    .option('--key <key-id>', 'the stored API key to use')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
    .action((bundleId: string, options: { json?: boolean; key?: string; apiUrl?: string }) =>
      runCommand(
        async () => {
          nameOption('the bundle id', bundleId)
          const credentials = await cliCredentials(options)()
          const gateway = createAscGateway(
            createPublishConnection({ baseUrl: credentials.apiUrl, tokens: credentials.tokens }),
          )
          const app = await gateway.findApp(bundleId)
          if (!app) {
            throw new AscentError(
              'NOT_FOUND',
              'no app with this bundle id in App Store Connect: check the bundle id and the key’s team',
            )
          }
          const groups: BetaGroup[] = (await gateway.listBetaGroups(app.id)).map((g) => ({
            id: g.id,
            name: g.name,
            isInternal: g.isInternal,
            ...(g.publicLinkEnabled === null ? {} : { publicLinkEnabled: g.publicLinkEnabled }),
          }))
          if (options.json) printJson(groups)
          else if (groups.length === 0) process.stdout.write(`${app.name} has no beta groups\n`)
          else
            for (const g of groups)
              process.stdout.write(`${g.name}\t${g.isInternal ? 'internal' : 'external'}\t${g.id}\n`)
        },
        () => bundleId,
      ),
    )
}
