import { createPrivateKey, type KeyObject } from 'node:crypto'
import { AscentError } from '../../shared/errors'

/**
 * App Store Connect API keys are EC P-256 keys in PKCS#8 PEM (`AuthKey_<KEY_ID>.p8`, `BEGIN PRIVATE KEY`).
 * Anything else is refused on load with a message that says what the file is and how to get the right one,
 * so a wrong file fails at `keys add` instead of as a 401 in the middle of a publish.
 * No message ever quotes the input: it may hold key material.
 */

const GET_P8 =
  'Use the .p8 file App Store Connect offers once when the key is created (Users and Access → Integrations → App Store Connect API).'

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/g

export function parsePrivateKey(pem: string, source = 'the private key'): KeyObject {
  const fail = (reason: string): never => {
    throw new AscentError('BAD_KEY', `${source} ${reason}`)
  }
  // CI variables often arrive with literal "\n" instead of newlines, or with CRLF from Windows editors.
  const text = pem
    .replace(/^\uFEFF/, '')
    .replace(/\\n/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim()
  if (text.length === 0) return fail(`is empty. ${GET_P8}`)

  const labels = [...text.matchAll(PEM_LABEL)].map((m) => m[1] ?? '')
  if (labels.length === 0) {
    // A .p12 / DER file read as text is full of control and replacement characters; a PEM never is.
    // eslint-disable-next-line no-control-regex -- detecting binary content is the point
    if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) {
      return fail(`is a binary file (a .p12/PKCS#12 bundle or a DER key), not a .p8 PEM key. ${GET_P8}`)
    }
    return fail(`is not a PEM key: it has no "-----BEGIN PRIVATE KEY-----" line. ${GET_P8}`)
  }

  const label = labels.find((l) => l.endsWith('PRIVATE KEY')) ?? labels[0] ?? ''
  switch (label) {
    case 'PRIVATE KEY':
      break
    case 'CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
    case 'CERTIFICATE REQUEST':
      return fail(`is a certificate, not a private key. ${GET_P8}`)
    case 'PUBLIC KEY':
      return fail(`is a public key; signing needs the private key. ${GET_P8}`)
    case 'RSA PRIVATE KEY':
      return fail(`is an RSA key; App Store Connect API keys are EC P-256 keys. ${GET_P8}`)
    case 'EC PRIVATE KEY':
      return fail(
        'is an EC key in SEC1 form ("BEGIN EC PRIVATE KEY"); Ascent needs PKCS#8 ("BEGIN PRIVATE KEY"). ' +
          'Convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out AuthKey.p8',
      )
    case 'ENCRYPTED PRIVATE KEY':
      return fail(
        'is encrypted with a passphrase; App Store Connect keys are not. ' +
          'Decrypt it with: openssl pkey -in key.p8 -out AuthKey.p8 (it asks for the passphrase), or download the .p8 again.',
      )
    case 'OPENSSH PRIVATE KEY':
      return fail(`is an OpenSSH key, not an App Store Connect API key. ${GET_P8}`)
    default:
      return fail(`holds a "${label}" block, not a private key. ${GET_P8}`)
  }

  const begin = text.indexOf('-----BEGIN PRIVATE KEY-----')
  const end = text.indexOf('-----END PRIVATE KEY-----', begin)
  if (end < 0)
    return fail(`is truncated: the "-----END PRIVATE KEY-----" line is missing. Copy the whole .p8 file.`)
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text.slice(begin, end))) {
    return fail('is encrypted with a passphrase; decrypt it with: openssl pkey -in key.p8 -out AuthKey.p8')
  }

  let key: KeyObject
  try {
    key = createPrivateKey({
      key: text.slice(begin, end + '-----END PRIVATE KEY-----'.length) + '\n',
      format: 'pem',
    })
  } catch {
    // Deliberately not chaining the cause: OpenSSL's message can echo parts of the input.
    return fail(
      `is damaged or truncated: its base64 body does not decode to a key. Copy the whole .p8 file again.`,
    )
  }

  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return fail(`is an RSA key; App Store Connect API keys are EC P-256 keys. ${GET_P8}`)
  }
  if (key.asymmetricKeyType !== 'ec') {
    return fail(
      `is a ${key.asymmetricKeyType ?? 'unknown'} key; App Store Connect API keys are EC P-256 keys. ${GET_P8}`,
    )
  }
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (curve !== 'prime256v1') {
    return fail(
      `is an EC key on curve ${curve ?? 'unknown'}; App Store Connect signs with ES256, which needs P-256 (prime256v1). ${GET_P8}`,
    )
  }
  return key
}

/** The key as a clean PEM (what keychains and altool get): CI-style "\n" escapes and CRLF undone, so any tool reading the item gets a .p8. */
export function normalizePem(pem: string): string {
  const text = pem
    .replace(/^\uFEFF/, '')
    .replace(/\\n/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim()
  const begin = text.indexOf('-----BEGIN PRIVATE KEY-----')
  const endMarker = '-----END PRIVATE KEY-----'
  const end = text.indexOf(endMarker, begin)
  return text.slice(begin, end + endMarker.length) + '\n'
}
