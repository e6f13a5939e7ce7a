import { describe, expect, it } from 'vitest'
import { readDeliverFolder, localeText } from '../../../electron/metadata/deliver-folder'
import { displayTypeForSize } from '../../../electron/metadata/display-types'
import { useTempDir } from '../../support/temp-dir'
import { COMPLETE_TEXT, iphoneScreenshots, writeFolder } from '../../fixtures/deliver-folder-factory'
import { jpegHeaderOnly, pngImage } from '../../fixtures/screenshot-factory'

const tempDir = useTempDir('ascent-deliver-')

async function problemsOf(
  files: Record<string, string | Buffer>,
): Promise<{ file: string; message: string }[]> {
  const reading = await readDeliverFolder(await writeFolder(await tempDir(), files))
  expect(reading.ok).toBe(false)
  return reading.ok ? [] : [...reading.problems]
}

describe('reading a fastlane deliver folder', () => {
  it('reads text per locale, the top files, the review contact and screenshots by pixel size', async () => {
    const dir = await writeFolder(await tempDir(), {
      ...COMPLETE_TEXT,
      'metadata/en-US/keywords.txt': 'release,upload\n',
      'metadata/default/support_url.txt': 'https://example.com/help',
      'metadata/de-DE/description.txt': 'Beschreibung',
      'metadata/review_information/demo_user.txt': 'demo',
      'screenshots/en-US/10_last.png': pngImage(1320, 2868, { seed: 3 }),
      'screenshots/en-US/2_second.jpg': jpegHeaderOnly(2796, 1290),
      'screenshots/en-US/1_first.png': pngImage(1242, 2688),
      'screenshots/en-US/README.txt': 'not an image',
    })
    const reading = await readDeliverFolder(dir)
    if (!reading.ok) throw new Error(JSON.stringify(reading.problems))
    const folder = reading.folder
    expect(folder.locales).toEqual(['de-DE', 'en-US'])
    // One final line break is the file's ending, not text.
    expect(localeText(folder, 'en-US').version.keywords).toBe('release,upload')
    expect(localeText(folder, 'en-US').version.description).toBe(
      COMPLETE_TEXT['metadata/en-US/description.txt'],
    )
    expect(localeText(folder, 'en-US').version.supportUrl).toBe('https://example.com/support')
    // metadata/default fills what a locale lacks.
    expect(localeText(folder, 'de-DE').version.supportUrl).toBe('https://example.com/help')
    expect(localeText(folder, 'en-US').appInfo).toMatchObject({
      name: 'Ascent Demo',
      privacyPolicyUrl: 'https://example.com/privacy',
    })
    expect(folder.copyright).toBe('2031 Example Inc.')
    expect(folder.categories.primary).toBe('PRODUCTIVITY')
    expect(folder.review).toMatchObject({
      contactFirstName: 'Ada',
      contactEmail: 'review@example.com',
      demoAccountName: 'demo',
      demoAccountRequired: true,
    })
    expect(folder.screenshots.map((s) => [s.fileName, s.displayType])).toEqual([
      ['1_first.png', 'APP_IPHONE_65'],
      ['2_second.jpg', 'APP_IPHONE_67'],
      ['10_last.png', 'APP_IPHONE_67'],
    ])
  })

  it('refuses text that would have to be trimmed, too long, or not a URL, naming each file and the limit', async () => {
    const problems = await problemsOf({
      ...COMPLETE_TEXT,
      'metadata/en-US/description.txt': '  Padded description',
      'metadata/en-US/name.txt': 'Ascent Demo \n',
      'metadata/en-US/keywords.txt': 'k'.repeat(101),
      'metadata/en-US/support_url.txt': 'example.com/support',
      'metadata/en-US/subtitle.txt': 'line one\nline two',
      'metadata/review_information/email_address.txt': 'not-an-email',
    })
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p.message]))
    expect(byFile['metadata/en-US/description.txt']).toMatch(/starts with spaces.*exactly as written/)
    expect(byFile['metadata/en-US/name.txt']).toMatch(/ends with spaces/)
    expect(byFile['metadata/en-US/keywords.txt']).toMatch(/101 characters.*at most 100/)
    expect(byFile['metadata/en-US/support_url.txt']).toMatch(/not a web address/)
    expect(byFile['metadata/en-US/subtitle.txt']).toMatch(/one line/)
    expect(byFile['metadata/review_information/email_address.txt']).toMatch(/not an email address/)
    expect(problems).toHaveLength(6)
  })

  it('refuses unknown locales and file names with what was meant', async () => {
    const problems = await problemsOf({
      'metadata/en_US/description.txt': 'Text',
      'metadata/en-US/keyword.txt': 'release',
      'screenshots/english/1.png': pngImage(1290, 2796),
    })
    expect(problems).toEqual([
      {
        file: 'metadata/en_US',
        message: expect.stringMatching(/not an App Store Connect locale: did you mean en-US\?/),
      },
      { file: 'metadata/en-US/keyword.txt', message: expect.stringMatching(/keywords\.txt/) },
      { file: 'screenshots/english', message: expect.stringMatching(/not an App Store Connect locale/) },
    ])
  })

  it('refuses a screenshot of a size no slot takes, naming the file and the accepted sizes', async () => {
    const problems = await problemsOf({
      ...iphoneScreenshots(),
      'screenshots/en-US/3_wrong.png': pngImage(1000, 2000),
    })
    expect(problems).toHaveLength(1)
    expect(problems[0]!.file).toBe('screenshots/en-US/3_wrong.png')
    expect(problems[0]!.message).toMatch(/1000x2000/)
    expect(problems[0]!.message).toMatch(/6\.9-inch iPhone: 1260x2736, 1290x2796, 1320x2868/)
  })

  it('refuses screenshots with an alpha channel, files that are not images, and more than 10 in a slot', async () => {
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [
        `screenshots/de-DE/${i + 1}.png`,
        pngImage(1242, 2208, { seed: i }),
      ]),
    )
    const problems = await problemsOf({
      'screenshots/en-US/1.png': pngImage(1290, 2796, { alpha: true }),
      'screenshots/en-US/2.jpg': Buffer.from('not a jpeg at all'),
      ...eleven,
    })
    expect(problems).toHaveLength(3)
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          file: 'screenshots/de-DE',
          message: expect.stringMatching(/11 5\.5-inch iPhone screenshots.*at most 10/),
        },
        { file: 'screenshots/en-US/1.png', message: expect.stringMatching(/alpha channel/) },
        { file: 'screenshots/en-US/2.jpg', message: expect.stringMatching(/not a PNG or JPEG/) },
      ]),
    )
  })

  it('takes an empty file as no value, and refuses a folder that is not a deliver folder', async () => {
    const reading = await readDeliverFolder(
      await writeFolder(await tempDir(), {
        'metadata/en-US/marketing_url.txt': '',
        'metadata/en-US/keywords.txt': 'a,b',
      }),
    )
    if (!reading.ok) throw new Error(JSON.stringify(reading.problems))
    expect(localeText(reading.folder, 'en-US').version).toEqual({ keywords: 'a,b' })
    const empty = await readDeliverFolder(await tempDir())
    expect(empty).toEqual({
      ok: false,
      problems: [{ file: '', message: expect.stringMatching(/neither a metadata\/ nor a screenshots\//) }],
    })
  })
})

describe('display type by pixel size', () => {
  it('follows fastlane: turned sizes, the 12.9-inch 2nd generation and Vision Pro only by path, iMessage by folder', () => {
    expect(displayTypeForSize(2796, 1290, 'screenshots/en-US/a.png')).toBe('APP_IPHONE_67')
    expect(displayTypeForSize(2048, 2732, 'screenshots/en-US/a.png')).toBe('APP_IPAD_PRO_3GEN_129')
    expect(displayTypeForSize(2048, 2732, 'screenshots/en-US/ipad_pro_129_a.png')).toBe('APP_IPAD_PRO_129')
    expect(displayTypeForSize(3840, 2160, 'screenshots/en-US/a.png')).toBe('APP_APPLE_TV')
    expect(displayTypeForSize(3840, 2160, 'screenshots/en-US/vision_a.png')).toBe('APP_APPLE_VISION_PRO')
    expect(displayTypeForSize(1290, 2796, 'screenshots/iMessage/en-US/a.png')).toBe('IMESSAGE_APP_IPHONE_67')
    expect(displayTypeForSize(800, 1280, 'screenshots/en-US/a.png')).toBeNull()
    expect(displayTypeForSize(1000, 1000, 'screenshots/en-US/a.png')).toBeNull()
  })
})
