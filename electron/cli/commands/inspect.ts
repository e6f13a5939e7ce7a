import type { Command } from 'commander'
import type { BuildSummary } from '../../../shared/build-summary'
import { formatBytes } from '../../../shared/format-bytes'
import { ExitCode, printJson, runCommand } from '../cli-output'

/** A short aligned summary: label column, then the facts a person checks before uploading. */
function formatBuildSummary(summary: BuildSummary): string {
  const profile = summary.profile
  const rows: [string, string][] = [
    ['App', `${summary.displayName ? `${summary.displayName}  ` : ''}${summary.bundleId}`],
    ['Version', `${summary.version} (${summary.buildNumber})`],
    [
      'Platform',
      `${summary.platform}  ${summary.deviceFamilies.join(', ')}${summary.minimumOSVersion ? `  min ${summary.minimumOSVersion}` : ''}`,
    ],
    [
      'Profile',
      profile
        ? `${profile.type}  "${profile.name}"  team ${profile.teamName} (${profile.teamId})  expires ${profile.expiresAt.slice(0, 10)}`
        : summary.kind === 'pkg'
          ? 'not read (inside the package payload)'
          : 'none',
    ],
    [
      'Extensions',
      summary.extensions.length
        ? summary.extensions.map((e) => `${e.bundleId} (${e.kind})`).join(', ')
        : 'none',
    ],
    [
      'Frameworks',
      summary.frameworks.length ? `${summary.frameworks.length}: ${summary.frameworks.join(', ')}` : 'none',
    ],
    ['Size', `${formatBytes(summary.sizeBytes)} ${summary.kind}`],
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  const lines = rows.map(([label, value]) => label.padEnd(width) + value)
  if (summary.problems.length === 0) {
    lines.push('Problems'.padEnd(width) + 'none')
  } else {
    lines.push('Problems')
    for (const problem of summary.problems)
      lines.push(
        `  ${problem.severity === 'error' ? 'error  ' : 'warning'}  ${problem.code}: ${problem.message}`,
      )
  }
  return lines.join('\n') + '\n'
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Read an .ipa or .pkg and say what it is and what App Store Connect would reject')
    .argument('<file>', 'the .ipa or .pkg')
    .option('--json', 'print one JSON object (the BuildSummary)')
    .option('--strict', 'exit 3 when a problem App Store Connect would refuse is found (for CI scripts)')
    .action((file: string, options: { json?: boolean; strict?: boolean }) =>
      runCommand(
        async () => {
          // Loaded on use: other commands do not pay for the zip, plist and ASN.1 readers at start-up.
          const { inspectBuild } = await import('../../ipa')
          const summary = await inspectBuild(file)
          if (options.json) printJson(summary)
          else process.stdout.write(formatBuildSummary(summary))
          // Readable is enough without --strict: the problems are in the output for the reader to judge.
          if (options.strict && summary.problems.some((p) => p.severity === 'error')) return ExitCode.refused
          return ExitCode.ok
        },
        () => file,
      ),
    )
}
