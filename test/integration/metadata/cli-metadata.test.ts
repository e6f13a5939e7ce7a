import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { COMPLETE_TEXT, iphoneScreenshots, writeFolder } from '../../fixtures/deliver-folder-factory'
import { jpegImage } from '../../fixtures/image-factory'
import { pngImage } from '../../fixtures/screenshot-factory'
import { runCli, sandboxCredentials } from '../../support/cli'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { useTempDir } from '../../support/temp-dir'

/**
 * A brand-new app record with the built CLI: publish to the App Store is refused before the upload with
 * every missing item; `metadata check` agrees; a deliver folder with a wrong-size screenshot is refused
 * locally with nothing sent; the right folder fills the version; publish then ends submitted for review;
 * App Store Connect's own API shows the text and screenshots; pull gives the text back.
 */

const BUNDLE_ID = 'com.example.fresh'
const SECOND_ID = 'com.example.fresh.second'
const THIRD_ID = 'com.example.fresh.third'
const FOURTH_ID = 'com.example.fresh.fourth'
let sandbox: TestSandbox
let env: NodeJS.ProcessEnv
const tempDir = useTempDir('ascent-metadata-cli-')

beforeAll(async () => {
  sandbox = await startTestSandbox({
    // Reviews wait for a decision: the version stays WAITING_FOR_REVIEW for the checks below.
    reviewMs: 0,
    seed: {
      apps: [
        {
          bundleId: BUNDLE_ID,
          name: 'Fresh',
          platforms: ['IOS'],
          appStoreInfo: false,
          betaGroups: [],
          versions: [],
          builds: [],
        },
        {
          bundleId: SECOND_ID,
          name: 'Fresh Second',
          platforms: ['IOS'],
          appStoreInfo: false,
          betaGroups: [],
          versions: [{ platform: 'IOS', versionString: '2.0', state: 'PREPARE_FOR_SUBMISSION' }],
          builds: [],
        },
        {
          bundleId: THIRD_ID,
          name: 'Fresh Third',
          platforms: ['IOS'],
          appStoreInfo: false,
          betaGroups: [],
          versions: [{ platform: 'IOS', versionString: '3.0', state: 'PREPARE_FOR_SUBMISSION' }],
          builds: [],
        },
        {
          bundleId: FOURTH_ID,
          name: 'Fresh Fourth',
          platforms: ['IOS'],
          appStoreInfo: false,
          betaGroups: [],
          versions: [{ platform: 'IOS', versionString: '1.0', state: 'PREPARE_FOR_SUBMISSION' }],
          builds: [],
        },
      ],
    },
  })
})
afterAll(async () => {
  await sandbox.close()
})

/** Requests that change something (anything but GET) the sandbox has answered so far. */
async function writes(): Promise<number> {
  const state = (await sandbox.call('GET', '/__sandbox/state')).body as {
    requests: { byRoute: Record<string, number> }
  }
  return Object.entries(state.requests.byRoute)
    .filter(([route]) => !route.startsWith('GET'))
    .reduce((sum, [, n]) => sum + n, 0)
}

async function api<T>(path: string): Promise<T> {
  const r = await sandbox.call('GET', path)
  expect(r.status).toBe(200)
  return r.body as T
}

