import { generateKeyPairSync } from 'node:crypto'
import { delimiter, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLE_API_URL } from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import { createPublishConnection } from '../../../electron/publish/connection'
import { defaultUploaderFactory } from '../../../electron/publish/default-uploader'
import type { RunCredentials } from '../../../electron/publish/types'

/** Which uploader the pipeline's `auto` picks: altool where `xcrun altool` runs and can reach the service. */

const STANDIN_BIN = resolve(__dirname, '../../fixtures/bin')
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const SANDBOX_URL = 'http://127.0.0.1:9'

function credentials(apiUrl: string, withKey: boolean): RunCredentials {
  const tokens = createTokenSource({
    keyId: 'ABC123DEF4',
    issuerId: 'issuer',
    privateKey: parsePrivateKey(PEM),
  })
  return {
    apiUrl,
    tokens,
    ...(withKey
      ? { signingKey: { keyId: 'ABC123DEF4', issuerId: 'issuer', privateKeyPem: async () => PEM } }
      : {}),
  }
}

async function methodFor(
  method: 'auto' | 'api' | 'altool',
  apiUrl: string,
  options: { withKey?: boolean; path?: string } = {},
): Promise<string> {
  const factory = defaultUploaderFactory({
    altool: {
      env: { ...process.env, PATH: options.path ?? `${STANDIN_BIN}${delimiter}${process.env.PATH ?? ''}` },
    },
  })
  const creds = credentials(apiUrl, options.withKey ?? true)
  const uploader = await factory({
    method,
    credentials: creds,
    connection: createPublishConnection({ baseUrl: apiUrl, tokens: creds.tokens }),
    resumeDir: '/nonexistent',
  })
  // The plan asks the same question before the run; it must get the same answer.
  expect(await factory.methodFor?.(method, creds)).toBe(uploader.method)
  return uploader.method
}

describe('defaultUploaderFactory', () => {
  it('auto is altool when `xcrun altool --version` works, the run talks to Apple and there is a key', async () => {
    expect(await methodFor('auto', APPLE_API_URL)).toBe('altool')
  })
  it('auto is the Build Upload API without xcrun', async () => {
    expect(await methodFor('auto', APPLE_API_URL, { path: '/nonexistent' })).toBe('api')
  })
  it('auto is the Build Upload API against another App Store Connect (altool only uploads to Apple)', async () => {
    expect(await methodFor('auto', SANDBOX_URL)).toBe('api')
  })
  it('auto is the Build Upload API when the credentials carry no key for altool', async () => {
    expect(await methodFor('auto', APPLE_API_URL, { withKey: false })).toBe('api')
  })
  it('an explicit method is used as asked; altool without a key is refused', async () => {
    expect(await methodFor('altool', SANDBOX_URL)).toBe('altool')
    expect(await methodFor('api', APPLE_API_URL)).toBe('api')
    await expect(methodFor('altool', APPLE_API_URL, { withKey: false })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    })
  })
})
