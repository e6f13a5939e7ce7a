import os from 'node:os'
import path from 'node:path'
import { AscentError } from '../../shared/errors'
import { readTextFile, TEXT_FILE_KINDS, TextFileError } from '../read-text-file'
import { normalizePem, parsePrivateKey } from '../asc/private-key'
import { createTokenSource, type TokenSource } from '../asc/token'
import type { KeyService } from './key-service'

/** Codemagic's names: how CI hands a key to `ascent` without a keychain. */
export const ENV_ISSUER_ID = 'APP_STORE_CONNECT_ISSUER_ID'
export const ENV_KEY_IDENTIFIER = 'APP_STORE_CONNECT_KEY_IDENTIFIER'
export const ENV_PRIVATE_KEY = 'APP_STORE_CONNECT_PRIVATE_KEY'

export interface Credentials {
  readonly kind: 'env' | 'stored'
  readonly keyId: string
  readonly issuerId: string | null
  readonly tokens: TokenSource
  /** For messages and logs: which key is used and where it came from; never key material. */
  readonly label: string
  /**
   * The PEM, read when called: only altool needs it (it takes the key as a file). Main process only; a
   * function so that the object can be logged or serialised without carrying key material.
   */
  readonly privateKeyPem: () => Promise<string>
}

export interface ResolveCredentialsOptions {
  readonly env: NodeJS.ProcessEnv
  /**
   * Only consulted when the environment does not carry a key, so CI never needs a keychain. Without
   * `privateKeyPemFor`, a stored key can sign tokens but not be handed to altool.
   */
  readonly keyService: Pick<KeyService, 'list' | 'tokenSourceFor'> &
    Partial<Pick<KeyService, 'privateKeyPemFor'>>
  /** `--key KEY_ID`. */
  readonly keyId?: string
  /** The workflow's `integrations.app_store_connect` when its `auth` is `integration`. */
  readonly integrationName?: string | null
  /** Base for relative `@file:` paths; default the working directory. */
  readonly cwd?: string
  readonly now?: () => number
}

/**
 * Which key a command uses (the fixed credentials order, docs/architecture.md): the APP_STORE_CONNECT_* variables when set, whatever the config
 * says; else the stored key named by the integration; else --key; else the only stored key.
 */
export async function resolveCredentials(options: ResolveCredentialsOptions): Promise<Credentials> {
  const { env } = options
  if (env[ENV_KEY_IDENTIFIER] || env[ENV_PRIVATE_KEY] || env[ENV_ISSUER_ID]) return fromEnvironment(options)

  const keys = await options.keyService.list()
  const stored = (keyId: string, how: string): Promise<Credentials> => {
    const key = keys.find((k) => k.keyId === keyId)
    if (!key)
      throw new AscentError(
        'NOT_FOUND',
        `key ${keyId} is not stored; \`ascent keys list\` shows the stored keys`,
      )
    return options.keyService.tokenSourceFor(key.keyId).then((tokens) => ({
      kind: 'stored' as const,
      keyId: key.keyId,
      issuerId: key.issuerId,
      tokens,
      label: `stored key "${key.name}" (${key.keyId}, ${how})`,
      privateKeyPem: () => storedPem(options.keyService, key.keyId),
    }))
  }

  if (options.integrationName) {
    const named = keys.find((k) => k.name === options.integrationName)
    if (!named)
      throw new AscentError(
        'NO_CREDENTIALS',
        `no stored key is named "${options.integrationName}" (integrations.app_store_connect); ` +
          `add it with \`ascent keys add --name "${options.integrationName}" …\` or set the APP_STORE_CONNECT_* variables`,
      )
    return stored(named.keyId, 'integration')
  }
  if (options.keyId) return stored(options.keyId, '--key')
  const only = keys[0]
  if (keys.length === 1 && only) return stored(only.keyId, 'the only stored key')
  if (keys.length === 0)
    throw new AscentError(
      'NO_CREDENTIALS',
      'no App Store Connect key: add one with `ascent keys add`, or set APP_STORE_CONNECT_ISSUER_ID, ' +
        'APP_STORE_CONNECT_KEY_IDENTIFIER and APP_STORE_CONNECT_PRIVATE_KEY',
    )
  throw new AscentError(
    'NO_CREDENTIALS',
    `${keys.length} keys are stored (${keys.map((k) => k.keyId).join(', ')}); choose one with --key KEY_ID`,
  )
}

