import type { Command } from 'commander'

/**
 * Each command lives in its own module (inspect, config, sandbox, keys, upload, publish, groups, runs, web)
 * and exports `register<Name>Command(program)`; they are added here.
 */
export function registerCommands(_program: Command): void {}
