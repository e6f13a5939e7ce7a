import path from 'node:path'
import type { Command } from 'commander'
import { AscentError } from '../../../shared/errors'
import type { KeyMetadata } from '../../../shared/ipc'
import { configDir } from '../../app-dirs'
import { createKeyService, type AddKeyRequest, type KeyService } from '../../keys/key-service'
import { createKeytarStore } from '../../keys/keytar-store'
import { formatBytes } from '../../../shared/format-bytes'
import { TEXT_FILE_KINDS } from '../../read-text-file'
import { exitCodeFor, printError, printJson, runCommand } from '../cli-output'
import { apiUrlOption } from '../option-values'

interface AddOptions {
  name: string
  keyId?: string
  issuerId?: string
  individual?: boolean
  privateKeyPath?: string
  privateKeyStdin?: boolean
  fastlaneJson?: string
}

function keyService(apiUrl?: string): KeyService {
  return createKeyService({ store: createKeytarStore(), configDir: configDir(), apiUrl })
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description(
      'App Store Connect API keys: private keys in the OS keychain, details in the config directory',
    )

  keys
    .command('add')
    .description('Store an App Store Connect API key (.p8) in the OS keychain')
    .requiredOption(
      '--name <name>',
      'a name for the key (codemagic.yaml integrations.app_store_connect refers to it)',
    )
    .option('--key-id <id>', 'the key id (taken from AuthKey_<KEYID>.p8 or the fastlane JSON when omitted)')
    .option('--issuer-id <id>', 'the issuer id of a team key')
    .option('--individual', 'an individual key (no issuer id)')
    .option('--private-key-path <file>', 'the .p8 file')
    .option('--private-key-stdin', 'read the .p8 text from standard input')
    .option('--fastlane-json <file>', "fastlane's API key JSON (key_id, issuer_id, key or key_filepath)")
    .option('--json', 'print the stored key’s metadata (never the private key)')
    .action((options: AddOptions & { json?: boolean }) =>
      runCommand(async () => {
        const metadata = await keyService().add(await addInput(options))
        if (options.json) return printJson(metadata)
        process.stdout.write(
          `stored key "${metadata.name}" (${metadata.keyId}) in the OS keychain; check it with: ascent keys test ${metadata.keyId}\n`,
        )
      }),
    )

  keys
    .command('list')
    .description('List stored keys (never their private keys)')
    .option('--json', 'print an array of key metadata')
    .action((options: { json?: boolean }) =>
      runCommand(async () => {
        const list = await keyService().list()
        if (options.json) printJson(list)
        else if (list.length === 0) process.stdout.write('no keys stored; add one with: ascent keys add\n')
        else for (const key of list) process.stdout.write(describe(key) + '\n')
      }),
    )

  keys
    .command('test')
    .description('Sign a token with a stored key and call App Store Connect (ASCENT_API_URL or --api-url)')
    .argument('<key-id>', 'the stored key id')
    .option('--api-url <url>', 'App Store Connect base URL (default ASCENT_API_URL, else Apple)')
    .option('--json', 'print the key’s metadata with the result of this check')
    .action((keyId: string, options: { apiUrl?: string; json?: boolean }) =>
      runCommand(async () => {
        const { metadata, error } = await keyService(apiUrlOption(options.apiUrl)).check(keyId)
        if (options.json) printJson(metadata)
        if (error) {
          printError(error)
          return exitCodeFor(error)
        }
        if (options.json) return
        process.stdout.write(`key "${metadata.name}" (${metadata.keyId}) works\n`)
      }),
    )

  keys
    .command('remove')
    .description('Delete a stored key from the OS keychain and the key list')
    .argument('<key-id>', 'the stored key id')
    .action((keyId: string) =>
      runCommand(async () => {
        await keyService().remove(keyId)
        process.stdout.write(`removed key ${keyId}\n`)
      }),
    )
}

async function addInput(options: AddOptions): Promise<AddKeyRequest> {
  const sources = [options.privateKeyPath, options.privateKeyStdin, options.fastlaneJson].filter(
    Boolean,
  ).length
  if (sources !== 1)
    throw new AscentError(
      'BAD_INPUT',
      'keys add: give exactly one of --private-key-path, --private-key-stdin, --fastlane-json',
    )
  if (options.fastlaneJson) {
    if (options.keyId || options.issuerId || options.individual)
      throw new AscentError(
        'BAD_INPUT',
        `${options.fastlaneJson}: the fastlane JSON carries the key and issuer ids; drop --key-id, --issuer-id and --individual`,
      )
    return { source: 'fastlane', name: options.name, filePath: path.resolve(options.fastlaneJson) }
  }
  if (options.issuerId && options.individual)
    throw new AscentError('BAD_INPUT', 'keys add: give --issuer-id for a team key or --individual, not both')
  if (!options.issuerId && !options.individual)
    throw new AscentError('BAD_INPUT', 'keys add: give --issuer-id ID (team key) or --individual')
  const identity = {
    name: options.name,
    keyId: options.keyId,
    issuerId: options.issuerId,
    individual: options.individual === true,
  }
  if (options.privateKeyPath)
    return { source: 'file', filePath: path.resolve(options.privateKeyPath), ...identity }
  return { source: 'pem', pem: await readStdin(), ...identity }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('paste the .p8 text, then press Ctrl-D\n')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length
    // A key is about 250 bytes: stop reading a stream that is plainly something else.
    if (size > TEXT_FILE_KINDS.privateKey.maxBytes)
      throw new AscentError(
        'BAD_KEY',
        `standard input is larger than an App Store Connect key (.p8) can be (at most ${formatBytes(TEXT_FILE_KINDS.privateKey.maxBytes)}); pipe the .p8 file into --private-key-stdin`,
      )
    chunks.push(chunk as Buffer)
  }
  const bytes = Buffer.concat(chunks)
  if (bytes.includes(0)) throw new AscentError('BAD_KEY', 'standard input holds binary data, not a .p8 key')
  const text = bytes.toString('utf8')
  if (!text.trim())
    throw new AscentError('BAD_KEY', 'standard input was empty; pipe the .p8 file into --private-key-stdin')
  return text
}

function describe(key: KeyMetadata): string {
  const issuer = key.individual ? 'individual key' : `issuer ${key.issuerId}`
  const state = key.lastError
    ? `last test failed: ${key.lastError}`
    : key.lastVerifiedAt
      ? `verified ${key.lastVerifiedAt}`
      : 'not tested yet'
  return `${key.keyId}  ${key.name}  (${issuer})  ${state}`
}
