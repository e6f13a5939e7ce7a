import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { AscentError } from '../../../shared/errors'
import { selfSignedCertificate } from '../../support/self-signed'

function p256Pkcs8(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
}

function refusal(input: string, source = 'AuthKey_TEST.p8'): AscentError {
  try {
    parsePrivateKey(input, source)
  } catch (error) {
    expect(error).toBeInstanceOf(AscentError)
    const e = error as AscentError
    expect(e.code).toBe('BAD_KEY')
    expect(e.message.startsWith(source)).toBe(true)
    // No key material in the message: no run of base64 longer than a word.
    expect(e.message).not.toMatch(/[A-Za-z0-9+/]{40,}/)
    return e
  }
  throw new Error('expected the key to be refused')
}

describe('parsePrivateKey', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ascent-key-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('accepts an EC P-256 PKCS#8 key, also with CRLF or literal \\n line breaks', () => {
    const pem = p256Pkcs8()
    for (const form of [pem, pem.replace(/\n/g, '\r\n'), pem.replace(/\n/g, '\\n'), `\n  ${pem}  \n`]) {
      const key = parsePrivateKey(form)
      expect(key.type).toBe('private')
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    }
  })

  it('takes the key out of a file that also holds a certificate', async () => {
    const { keyFile, certFile } = selfSignedCertificate(dir, 'p256')
    const bundle = (await readFile(certFile, 'utf8')) + (await readFile(keyFile, 'utf8'))
    expect(parsePrivateKey(bundle).asymmetricKeyType).toBe('ec')
  })

  it('refuses empty input', () => {
    expect(refusal('').message).toMatch(/is empty/)
    expect(refusal('  \n\t ').message).toMatch(/is empty/)
  })

  it('refuses a certificate', async () => {
    const { certFile } = selfSignedCertificate(dir, 'p256')
    expect(refusal(await readFile(certFile, 'utf8')).message).toMatch(/is a certificate.*\.p8/)
  })

  it('refuses RSA keys in PKCS#1 and PKCS#8 form', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    expect(refusal(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()).message).toMatch(
      /RSA key.*EC P-256/,
    )
    expect(refusal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).message).toMatch(
      /RSA key.*EC P-256/,
    )
  })

  it('refuses an EC key on another curve and an Ed25519 key', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    })
    expect(refusal(p384.toString()).message).toMatch(/curve secp384r1.*P-256/)
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })
    expect(refusal(ed.toString()).message).toMatch(/ed25519 key/)
  })

  it('refuses a SEC1 EC key and says how to convert it', () => {
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'sec1',
      format: 'pem',
    })
    expect(refusal(sec1.toString()).message).toMatch(
      /SEC1.*openssl pkcs8 -topk8 -nocrypt -in key\.pem -out AuthKey\.p8/,
    )
  })

  it('refuses an encrypted key and says how to decrypt it', () => {
    const enc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'secret',
    })
    expect(refusal(enc.toString()).message).toMatch(/encrypted.*openssl pkey/)
  })

  it('refuses a public key', () => {
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    })
    expect(refusal(pub.toString()).message).toMatch(/public key/)
  })

  it('refuses a truncated file and a garbled one', () => {
    const pem = p256Pkcs8()
    expect(refusal(pem.slice(0, Math.floor(pem.length / 2))).message).toMatch(/truncated.*END PRIVATE KEY/)
    const lines = pem.trim().split('\n')
    const garbled = [lines[0], lines[1]?.slice(0, 20), lines.at(-1)].join('\n')
    expect(refusal(garbled).message).toMatch(/damaged or truncated/)
  })

  it('refuses a .p12 bundle read as text', async () => {
    const { keyFile, certFile } = selfSignedCertificate(dir, 'p256')
    const p12File = join(dir, 'b.p12')
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-out', p12File, '-passout', 'pass:x'],
      { stdio: 'ignore' },
    )
    expect(refusal(await readFile(p12File, 'utf8')).message).toMatch(/binary file.*PKCS#12/)
    expect(refusal(await readFile(p12File, 'latin1')).message).toMatch(/binary file/)
  })

  it('refuses text that is not PEM at all', () => {
    expect(refusal('KEY_ID=ABC123').message).toMatch(/not a PEM key/)
  })

  it('names the default source when none is given', () => {
    expect(() => parsePrivateKey('')).toThrow(/^the private key is empty/)
  })
})
