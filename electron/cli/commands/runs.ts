import type { Command } from 'commander'
import type { RunRecord } from '../../../shared/ipc'
import { createPublisher } from '../../publish/publisher'
import { dataDir } from '../../app-dirs'
import { printJson, runCommand } from '../cli-output'

function describe(run: RunRecord): string {
  const outcome = run.outcome ?? 'running'
  const app = run.appName ? `${run.appName} (${run.bundleId})` : run.bundleId
  const head = `${run.startedAt}  ${run.runId}  ${outcome.padEnd(20)} ${app} ${run.version} (${run.buildNumber}) ${run.platform}${run.sandbox ? ' (sandbox)' : ''}`
  const lines = [head]
  if (run.message) lines.push(`    ${run.message}`)
  if (run.resumable) lines.push('    resumable: publish the same build with the same settings again')
  // A sandbox run's ids are the sandbox's own: Apple's pages for them do not exist.
  if (!run.sandbox) for (const link of run.links) lines.push(`    ${link.label}: ${link.url}`)
  return lines.join('\n')
}

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('List publish runs (newest first) with their outcome and App Store Connect links')
    .option('--json', 'print an array of run records')
    .action((options: { json?: boolean }) =>
      runCommand(async () => {
        // Reading history needs no credentials and no network.
        const publisher = createPublisher({
          dataDir: dataDir(),
          credentials: () => Promise.reject(new Error('not used')),
          uploaderFactory: () => Promise.reject(new Error('not used')),
          inspect: () => Promise.reject(new Error('not used')),
        })
        const runs = await publisher.listRuns()
        if (options.json) printJson(runs)
        else if (runs.length === 0) process.stdout.write('no runs yet; publish with: ascent publish FILE …\n')
        else for (const run of runs) process.stdout.write(describe(run) + '\n')
      }),
    )
}
