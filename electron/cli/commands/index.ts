import type { Command } from 'commander'

type Register = (program: Command) => void

/**
 * Each command lives in its own module and exports `register<Name>Command(program)`; they are listed here in the
 * order --help shows them. A module is loaded only when its command runs: loading every command's dependencies
 * (the web server, the sandbox, the publisher…) cost each run about 0.05 s of CPU before it did anything.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<Register>])[] = [
  ['config', async () => (await import('./config')).registerConfigCommand],
  ['inspect', async () => (await import('./inspect')).registerInspectCommand],
  ['keys', async () => (await import('./keys')).registerKeysCommand],
  ['sandbox', async () => (await import('./sandbox')).registerSandboxCommand],
  ['web', async () => (await import('./web')).registerWebCommand],
  ['publish', async () => (await import('./publish')).registerPublishCommand],
  ['runs', async () => (await import('./runs')).registerRunsCommand],
  ['groups', async () => (await import('./groups')).registerGroupsCommand],
  ['upload', async () => (await import('./upload')).registerUploadCommand],
  ['status', async () => (await import('./status')).registerStatusCommand],
  ['release', async () => (await import('./release')).registerReleaseCommand],
  ['metadata', async () => (await import('./metadata')).registerMetadataCommand],
  ['completion', async () => (await import('./completion')).registerCompletionCommand],
]

/** Commands that read the whole command tree. */
const NEEDS_ALL = new Set(['completion'])

/**
 * Registers the command `argv` names, or every command when it names none or one that does not exist (--help,
 * the did-you-mean) or one that reads the tree (completion). Program-level options take no value, so the first
 * argument that is not an option is the command.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const name = argv.slice(2).find((arg) => !arg.startsWith('-'))
  const only = name === undefined || NEEDS_ALL.has(name) ? undefined : COMMANDS.find(([n]) => n === name)
  const registers = await Promise.all((only ? [only] : COMMANDS).map(([, load]) => load()))
  for (const register of registers) register(program)
}
