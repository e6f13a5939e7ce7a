import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa, type IpaOptions } from '../../fixtures/build-factory'
import { runCli, startCliSandbox, type CliSandbox } from '../../support/cli'
import type { TestSandbox } from '../../support/sandbox'

/** `ascent publish` refuses a build App Store Connect would refuse before a byte is sent (exit 3). */

let cli: CliSandbox
let sandbox: TestSandbox
let dir: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  cli = await startCliSandbox('ascent-validation-cli-', {
    processingMs: 40,
    betaReviewMs: 60_000,
    reviewMs: 60_000,
  })
  ;({ sandbox, dir, env } = cli)
})
afterAll(() => cli.close())

const VENDOR = 'AscentDemo.app/Frameworks/Vendor.framework'

const variants: [string, IpaOptions, string, string][] = [
  ['an old SDK', { sdkVersion: '18.2' }, 'SDK_TOO_OLD', 'AscentDemo.app'],
  [
    'no icon name',
    { infoPlistExtra: { CFBundleIcons: { CFBundlePrimaryIcon: { CFBundleIconFiles: ['AppIcon60x60'] } } } },
    'APP_ICON_NAME_MISSING',
    'AscentDemo.app',
  ],
  [
    'a framework with a simulator slice',
    {
      frameworks: [{ name: 'Vendor.framework', executable: { fat: [{ cpu: 'x86_64' }, { cpu: 'arm64' }] } }],
    },
    'SIMULATOR_SLICE',
    VENDOR,
  ],
  [
    'a framework whose version is not numeric',
    { frameworks: [{ name: 'Vendor.framework', infoPlist: { CFBundleShortVersionString: '5.0.0-beta1' } }] },
    'VERSION_FORMAT',
    VENDOR,
  ],
  [
    'a listed SDK framework without a privacy manifest',
    { frameworks: ['Alamofire.framework'] },
    'PRIVACY_MANIFEST_MISSING',
    'AscentDemo.app/Frameworks/Alamofire.framework',
  ],
  [
    'an iPad build without all orientations or UIRequiresFullScreen',
    { infoPlistExtra: { UISupportedInterfaceOrientations: ['UIInterfaceOrientationPortrait'] } },
    'IPAD_ORIENTATIONS',
    'AscentDemo.app',
  ],
  [
    'a sanitizer runtime left in Frameworks (archived with Address Sanitizer on)',
    { frameworks: ['AscentKit.framework', 'libclang_rt.asan_ios_dynamic.dylib'] },
    'LOOSE_BINARY',
    'AscentDemo.app',
  ],
]

describe('ascent publish refuses what Apple refuses, before any upload', () => {
  it.each(variants)(
    '%s: exit 3, the bundle and the rule named, nothing sent',
    async (_, options, code, bundle) => {
      const file = await makeIpa({ ...options, fileName: `${code}.ipa` }, dir)
      const before = sandbox.state().requests.byRoute
      const r = await runCli(['publish', file, '--testflight', '--json'], { env })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(3)
      const failed = r.stdout
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as { type: string; step?: string; error?: { message: string; detail?: string } },
        )
        .find((e) => e.type === 'step-failed')
      expect(failed?.step).toBe('preflight')
      expect(failed?.error?.message).toContain(`${bundle}: `)
      expect(failed?.error?.detail).toContain(code)
      const after = sandbox.state().requests.byRoute
      const writes = Object.keys(after).filter(
        (route) => !route.startsWith('GET ') && after[route] !== before[route],
      )
      expect(writes).toEqual([])
      expect(sandbox.state().buildUploads).toEqual([])
    },
  )

  it('the fixed build, with the same version and build number, then publishes to TestFlight (exit 0)', async () => {
    const file = await makeIpa({ fileName: 'fixed.ipa' }, dir)
    const r = await runCli(['publish', file, '--testflight', '--what-to-test', 'Fixed build'], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })
})
