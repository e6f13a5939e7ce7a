import { stat } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from 'vitest'
import { inspectBuild } from '../../../electron/ipa'

const sample = path.join(__dirname, '../../fixtures/sample/AscentDemo.ipa')

test('the committed sample is a small, clean App Store build of the demo app (regenerate: node scripts/make-sample-ipa.mjs)', async () => {
  expect((await stat(sample)).size).toBeLessThan(1024 * 1024)
  const summary = await inspectBuild(sample, { now: () => Date.parse('2030-01-01T00:00:00Z') })
  expect(summary).toMatchObject({
    kind: 'ipa',
    bundleId: 'com.example.ascent.demo',
    version: '1.1.0',
    buildNumber: '100',
    platform: 'IOS',
    problems: [],
    profile: { type: 'app-store', matchesBundleId: true },
    extensions: [{ bundleId: 'com.example.ascent.demo.widget', kind: 'com.apple.widgetkit-extension' }],
  })
})