describe('a first version without a trip to the website', () => {
  it('is refused, filled from a deliver folder, submitted, and pulled back', async () => {
    const dir = await tempDir()
    env = { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(dir, 'data') }
    // An iPhone app: App Review wants iPhone screenshots (an iPad build would need the 13-inch iPad slot too).
    const ipa = await makeIpa(
      { bundleId: BUNDLE_ID, version: '1.0', buildNumber: '1', deviceFamilies: [1] },
      dir,
    )

    // 1. Publishing to the App Store is refused before any upload, naming what is missing.
    const refused = await runCli(['publish', ipa, '--app-store'], { env })
    expect(refused.code).toBe(3)
    for (const words of [
      /privacy policy URL/i,
      /category/i,
      /screenshots/i,
      /description/i,
      /keywords/i,
      /support URL/i,
    ])
      expect(refused.stderr + refused.stdout).toMatch(words)
    expect(await writes()).toBe(0)

    // 2. metadata check agrees.
    const check = await runCli(['metadata', 'check', BUNDLE_ID, '--app-version', '1.0', '--json'], { env })
    expect(check.code).toBe(3)
    const answer = JSON.parse(check.stdout) as {
      ready: boolean
      missing: { field: string; locale?: string }[]
    }
    expect(answer.ready).toBe(false)
    expect(answer.missing.map((m) => m.field)).toEqual(
      expect.arrayContaining([
        'privacyPolicyUrl',
        'primaryCategory',
        'screenshots',
        'description',
        'keywords',
        'supportUrl',
      ]),
    )

    // Copyright is a release setting, not a field of the information panel: the note names the setting.
    const said = await runCli(['metadata', 'check', BUNDLE_ID, '--app-version', '1.0'], { env })
    const note = said.stdout.split('\n').find((line) => /note: no copyright/.test(line)) ?? ''
    expect(note).toContain('set copyright in codemagic.yaml')
    expect(note).toContain('pass --copyright TEXT')
    expect(note).not.toContain('App Store information panel')

    // Without --app-version the app's first version to come is judged (it has none yet).
    const unnamed = await runCli(['metadata', 'check', BUNDLE_ID, '--json'], { env })
    expect(unnamed.code).toBe(3)
    expect(JSON.parse(unnamed.stdout)).toMatchObject({ ready: false })

    // 3. A wrong-size screenshot is refused locally: exit 2, the file and the accepted sizes named, nothing sent.
    const bad = await writeFolder(join(dir, 'bad'), {
      ...COMPLETE_TEXT,
      ...iphoneScreenshots(),
      'screenshots/en-US/3_tablet.png': pngImage(1284, 2000),
    })
    const refusedPush = await runCli(['metadata', 'push', BUNDLE_ID, '--from', bad, '--app-version', '1.0'], {
      env,
    })
    expect(refusedPush.code).toBe(2)
    expect(refusedPush.stderr).toContain(join(bad, 'screenshots/en-US/3_tablet.png'))
    expect(refusedPush.stderr).toMatch(/1284x2000/)
    expect(refusedPush.stderr).toMatch(/1290x2796/)
    expect(await writes()).toBe(0)

    // 4. The right folder fills the version, and check says ready.
    const good = await writeFolder(join(dir, 'good'), { ...COMPLETE_TEXT, ...iphoneScreenshots() })
    // No version exists yet: the push creates the first one, 1.0, as App Store Connect names it.
    const push = await runCli(['metadata', 'push', BUNDLE_ID, '--from', good, '--json'], { env })
    expect(push.stderr).toBe('')
    expect(push.code).toBe(0)
    expect(JSON.parse(push.stdout)).toMatchObject({ screenshots: { uploaded: 2, kept: 0, deleted: 0 } })
    const ready = await runCli(['metadata', 'check', BUNDLE_ID, '--app-version', '1.0', '--json'], { env })
    expect(JSON.parse(ready.stdout)).toMatchObject({ ready: true, missing: [] })
    expect(ready.code).toBe(0)

    // A second push of the same folder changes nothing.
    const again = await runCli(
      ['metadata', 'push', BUNDLE_ID, '--from', good, '--app-version', '1.0', '--json'],
      { env },
    )
    expect(JSON.parse(again.stdout)).toMatchObject({ changes: [], screenshots: { uploaded: 0, kept: 2 } })

    // 5. Publish ends submitted for review.
    const published = await runCli(['publish', ipa, '--app-store', '--json'], { env })
    expect(published.stderr).toBe('')
    expect(published.code).toBe(0)
    const finished = published.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; outcome?: string })
      .find((e) => e.type === 'run-finished')
    expect(finished?.outcome).toBe('submitted-for-review')

    // 6. App Store Connect's own API shows the text and the screenshots.
    const app = (await api<{ data: { id: string }[] }>(`/v1/apps?filter[bundleId]=${BUNDLE_ID}`)).data[0]!
    const versions = await api<{
      data: { id: string; attributes: { versionString: string; appStoreState: string } }[]
    }>(`/v1/apps/${app.id}/appStoreVersions`)
    const version = versions.data.find((v) => v.attributes.versionString === '1.0')!
    expect(version.attributes.appStoreState).toBe('WAITING_FOR_REVIEW')
    const locs = await api<{ data: { id: string; attributes: Record<string, string | null> }[] }>(
      `/v1/appStoreVersions/${version.id}/appStoreVersionLocalizations`,
    )
    const en = locs.data.find((l) => l.attributes.locale === 'en-US')!
    expect(en.attributes.description).toBe(COMPLETE_TEXT['metadata/en-US/description.txt'])
    expect(en.attributes.keywords).toBe(COMPLETE_TEXT['metadata/en-US/keywords.txt'])
    expect(en.attributes.supportUrl).toBe(COMPLETE_TEXT['metadata/en-US/support_url.txt'])
    const sets = await api<{ data: { id: string; attributes: { screenshotDisplayType: string } }[] }>(
      `/v1/appStoreVersionLocalizations/${en.id}/appScreenshotSets`,
    )
    const set = sets.data.find((s) => s.attributes.screenshotDisplayType === 'APP_IPHONE_67')!
    const shots = await api<{
      data: { attributes: { fileName: string; assetDeliveryState: { state: string } } }[]
    }>(`/v1/appScreenshotSets/${set.id}/appScreenshots`)
    expect(shots.data.map((s) => [s.attributes.fileName, s.attributes.assetDeliveryState.state])).toEqual([
      ['1_home.png', 'COMPLETE'],
      ['2_detail.png', 'COMPLETE'],
    ])
    expect(sandbox.schemaProblems()).toBe('')

    // 7. Pull gives back the same text.
    const pulled = join(dir, 'pulled')
    const pull = await runCli(['metadata', 'pull', BUNDLE_ID, '--to', pulled, '--app-version', '1.0'], {
      env,
    })
    expect(pull.code).toBe(0)
    for (const [relative, text] of Object.entries(COMPLETE_TEXT))
      expect(await readFile(join(pulled, relative), 'utf8')).toBe(text)
    // Ten runs of the built CLI, one after the other: far longer than one call on a loaded machine.
  }, 180_000)

  it('publish --metadata pushes the folder before the review submission, and refuses one that leaves gaps', async () => {
    const dir = await tempDir()
    const env = { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(dir, 'data') }
    const ipa = await makeIpa(
      { bundleId: SECOND_ID, version: '2.0', buildNumber: '1', deviceFamilies: [1] },
      dir,
    )
    const before = await writes()

    // A folder without screenshots and review contact: refused before the upload, naming what is still missing.
    const partial = await writeFolder(join(dir, 'partial'), {
      'metadata/en-US/description.txt': 'Text',
      'metadata/en-US/keywords.txt': 'a,b',
      'metadata/en-US/support_url.txt': 'https://example.com/support',
      'metadata/en-US/privacy_url.txt': 'https://example.com/privacy',
      'metadata/primary_category.txt': 'PRODUCTIVITY',
    })
    const refused = await runCli(['publish', ipa, '--app-store', '--metadata', partial], { env })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/screenshots/)
    expect(refused.stderr).toMatch(/App Review contact: first name, last name, phone, email/)
    expect(refused.stderr).not.toMatch(/description|keywords|support URL|privacy policy URL|category/)
    expect(await writes()).toBe(before)

    const good = await writeFolder(join(dir, 'good'), { ...COMPLETE_TEXT, ...iphoneScreenshots() })
    const published = await runCli(['publish', ipa, '--app-store', '--metadata', good], { env })
    expect(published.stderr).toBe('')
    expect(published.code).toBe(0)
    const check = await runCli(['metadata', 'check', SECOND_ID, '--json'], { env })
    expect(JSON.parse(check.stdout)).toMatchObject({ ready: true })
    const app = (await api<{ data: { id: string }[] }>(`/v1/apps?filter[bundleId]=${SECOND_ID}`)).data[0]!
    const versions = await api<{ data: { attributes: { versionString: string; appStoreState: string } }[] }>(
      `/v1/apps/${app.id}/appStoreVersions`,
    )
    expect(versions.data.find((v) => v.attributes.versionString === '2.0')?.attributes.appStoreState).toBe(
      'WAITING_FOR_REVIEW',
    )
  }, 120_000)

  it('a screenshot App Store Connect takes is not refused locally: Ascent reads its header as the sandbox does', async () => {
    const dir = await tempDir()
    const env = { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(dir, 'data') }
    // A JPEG with a marker that carries no length (TEM) before its frame header: still a JPEG of 1290x2796.
    const jpeg = jpegImage(1290, 2796)
    const withTem = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0x01]), jpeg.subarray(2)])
    const folder = await writeFolder(join(dir, 'folder'), {
      ...COMPLETE_TEXT,
      'screenshots/en-US/1_home.jpg': withTem,
      'screenshots/en-US/2_detail.png': pngImage(1290, 2796, { seed: 2 }),
    })
    const push = await runCli(
      ['metadata', 'push', THIRD_ID, '--from', folder, '--app-version', '3.0', '--json'],
      {
        env,
      },
    )
    expect(push.stderr).toBe('')
    expect(push.code).toBe(0)
    expect(JSON.parse(push.stdout)).toMatchObject({ screenshots: { uploaded: 2 } })
    const check = await runCli(['metadata', 'check', THIRD_ID, '--app-version', '3.0', '--json'], { env })
    expect(JSON.parse(check.stdout)).toMatchObject({ ready: true, missing: [] })
  }, 60_000)

  it('push leaves out another platform’s screenshots (fastlane’s appleTV folder, a Mac size) and says so', async () => {
    const dir = await tempDir()
    const env = { ...sandboxCredentials(sandbox), ASCENT_DATA_DIR: join(dir, 'data') }
    const folder = await writeFolder(join(dir, 'shared'), {
      ...COMPLETE_TEXT,
      ...iphoneScreenshots(),
      'screenshots/appleTV/en-US/1_tv.png': pngImage(1920, 1080, { seed: 7 }),
      'screenshots/en-US/3_mac.png': pngImage(2880, 1800, { seed: 8 }),
    })
    const pushed = await runCli(['metadata', 'push', FOURTH_ID, '--from', folder, '--json'], { env })
    expect(pushed.stderr).toBe('')
    expect(pushed.code).toBe(0)
    const result = JSON.parse(pushed.stdout) as { notes: string[]; screenshots: { uploaded: number } }
    expect(result.screenshots.uploaded).toBe(2)
    expect(result.notes).toEqual([
      'screenshots/appleTV/en-US/1_tv.png: not sent: Apple TV screenshots have no slot on IOS version 1.0',
      'screenshots/en-US/3_mac.png: not sent: Mac screenshots have no slot on IOS version 1.0',
    ])
    const app = (await api<{ data: { id: string }[] }>(`/v1/apps?filter[bundleId]=${FOURTH_ID}`)).data[0]!
    const versions = await api<{ data: { id: string }[] }>(`/v1/apps/${app.id}/appStoreVersions`)
    const texts = await api<{ data: { id: string }[] }>(
      `/v1/appStoreVersions/${versions.data[0]!.id}/appStoreVersionLocalizations`,
    )
    const sets = await api<{ data: { attributes: { screenshotDisplayType: string } }[] }>(
      `/v1/appStoreVersionLocalizations/${texts.data[0]!.id}/appScreenshotSets`,
    )
    expect(sets.data.map((x) => x.attributes.screenshotDisplayType)).toEqual(['APP_IPHONE_67'])
    expect(sandbox.schemaProblems()).toBe('')
  })
})
