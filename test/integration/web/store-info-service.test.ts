import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from 'vitest'
import type { FileRef } from '../../../shared/ipc'
import type { ScreenshotProgress, StoreTarget } from '../../../shared/store-info'
import { findAppByBundleId } from '../../../electron/asc/apps'
import { createAppStoreVersion } from '../../../electron/asc/versions'
import { createScreenshotSet } from '../../../electron/asc/screenshots'
import { listVersionTexts } from '../../../electron/asc/version-localizations'
import { uploadScreenshot } from '../../../electron/metadata/screenshot-upload'
import { createStoreInfoService } from '../../../electron/services/store-info'
import { hashFile } from '../../../electron/upload/checksum'
import { pngImage } from '../../fixtures/screenshot-factory'
import { withSandbox, type TestSandbox } from '../../support/sandbox'
import { useTempDir } from '../../support/temp-dir'
import { clientFor } from '../asc/sandbox-client'

// The window's App Store information calls against the sandbox: what is refused before anything is sent,
// and a screenshot App Store Connect refused (sent by another tool) shown with Apple's reason.

const tempDir = useTempDir('ascent-store-info-')
const BUNDLE_ID = 'org.example.fresh'
const seed = {
  seed: { apps: [{ bundleId: BUNDLE_ID, name: 'Fresh', platforms: ['IOS' as const], appStoreInfo: false }] },
}
const target: StoreTarget = {
  bundleId: BUNDLE_ID,
  platform: 'IOS',
  versionString: '1.0',
  deviceFamilies: ['iphone'],
}

function serviceFor(sb: TestSandbox, progress: ScreenshotProgress[] = []) {
  const { client } = clientFor(sb)
  return {
    client,
    service: createStoreInfoService({ client: async () => client, onProgress: (p) => progress.push(p) }),
  }
}

async function imageFile(name: string, bytes: Buffer): Promise<{ ref: FileRef; path: string }> {
  const file = path.join(await tempDir(), name)
  await writeFile(file, bytes)
  return { ref: { id: name, name, path: name, sizeBytes: bytes.length }, path: file }
}

test('text App Store Connect would refuse, and images no slot takes, are refused with nothing sent', async () => {
  await withSandbox(seed, async (sb) => {
    const { service } = serviceFor(sb)
    // Everything App Store Connect holds (not the sandbox's clock).
    const held = (): string => JSON.stringify({ ...sb.state(), now: null })
    const before = held()
    await expect(
      service.save(target, {
        versionTexts: { 'en-US': { description: ' Leading space', supportUrl: 'support.example.com' } },
        appInfoTexts: { 'en-US': { name: 'A name far longer than thirty characters' } },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(
        /^Nothing was sent: en-US: Description starts with spaces.*; en-US: Support URL "support\.example\.com" is not a web address.*; en-US: Name is 40 characters; App Store Connect accepts at most 30/,
      ),
    })
    await expect(
      service.upload(target, null, [await imageFile('square.png', pngImage(1000, 1000))]),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('square.png is 1000x1000 pixels, a size no screenshot slot takes'),
    })
    await expect(
      service.upload(target, 'APP_IPHONE_67', [
        await imageFile('clear.png', pngImage(1290, 2796, { alpha: true })),
      ]),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('clear.png has an alpha channel'),
    })
    // No version created, nothing changed.
    expect(held()).toBe(before)
  })
})

test('images dropped without a slot go to the slot their size names, with progress, and count for readiness', async () => {
  await withSandbox(seed, async (sb) => {
    const progress: ScreenshotProgress[] = []
    const { service } = serviceFor(sb, progress)
    const before = await service.get(target)
    expect(before.readiness.missing.map((m) => m.field)).toContain('screenshots')
    expect(before.versionExists).toBe(false)
    const info = await service.upload(target, null, [await imageFile('big.png', pngImage(1284, 2778))])
    expect(info.versionExists).toBe(true)
    const slot = info.slots.find((s) => s.displayType === 'APP_IPHONE_65')
    expect(slot).toMatchObject({ label: '6.5-inch iPhone', required: true, alternativeTo: 'APP_IPHONE_67' })
    expect(slot?.shots.map((s) => [s.fileName, s.state])).toEqual([['big.png', 'COMPLETE']])
    expect(info.readiness.missing.map((m) => m.field)).not.toContain('screenshots')
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['sending', 'done']))
    expect(progress.at(-1)).toMatchObject({
      fileName: 'big.png',
      displayType: 'APP_IPHONE_65',
      phase: 'done',
    })
  })
})

test('a screenshot App Store Connect refused is shown FAILED with Apple’s reason, and can be deleted', async () => {
  await withSandbox(seed, async (sb) => {
    const { client, service } = serviceFor(sb)
    // Another tool sends a 6.5-inch image into the 6.9-inch slot: App Store Connect ends it FAILED.
    const app = await findAppByBundleId(client, BUNDLE_ID)
    const version = await createAppStoreVersion(client, {
      appId: app!.id,
      platform: 'IOS',
      versionString: '1.0',
    })
    // A new version comes with its primary locale, as on App Store Connect.
    const text = (await listVersionTexts(client, version.id)).find((t) => t.locale === 'en-US')!
    const set = await createScreenshotSet(client, { localizationId: text.id, displayType: 'APP_IPHONE_67' })
    const wrong = await imageFile('wrong.png', pngImage(1284, 2778))
    await expect(
      uploadScreenshot(
        client,
        {
          setId: set.id,
          file: wrong.path,
          relative: 'wrong.png',
          fileName: 'wrong.png',
          fileSize: wrong.ref.sizeBytes,
          md5: (await hashFile(wrong.path, 'MD5', { mode: 'inline' })).hash,
        },
        { sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'ASC_ERROR' })

    const info = await service.get(target)
    const shot = info.slots.find((s) => s.displayType === 'APP_IPHONE_67')?.shots[0]
    expect(shot).toMatchObject({ fileName: 'wrong.png', state: 'FAILED' })
    expect(shot?.errors.map((e) => e.code)).toEqual(['IMAGE_INCORRECT_DIMENSIONS'])
    // A FAILED image does not count for App Review.
    expect(info.readiness.missing.map((m) => m.field)).toContain('screenshots')
    const after = await service.deleteScreenshot(target, shot!.id)
    expect(after.slots.find((s) => s.displayType === 'APP_IPHONE_67')?.shots).toEqual([])
  })
})
