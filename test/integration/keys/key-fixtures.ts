import { generateKeyPairSync, randomBytes } from 'node:crypto'

/** An App Store Connect-shaped key: EC P-256, PKCS#8 PEM, with a random 10-character key id. */
export function makeAscKey(): { keyId: string; pem: string; body: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return { keyId: randomKeyId(), pem, body: pemBody(pem) }
}

/**
 * The APP_STORE_CONNECT_* variables of a new random team key (`privateKey` stands in for its PEM, e.g.
 * `@file:PATH`), for CLI runs against servers that never check the signature.
 */
export function ascKeyEnv(privateKey?: string): NodeJS.ProcessEnv {
  const key = makeAscKey()
  return {
    APP_STORE_CONNECT_KEY_IDENTIFIER: key.keyId,
    APP_STORE_CONNECT_ISSUER_ID: '69a6de70-0000-47e3-e053-5b8c7c11a4d1',
    APP_STORE_CONNECT_PRIVATE_KEY: privateKey ?? key.pem,
  }
}

function randomKeyId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('')
}

/** The base64 lines between BEGIN and END, joined: what must never appear in a log or a file. */
export function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('')
}

/** Every wrong thing a person might pick instead of a .p8, as file bytes. */
export function badKeyFiles(): ReadonlyArray<{
  readonly name: string
  readonly bytes: Buffer
  readonly says: RegExp
}> {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ed = generateKeyPairSync('ed25519')
  const good = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const text = (s: string): Buffer => Buffer.from(s, 'utf8')
  return [
    { name: 'empty', bytes: Buffer.alloc(0), says: /empty/ },
    { name: 'plain text', bytes: text('my key is in the other folder\n'), says: /not a PEM key/ },
    { name: 'DER', bytes: ec.privateKey.export({ type: 'pkcs8', format: 'der' }), says: /binary/ },
    {
      name: 'RSA PKCS#8',
      bytes: text(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      says: /RSA/,
    },
    {
      name: 'RSA PKCS#1',
      bytes: text(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
      says: /RSA/,
    },
    {
      name: 'P-384',
      bytes: text(p384.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      says: /P-256/,
    },
    {
      name: 'Ed25519',
      bytes: text(ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      says: /ed25519/,
    },
    {
      name: 'SEC1',
      bytes: text(ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString()),
      says: /PKCS#8/,
    },
    {
      name: 'public key',
      bytes: text(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
      says: /public key/,
    },
    {
      name: 'encrypted PKCS#8',
      bytes: text(
        ec.privateKey
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
          .toString(),
      ),
      says: /encrypted/,
    },
    { name: 'truncated', bytes: text(good.slice(0, good.length - 30)), says: /truncated/ },
    {
      name: 'damaged body',
      // A line missing from the middle: the DER lengths no longer add up.
      bytes: text(
        good
          .split('\n')
          .filter((_, i) => i !== 2)
          .join('\n'),
      ),
      says: /damaged|truncated/,
    },
    {
      name: 'certificate',
      bytes: text(
        `-----BEGIN CERTIFICATE-----\n${randomBytes(60).toString('base64')}\n-----END CERTIFICATE-----\n`,
      ),
      says: /certificate/,
    },
  ]
}
