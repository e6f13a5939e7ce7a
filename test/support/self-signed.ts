import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * A P-256 key and a certificate signed by itself (a private CA of one) for `localhost`, made by openssl into `dir`
 * as `<name>-key.pem` and `<name>-cert.pem`.
 */
export function selfSignedCertificate(dir: string, name: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, `${name}-key.pem`)
  const certFile = join(dir, `${name}-cert.pem`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  )
  return { keyFile, certFile }
}
