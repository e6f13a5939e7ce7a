import { afterEach, describe, expect, it } from 'vitest'
import { publishHarness, type PublishHarness } from './publish-support'

let h: PublishHarness
afterEach(async () => h?.close())

describe('publish smoke', () => {
  it('uploads and submits to TestFlight and the App Store', async () => {
    h = await publishHarness()
    const file = await h.ipa()
    const run = await h.publish(file, {
      submitToTestflight: true,
      betaGroups: ['QA', 'Public Beta'],
      whatToTest: 'Try the new onboarding',
      submitToAppStore: true,
      copyright: '2026 Example Inc.',
    })
    console.log(JSON.stringify(run, null, 1))
    console.log(h.events.map((e) => JSON.stringify(e)).join('\n'))
    expect(run.outcome).toBe('published')
  })
})
