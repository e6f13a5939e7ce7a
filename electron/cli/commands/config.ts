import type { Command } from 'commander'
import { readReleaseConfig } from '../../config/codemagic-file'
import { ExitCode, printJson, runCommand } from '../cli-output'
import { nameOption } from '../option-values'

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('Read and check release settings in a codemagic.yaml')
  config
    .command('check')
    .description('Validate publishing.app_store_connect of a codemagic.yaml (or a bare Ascent release file)')
    .argument('<file>', 'codemagic.yaml or release file')
    .option('--workflow <name>', 'the workflow to check when several publish to App Store Connect')
    .option('--json', 'print { valid, errors: [{ path, message }] }')
    .action((file: string, options: { workflow?: string; json?: boolean }) =>
      runCommand(
        async () => {
          const result = await readReleaseConfig(file, {
            workflow: nameOption('--workflow', options.workflow) ?? null,
          })
          const valid = result.issues.length === 0
          if (options.json) {
            printJson({ valid, workflow: result.workflow, errors: result.issues })
          } else if (valid) {
            process.stdout.write(`${file}: valid${result.workflow ? ` (workflow ${result.workflow})` : ''}\n`)
          } else {
            for (const issue of result.issues)
              process.stderr.write(`${file}: ${issue.path}: ${issue.message}\n`)
          }
          return valid ? ExitCode.ok : ExitCode.badInput
        },
        () => file,
      ),
    )
}
