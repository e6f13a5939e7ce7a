import { promises as fs } from 'node:fs'
import path from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { resolveCredentials } from '../../../electron/keys/credentials'
import type { KeyService } from '../../../electron/keys/key-service'
import { useTempDir } from '../../support/temp-dir'

const tempDir = useTempDir('ascent-cred-')

const ISSUER = 'aa11bb22-cc33-47e3-e053-5b8c7c11a4d1'

/** CI has no keychain: the environment path must never reach the key service. */
const untouchable: Pick<KeyService, 'list' | 'tokenSourceFor'> = {
  list: () => Promise.reject(new Error('the key service was consulted')),
  tokenSourceFor: () => Promise.reject(new Error('the key service was consulted')),
}

function pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
}

async function failure(promise: Promise<unknown>): Promise<AscentError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AscentError)
  return error as AscentError
}

describe('resolveCredentials from APP_STORE_CONNECT_* variables', () => {
  it('takes PEM text, also with literal \\n escapes as CI secrets often carry it', async () => {
    const key = pem()
    for (const text of [key, key.trim().replace(/\n/g, '\\n')]) {
      const credentials = await resolveCredentials({
        env: {
          APP_STORE_CONNECT_ISSUER_ID: ISSUER,
          APP_STORE_CONNECT_KEY_IDENTIFIER: 'ENVKEY1234',
          APP_STORE_CONNECT_PRIVATE_KEY: text,
        },
        keyService: untouchable,
      })
      expect(credentials).toMatchObject({ kind: 'env', keyId: 'ENVKEY1234', issuerId: ISSUER })
      const jwt = await credentials.tokens.token()
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', kid: 'ENVKEY1234' })
      expect(decodeJwt(jwt)).toMatchObject({ iss: ISSUER, aud: 'appstoreconnect-v1' })
      expect(credentials.label).not.toMatch(/BEGIN|eyJ/)
      // altool gets a clean PEM file whatever form the variable had; serialised, the credentials carry none.
      expect(await credentials.privateKeyPem()).toBe(key)
      expect(JSON.stringify(credentials)).not.toMatch(/BEGIN|PRIVATE/)
    }
  })

  it('takes @file:PATH (relative to cwd) and @env:NAME', async () => {
    const dir = await tempDir()
    await fs.writeFile(path.join(dir, 'AuthKey_X.p8'), pem())
    const fromFile = await resolveCredentials({
      env: {
        APP_STORE_CONNECT_ISSUER_ID: ISSUER,
        APP_STORE_CONNECT_KEY_IDENTIFIER: 'FILEKEY123',
        APP_STORE_CONNECT_PRIVATE_KEY: '@file:AuthKey_X.p8',
      },
      keyService: untouchable,
      cwd: dir,
    })
    expect(decodeProtectedHeader(await fromFile.tokens.token()).kid).toBe('FILEKEY123')
    const fromEnv = await resolveCredentials({
      env: {
        APP_STORE_CONNECT_KEY_IDENTIFIER: 'ENVKEY1234',
        APP_STORE_CONNECT_PRIVATE_KEY: '@env:MY_P8',
        MY_P8: pem(),
      },
      keyService: untouchable,
    })
    // No issuer: an individual key, which signs sub=user.
    expect(fromEnv.issuerId).toBeNull()
    expect(decodeJwt(await fromEnv.tokens.token())).toMatchObject({ sub: 'user' })
  })

  it('names the variable and the fix when something is missing or wrong', async () => {
    const base = { APP_STORE_CONNECT_ISSUER_ID: ISSUER, APP_STORE_CONNECT_KEY_IDENTIFIER: 'KEY1234567' }
    const cases = [
      [{ APP_STORE_CONNECT_ISSUER_ID: ISSUER }, 'NO_CREDENTIALS', /APP_STORE_CONNECT_KEY_IDENTIFIER/],
      [base, 'NO_CREDENTIALS', /APP_STORE_CONNECT_PRIVATE_KEY is not set/],
      [{ ...base, APP_STORE_CONNECT_PRIVATE_KEY: '@env:ABSENT' }, 'NO_CREDENTIALS', /ABSENT is not set/],
      [
        { ...base, APP_STORE_CONNECT_PRIVATE_KEY: '@file:/nonexistent/AuthKey.p8' },
        'BAD_KEY',
        /cannot read \/nonexistent\/AuthKey.p8/,
      ],
      [
        { ...base, APP_STORE_CONNECT_PRIVATE_KEY: 'not a key' },
        'BAD_KEY',
        /APP_STORE_CONNECT_PRIVATE_KEY is not a PEM key/,
      ],
    ] as const
    for (const [env, code, message] of cases) {
      const error = await failure(resolveCredentials({ env, keyService: untouchable }))
      expect(error.code).toBe(code)
      expect(error.message).toMatch(message)
    }
  })
})
