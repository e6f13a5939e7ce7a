import type { Command } from 'commander'
import { registerConfigCommand } from './config'
import { registerInspectCommand } from './inspect'
import { registerKeysCommand } from './keys'
import { registerSandboxCommand } from './sandbox'
import { registerWebCommand } from './web'
import { registerPublishCommand } from './publish'
import { registerRunsCommand } from './runs'
import { registerGroupsCommand } from './groups'
import { registerUploadCommand } from './upload'
import { registerStatusCommand } from './status'
import { registerReleaseCommand } from './release'
import { registerCompletionCommand } from './completion'
import { registerMetadataCommand } from './metadata'

/**
 * Each command lives in its own module and exports `register<Name>Command(program)`; they are added here.
 */
export function registerCommands(program: Command): void {
  registerConfigCommand(program)
  registerInspectCommand(program)
  registerKeysCommand(program)
  registerSandboxCommand(program)
  registerWebCommand(program)
  registerPublishCommand(program)
  registerRunsCommand(program)
  registerGroupsCommand(program)
  registerUploadCommand(program)
  registerStatusCommand(program)
  registerReleaseCommand(program)
  registerMetadataCommand(program)
  registerCompletionCommand(program)
}