async function fromEnvironment(options: ResolveCredentialsOptions): Promise<Credentials> {
  const { env } = options
  const keyId = env[ENV_KEY_IDENTIFIER]?.trim()
  if (!keyId)
    throw new AscentError(
      'NO_CREDENTIALS',
      `${ENV_KEY_IDENTIFIER} is not set; set it to the key id of the .p8 key`,
    )
  const raw = env[ENV_PRIVATE_KEY]
  if (!raw?.trim())
    throw new AscentError(
      'NO_CREDENTIALS',
      `${ENV_PRIVATE_KEY} is not set; set it to the .p8 text, @file:PATH or @env:NAME`,
    )
  // Apple's team keys need the issuer; an individual key has none, so a missing issuer means "individual key".
  const issuerId = env[ENV_ISSUER_ID]?.trim() || null
  const { pem, source } = await privateKeyText(raw, env, options.cwd ?? process.cwd())
  const tokens = createTokenSource({
    keyId,
    issuerId,
    privateKey: parsePrivateKey(pem, source),
    now: options.now,
    ...(issuerId === null ? { unauthorizedHint: noIssuerHint(env, keyId) } : {}),
  })
  return {
    kind: 'env',
    keyId,
    issuerId,
    tokens,
    label: `${issuerId === null ? 'individual ' : ''}key ${keyId} from APP_STORE_CONNECT_* variables`,
    privateKeyPem: async () => normalizePem(pem),
  }
}

/**
 * Without an issuer id the key signs as an individual key; most team keys are refused that way. Says so, names
 * the variable, and points at a look-alike variable that is set (a misspelling), by name only.
 */
function noIssuerHint(env: NodeJS.ProcessEnv, keyId: string): string {
  const state = env[ENV_ISSUER_ID] === undefined ? 'is not set' : 'is empty'
  const lookalikes = Object.keys(env).filter(
    (name) => name !== ENV_ISSUER_ID && /ISSUER/i.test(name) && env[name]?.trim(),
  )
  const misspelled =
    lookalikes.length > 0
      ? ` (${lookalikes.join(', ')} ${lookalikes.length === 1 ? 'is' : 'are'} set: misspelled?)`
      : ''
  return (
    `no issuer id was given: ${ENV_ISSUER_ID} ${state}${misspelled}, so key ${keyId} was used as an individual key. ` +
    `For a team key, set ${ENV_ISSUER_ID} to the Issuer ID shown in App Store Connect → Users and Access → Integrations.`
  )
}

async function storedPem(
  keyService: Partial<Pick<KeyService, 'privateKeyPemFor'>>,
  keyId: string,
): Promise<string> {
  if (!keyService.privateKeyPemFor)
    throw new AscentError(
      'INTERNAL',
      `the stored key ${keyId} cannot be read for altool here; use --upload-method api`,
    )
  return keyService.privateKeyPemFor(keyId)
}

/** `APP_STORE_CONNECT_PRIVATE_KEY` is PEM text, `@file:PATH` or `@env:NAME` (Codemagic's forms). */
async function privateKeyText(
  raw: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ pem: string; source: string }> {
  const value = raw.trim()
  if (value.startsWith('@file:')) {
    const given = value.slice('@file:'.length).trim()
    const file = path.resolve(cwd, given.startsWith('~/') ? path.join(os.homedir(), given.slice(2)) : given)
    try {
      return {
        pem: await readTextFile(file, TEXT_FILE_KINDS.privateKey),
        source: `${ENV_PRIVATE_KEY} (${file})`,
      }
    } catch (error) {
      if (!(error instanceof TextFileError)) throw error
      throw new AscentError(
        'BAD_KEY',
        `${ENV_PRIVATE_KEY}: cannot read ${file}: ${error.message}; fix the @file: path`,
      )
    }
  }
  if (value.startsWith('@env:')) {
    const name = value.slice('@env:'.length).trim()
    const text = env[name]
    if (!text?.trim())
      throw new AscentError(
        'NO_CREDENTIALS',
        `${ENV_PRIVATE_KEY} points to @env:${name}, but ${name} is not set`,
      )
    return { pem: text, source: `${ENV_PRIVATE_KEY} (@env:${name})` }
  }
  return { pem: value, source: ENV_PRIVATE_KEY }
}
