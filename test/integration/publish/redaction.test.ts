import { describe, expect, it } from 'vitest'
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
