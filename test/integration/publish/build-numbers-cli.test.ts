import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxOptions } from '../../../electron/sandbox'
import { makeIpa, makePkg } from '../../fixtures/build-factory'
import { runCli, sandboxCredentials } from '../../support/cli'
import { withSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * `ascent publish` against App Store Connect's build-number rules, through the built CLI: a build number used in
 * the same version train is refused whether the train is written 1.1 or 1.1.0 (Apple counts them as one), and on
 * macOS a build number must be higher than every earlier one (ITMS-90061). Both are refused before the upload
 * (exit 3, nothing sent), and the sandbox refuses such an upload the way Apple does.
 */

type Seed = NonNullable<SandboxOptions['seed']>

const IOS_APP = 'com.example.numbers'
const MAC_APP = 'com.example.numbers.mac'

const seed: Seed = {
  apps: [
    {
      bundleId: IOS_APP,
      name: 'Numbers',
      platforms: ['IOS'],
      betaGroups: [{ name: 'QA', isInternal: true }],
      versions: [],
      builds: [{ versionString: '1.1.0', buildNumber: '100', platform: 'IOS', state: 'VALID' }],
    },
    {
      bundleId: MAC_APP,
      name: 'Numbers for Mac',
      platforms: ['MAC_OS'],
      betaGroups: [{ name: 'Mac QA', isInternal: true }],
      versions: [],
      builds: [{ versionString: '1.0', buildNumber: '100', platform: 'MAC_OS', state: 'VALID' }],
    },
  ],
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-build-numbers-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function publish(sb: TestSandbox, file: string, caseDir: string, args: readonly string[] = []) {
  const r = await runCli(['publish', file, '--upload-method', 'api', ...args], {
    env: { ...sandboxCredentials(sb), ASCENT_DATA_DIR: join(caseDir, 'data') },
  })
  return { code: r.code, out: `${r.stdout}\n${r.stderr}` }
}

async function createUpload(
  sb: TestSandbox,
  bundleId: string,
  platform: string,
  version: string,
  build: string,
) {
  const app = sb.state().apps.find((a) => a.bundleId === bundleId)
  return sb.call('POST', '/v1/buildUploads', {
    data: {
      type: 'buildUploads',
      attributes: { cfBundleShortVersionString: version, cfBundleVersion: build, platform },
      relationships: { app: { data: { type: 'apps', id: app?.id } } },
    },
  })
}

describe('a build number used in the same train, written 1.1 instead of 1.1.0', () => {
  it('is refused before the upload, and the sandbox refuses the upload as a redundant binary', async () => {
    await withSandbox({ seed, processingMs: 30 }, async (sb) => {
      const caseDir = await mkdtemp(join(dir, 'ios-'))
      const file = await makeIpa({ bundleId: IOS_APP, version: '1.1', buildNumber: '100' }, caseDir)
      const r = await publish(sb, file, caseDir, ['--beta-group', 'QA'])
      expect(r.out).toMatch(/build 100 of version 1\.1 \(IOS\) is already in App Store Connect \(valid\)/)
      expect(r.code).toBe(3)
      expect(sb.state().buildUploads).toHaveLength(0)

      const refused = await createUpload(sb, IOS_APP, 'IOS', '1.1', '100')
      expect(refused.status).toBe(409)
      expect(JSON.stringify(refused.body)).toContain('90189')

      // Another train takes the same number (iOS numbers are unique per version train only).
      const other = await makeIpa({ bundleId: IOS_APP, version: '1.2', buildNumber: '100' }, caseDir)
      expect((await publish(sb, other, caseDir, ['--beta-group', 'QA'])).code).toBe(0)
      expect(sb.schemaProblems()).toBe('')
    })
  })
})

describe('a macOS build number not higher than an earlier one (ITMS-90061)', () => {
  it('is refused before the upload, naming both numbers; the sandbox refuses such an upload; a higher one publishes', async () => {
    await withSandbox({ seed, processingMs: 30 }, async (sb) => {
      const caseDir = await mkdtemp(join(dir, 'mac-'))
      for (const lower of ['50', '100.0', '99.9.9']) {
        const pkg = await makePkg(
          { bundleId: MAC_APP, version: '1.1', buildNumber: lower, fileName: `lower-${lower}.pkg` },
          caseDir,
        )
        const r = await publish(sb, pkg, caseDir)
        expect(r.out).toContain(
          `build ${lower} is not higher than build 100 (version 1.0), already in App Store Connect: on macOS`,
        )
        expect(r.out).toContain('ITMS-90061')
        expect(r.code).toBe(3)
      }
      expect(sb.state().buildUploads).toHaveLength(0)

      const refused = await createUpload(sb, MAC_APP, 'MAC_OS', '1.1', '50')
      expect(refused.status).toBe(409)
      expect(JSON.stringify(refused.body)).toContain(
        'The value for key CFBundleVersion [50] in the Info.plist file must contain a higher version than that of the previously uploaded version [100].',
      )
      // iOS has no such rule: a lower number in a new train is fine there.
      expect((await createUpload(sb, IOS_APP, 'IOS', '1.2', '50')).status).toBe(201)

      const higher = await makePkg({ bundleId: MAC_APP, version: '1.1', buildNumber: '100.1' }, caseDir)
      const r = await publish(sb, higher, caseDir, ['--beta-group', 'Mac QA'])
      expect(r.code).toBe(0)
      expect(sb.schemaProblems()).toBe('')
    })
  })
})
