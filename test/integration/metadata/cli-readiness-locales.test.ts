import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { writeFolder } from '../../fixtures/deliver-folder-factory'
import { runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { useTempDir } from '../../support/temp-dir'

/**
 * A three-locale app whose first App Store version does not exist yet: readiness judges it in every locale it will
 * have, so `metadata check` and publish's preflight list the same items before the first save as after it.
 */

const BUNDLE_ID = 'com.example.trilingual'
const LOCALES = ['en-US', 'de-DE', 'fr-FR']
let sandbox: TestSandbox
let env: NodeJS.ProcessEnv
const tempDir = useTempDir('ascent-readiness-locales-')

beforeAll(async () => {
  sandbox = await startTestSandbox({
    seed: {
      apps: [
        {
          bundleId: BUNDLE_ID,
          name: 'Trilingual',
          platforms: ['IOS'],
          locales: LOCALES,
          appStoreInfo: false,
          betaGroups: [],
          versions: [],
          builds: [],
        },
      ],
    },
  })
  env = { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(await tempDir(), 'data') }
})
afterAll(async () => {
  await sandbox.close()
})

interface Missing {
  readonly field: string
  readonly locale?: string
}

async function missing(): Promise<string[]> {
  const check = await runCli(['metadata', 'check', BUNDLE_ID, '--app-version', '1.0', '--json'], { env })
  expect(check.code, check.stderr).toBe(3)
  const items = (JSON.parse(check.stdout) as { missing: Missing[] }).missing
  return items.map((m) => `${m.field}${m.locale ? `@${m.locale}` : ''}`).sort()
}

describe('readiness of a version not created yet', () => {
  it('judges every locale the version will have, the same before the first save as after it', async () => {
    const before = await missing()
    for (const locale of LOCALES)
      for (const field of ['description', 'keywords', 'supportUrl'])
        expect(before).toContain(`${field}@${locale}`)

    // Publish's preflight reads less (one locale's screenshots), and judges the same locales.
    const dir = await tempDir()
    const build = await makeIpa({ bundleId: BUNDLE_ID, version: '1.0', buildNumber: '1' }, dir)
    const publish = await runCli(['publish', build, '--app-store', '--plan'], { env })
    expect(publish.code, publish.stderr).toBe(3)
    for (const locale of LOCALES) expect(publish.stdout).toContain(`${locale}: description, keywords`)

    // The first save creates the version: one item filled, every other one still listed.
    const folder = await writeFolder(join(dir, 'deliver'), { 'metadata/en-US/keywords.txt': 'one,two' })
    const push = await runCli(['metadata', 'push', BUNDLE_ID, '--app-version', '1.0', '--from', folder], {
      env,
    })
    expect(push.code, push.stderr).toBe(0)
    expect(await missing()).toEqual(before.filter((item) => item !== 'keywords@en-US'))
  })
})
