import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxOptions } from '../../../electron/sandbox'
import { PublishEvent } from '../../../shared/publish-events'
import { makeIpa } from '../../fixtures/build-factory'
import { runCli } from '../../support/cli'
import { withSandbox, type TestSandbox } from '../../support/sandbox'

/**
 * `ascent publish` against Apple's release-note and version-order rules, through the built CLI: what Apple
 * would refuse after the upload is refused before it (exit 3, nothing sent), and What's New reaches every
 * locale of an update, read back through App Store Connect's API.
 */

const BUNDLE = 'com.example.notes'
type Seed = NonNullable<SandboxOptions['seed']>

function seed(versions: Seed['apps'][number]['versions'] = []): Seed {
  return {
    apps: [
      {
        bundleId: BUNDLE,
        name: 'Notes',
        platforms: ['IOS'],
        locales: ['en-US', 'de-DE'],
        betaGroups: [{ name: 'QA', isInternal: true }],
        versions,
      },
    ],
  }
}
const onSale = (versionString: string) =>
  seed([{ platform: 'IOS', versionString, state: 'READY_FOR_DISTRIBUTION' }])

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-release-notes-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Publishes a build of `version` with `args` against a fresh sandbox holding `appSeed`. */
async function publish(
  appSeed: Seed,
  version: string,
  args: readonly string[],
  check: (r: { code: number | null; out: string; events: PublishEvent[] }, sb: TestSandbox) => Promise<void>,
): Promise<void> {
  await withSandbox({ seed: appSeed, processingMs: 30, reviewMs: 600_000 }, async (sb) => {
    const caseDir = await mkdtemp(join(dir, 'case-'))
    const file = await makeIpa({ bundleId: BUNDLE, version, buildNumber: '42' }, caseDir)
    const r = await runCli(
      ['publish', file, ...args.map((a) => a.replace('CASE', caseDir)), '--upload-method', 'api'],
      {
        env: {
          ASCENT_API_URL: sb.url,
          APP_STORE_CONNECT_KEY_IDENTIFIER: sb.keyId,
          APP_STORE_CONNECT_ISSUER_ID: sb.issuerId,
          APP_STORE_CONNECT_PRIVATE_KEY: `@file:${sb.privateKeyPath}`,
          ASCENT_DATA_DIR: join(caseDir, 'data'),
        },
      },
    )
    const events = args.includes('--json')
      ? r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => PublishEvent.parse(JSON.parse(l)))
      : []
    await check({ code: r.code, out: `${r.stdout}\n${r.stderr}`, events }, sb)
    expect(sb.schemaProblems()).toBe('')
  })
}

function writesSent(sb: TestSandbox): string[] {
  return Object.keys(sb.state().requests.byRoute).filter((route) => !route.startsWith('GET '))
}

/** The version's What's New per locale, read through App Store Connect's API. */
async function whatsNewOf(sb: TestSandbox, versionString: string): Promise<Record<string, unknown>> {
  const apps = (await sb.call('GET', `/v1/apps?filter[bundleId]=${BUNDLE}`)).body as {
    data: { id: string }[]
  }
  const versions = (await sb.call('GET', `/v1/apps/${apps.data[0]!.id}/appStoreVersions`)).body as {
    data: { id: string; attributes: { versionString: string } }[]
  }
  const version = versions.data.find((v) => v.attributes.versionString === versionString)!
  const localizations = (
    await sb.call('GET', `/v1/appStoreVersions/${version.id}/appStoreVersionLocalizations`)
  ).body as { data: { attributes: { locale: string; whatsNew?: string } }[] }
  return Object.fromEntries(
    localizations.data.map((l) => [l.attributes.locale, l.attributes.whatsNew ?? null]),
  )
}

async function submissionStates(sb: TestSandbox): Promise<string[]> {
  const apps = (await sb.call('GET', `/v1/apps?filter[bundleId]=${BUNDLE}`)).body as {
    data: { id: string }[]
  }
  const subs = (await sb.call('GET', `/v1/reviewSubmissions?filter[app]=${apps.data[0]!.id}`)).body as {
    data: { attributes: { state: string } }[]
  }
  return subs.data.map((s) => s.attributes.state)
}

