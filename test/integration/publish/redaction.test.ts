import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../../shared/errors'
import { redactStrings } from '../../../electron/publish/publisher'
import { demoSeed, publishHarness } from './publish-support'

const OPEN_PEM = '-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49'

describe('event redaction', () => {
  it('redacts each string, so a BEGIN line without END cannot break the event', () => {
    const event = {
      type: 'log',
      message: `quoted: ${OPEN_PEM}`,
      nested: { list: [`Bearer eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln`, 3] },
    }
    expect(redactStrings(event)).toEqual({
      type: 'log',
      message: 'quoted: [private key redacted]',
      nested: { list: ['Bearer [redacted]', 3] },
    })
  })

  it('a run whose event text holds an unterminated PEM still finishes, with the key redacted', async () => {
    // The app's name comes from App Store Connect and lands in the preflight summary unfiltered.
    const h = await publishHarness({ processingMs: 30, seed: demoSeed({ name: `Demo ${OPEN_PEM}` }) })
    try {
      const file = await h.ipa()
      const run = await h.publish(file, {})
      expect(run.outcome).toBe('uploaded')
      const preflight = h.events.find((e) => e.type === 'step-finished' && e.step === 'preflight')
      expect(preflight).toMatchObject({ summary: expect.stringContaining('[private key redacted]') })
      expect(JSON.stringify(h.events)).not.toContain('BEGIN PRIVATE KEY')
    } finally {
      await h.close()
    }
  })
})

describe('what the redactor takes', () => {
  const KEY = [
    '-----BEGIN PRIVATE KEY-----',
    'MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgevZzL1gdAFr88hb2',
    'OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r',
    '-----END PRIVATE KEY-----',
  ].join('\n')

  it('takes key material: whole, cut off, JSON-escaped, with headers', () => {
    expect(redactSecrets(`key: ${KEY} end`)).toBe('key: [private key redacted] end')
    expect(redactSecrets(`key: ${KEY.slice(0, 60)}`)).toBe('key: [private key redacted]')
    expect(redactSecrets(JSON.stringify({ key: KEY }))).toBe('{"key":"[private key redacted]"}')
    const encrypted =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B\n\nMIIEpAIBAAKCAQEAx0\n-----END RSA PRIVATE KEY-----'
    expect(redactSecrets(encrypted)).toBe('[private key redacted]')
  })

  it('leaves guidance that only names the BEGIN line', () => {
    const guidance =
      'APP_STORE_CONNECT_PRIVATE_KEY is not a PEM key: it has no "-----BEGIN PRIVATE KEY-----" line. Download the .p8 again'
    expect(redactSecrets(guidance)).toBe(guidance)
  })
})
