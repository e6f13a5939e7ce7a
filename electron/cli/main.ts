import { Command, CommanderError } from 'commander'
import { registerCommands } from './commands'

const program = new Command()
  .name('ascent')
  .description('Publish iOS, tvOS and macOS builds to App Store Connect.')
  .version(process.env.ASCENT_VERSION ?? '0.1.0')
  .showHelpAfterError()
  .exitOverride()

registerCommands(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors are bad input.
    process.exit(error.exitCode === 0 ? 0 : 2)
  }
  process.stderr.write(`ascent: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