describe('refused before upload (exit 3, nothing sent)', () => {
  it('an update without What’s New names the key, the flag and the field', async () => {
    await publish(onSale('1.0.0'), '1.1.0', ['--app-store'], async (r, sb) => {
      expect(r.code).toBe(3)
      expect(r.out).toContain('version 1.1.0 is an update (1.0.0 is on the App Store)')
      expect(r.out).toContain('What’s New in every locale (en-US, de-DE)')
      expect(r.out).toMatch(/whats_new.*--whats-new TEXT.*What’s New in the App Store panel/)
      expect(writesSent(sb)).toEqual([])
    })
  })

  it('a version lower than the one on sale, even for TestFlight only', async () => {
    await publish(onSale('2.5.0'), '2.4.0', ['--beta-group', 'QA'], async (r, sb) => {
      expect(r.code).toBe(3)
      expect(r.out).toMatch(
        /version 2\.4\.0 is lower than 2\.5\.0, already approved \(READY_FOR_DISTRIBUTION\) on IOS.*ITMS-90062.*raise CFBundleShortVersionString above 2\.5\.0/,
      )
      expect(writesSent(sb)).toEqual([])
    })
  })

  it('a build for the version on sale (its train is closed)', async () => {
    await publish(onSale('2.5.0'), '2.5.0', ['--app-store', '--whats-new', 'x'], async (r, sb) => {
      expect(r.code).toBe(3)
      expect(r.out).toMatch(
        /version 2\.5\.0 was already approved.*ITMS-90186.*raise CFBundleShortVersionString above 2\.5\.0/,
      )
      expect(writesSent(sb)).toEqual([])
    })
  })

  it('beta review without What to Test', async () => {
    await publish(onSale('1.0.0'), '1.1.0', ['--testflight'], async (r, sb) => {
      expect(r.code).toBe(3)
      expect(r.out).toMatch(
        /beta review needs What to Test .* in en-US: set what_to_test .*--what-to-test TEXT/,
      )
      expect(writesSent(sb)).toEqual([])
    })
  })
})

describe('What’s New reaches every locale of an update', () => {
  it('--whats-new: one text for every locale, then submitted for review', async () => {
    await publish(
      onSale('1.0.0'),
      '1.1.0',
      ['--app-store', '--whats-new', 'Faster sync.', '--testflight', '--what-to-test', 'Try sync'],
      async (r, sb) => {
        expect(r.out).not.toMatch(/error/i)
        expect(r.code).toBe(0)
        expect(await whatsNewOf(sb, '1.1.0')).toEqual({ 'en-US': 'Faster sync.', 'de-DE': 'Faster sync.' })
        expect(await submissionStates(sb)).toEqual(['WAITING_FOR_REVIEW'])
      },
    )
  })

  it('whats_new in codemagic.yaml: a text per locale', async () => {
    const yaml = join(dir, 'codemagic.yaml')
    await writeFile(
      yaml,
      [
        'workflows:',
        '  ios:',
        '    publishing:',
        '      app_store_connect:',
        '        submit_to_app_store: true',
        '        whats_new:',
        '          en-US: Faster sync.',
        '          de-DE: Schnellere Synchronisierung.',
        '',
      ].join('\n'),
    )
    await publish(onSale('1.0.0'), '1.1.0', ['--config', yaml], async (r, sb) => {
      expect(r.code).toBe(0)
      expect(await whatsNewOf(sb, '1.1.0')).toEqual({
        'en-US': 'Faster sync.',
        'de-DE': 'Schnellere Synchronisierung.',
      })
      expect(await submissionStates(sb)).toEqual(['WAITING_FOR_REVIEW'])
    })
  })

  it('a map that misses one of the version’s locales is refused, naming it', async () => {
    const yaml = join(dir, 'partial.yaml')
    await writeFile(yaml, 'submit_to_app_store: true\nwhats_new:\n  en-US: Faster sync.\n')
    await publish(onSale('1.0.0'), '1.1.0', ['--config', yaml], async (r, sb) => {
      expect(r.code).toBe(3)
      expect(r.out).toContain('What’s New has no text for de-DE')
      expect(writesSent(sb)).toEqual([])
    })
  })
})

it('a first version with What’s New and phased release publishes with two warnings and sends neither', async () => {
  await publish(
    seed(),
    '1.0.0',
    ['--app-store', '--whats-new', 'Hello', '--phased-release', '--json'],
    async (r, sb) => {
      expect(r.code).toBe(0)
      const warnings = r.events
        .filter((e) => e.type === 'log' && e.level === 'warn')
        .map((e) => (e.type === 'log' ? e.message : ''))
      expect(warnings).toEqual([
        expect.stringMatching(
          /^What’s New is not sent: 1\.0\.0 is the first App Store version of this app on IOS/,
        ),
        expect.stringMatching(/^phased release is not turned on: 1\.0\.0 is the first App Store version/),
      ])
      expect(r.events.find((e) => e.type === 'run-finished')).toMatchObject({
        outcome: 'submitted-for-review',
      })
      expect(await whatsNewOf(sb, '1.0.0')).toEqual({ 'en-US': null, 'de-DE': null })
      expect(sb.state().phasedReleases).toEqual([])
      const routes = Object.keys(sb.state().requests.byRoute)
      expect(
        routes.filter(
          (route) => /appStoreVersionLocalizations|PhasedRelease/.test(route) && !route.startsWith('GET'),
        ),
      ).toEqual([])
    },
  )
})
