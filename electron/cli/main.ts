// First: every schema made after it parses without compiling code.
import './zod-jitless'
import { Command, CommanderError } from 'commander'
import { checkProxyEnvironment } from '../net/proxy'
import { exitCodeFor, printError } from './cli-output'
import { registerCommands } from './commands'
import { applyQuiet } from './terminal'

const program = new Command()
  .name('ascent')
  .description('Publish iOS, tvOS and macOS builds to App Store Connect.')
  // The package version, written into the bundle by scripts/build-cli.mjs.
  .version(process.env.ASCENT_BUILD_VERSION ?? '0.0.0-dev')
  // The did-you-mean stays the last thing on screen: one pointer to --help instead of the whole help.
  .showHelpAfterError('Run the command with --help to see its options.')
  .exitOverride()
  .option('-q, --quiet', 'print nothing but errors (on stderr) and data asked for with --json')
  .hook('preAction', (_program, command) => {
    // A malformed HTTP(S)_PROXY is bad input said once, not a network failure retried on every request.
    checkProxyEnvironment()
    if (program.opts<{ quiet?: boolean }>().quiet) applyQuiet(command)
  })

registerCommands(program, process.argv)
  .then(() => program.parseAsync(process.argv))
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are bad input.
      process.exit(error.exitCode === 0 ? 0 : 2)
    }
    printError(error)
    process.exit(exitCodeFor(error))
  })
