import type { SandboxPlatform } from './seed'

/**
 * App Store Connect's screenshot rules as the sandbox enforces them: the pixel sizes each display type
 * accepts (anything else ends FAILED with IMAGE_INCORRECT_DIMENSIONS) and the display types App Review
 * requires for each device family a build runs on.
 */

export const SCREENSHOT_DISPLAY_TYPES = [
  'APP_IPHONE_67',
  'APP_IPHONE_61',
  'APP_IPHONE_65',
  'APP_IPHONE_58',
  'APP_IPHONE_55',
  'APP_IPHONE_47',
  'APP_IPHONE_40',
  'APP_IPHONE_35',
  'APP_IPAD_PRO_3GEN_129',
  'APP_IPAD_PRO_3GEN_11',
  'APP_IPAD_PRO_129',
  'APP_IPAD_105',
  'APP_IPAD_97',
  'APP_DESKTOP',
  'APP_WATCH_ULTRA',
  'APP_WATCH_SERIES_10',
  'APP_WATCH_SERIES_7',
  'APP_WATCH_SERIES_4',
  'APP_WATCH_SERIES_3',
  'APP_APPLE_TV',
  'APP_APPLE_VISION_PRO',
  'IMESSAGE_APP_IPHONE_67',
  'IMESSAGE_APP_IPHONE_61',
  'IMESSAGE_APP_IPHONE_65',
  'IMESSAGE_APP_IPHONE_58',
  'IMESSAGE_APP_IPHONE_55',
  'IMESSAGE_APP_IPHONE_47',
  'IMESSAGE_APP_IPHONE_40',
  'IMESSAGE_APP_IPAD_PRO_3GEN_129',
  'IMESSAGE_APP_IPAD_PRO_3GEN_11',
  'IMESSAGE_APP_IPAD_PRO_129',
  'IMESSAGE_APP_IPAD_105',
  'IMESSAGE_APP_IPAD_97',
] as const
export type ScreenshotDisplayType = (typeof SCREENSHOT_DISPLAY_TYPES)[number]

type Size = readonly [width: number, height: number]

/** Portrait sizes; phones and iPads also take each one turned on its side. */
const PORTRAIT: Readonly<Record<string, readonly Size[]>> = {
  APP_IPHONE_67: [
    [1260, 2736],
    [1290, 2796],
    [1320, 2868],
  ],
  APP_IPHONE_65: [
    [1242, 2688],
    [1284, 2778],
  ],
  APP_IPHONE_61: [
    [1179, 2556],
    [1206, 2622],
  ],
  APP_IPHONE_58: [
    [1170, 2532],
    [1125, 2436],
    [1080, 2340],
  ],
  APP_IPHONE_55: [[1242, 2208]],
  APP_IPHONE_47: [[750, 1334]],
  APP_IPHONE_40: [[640, 1136]],
  APP_IPHONE_35: [[640, 960]],
  APP_IPAD_PRO_3GEN_129: [
    [2064, 2752],
    [2048, 2732],
  ],
  APP_IPAD_PRO_129: [[2048, 2732]],
  APP_IPAD_PRO_3GEN_11: [
    [1488, 2266],
    [1668, 2420],
    [1668, 2388],
    [1640, 2360],
  ],
  APP_IPAD_105: [[1668, 2224]],
  APP_IPAD_97: [[1536, 2048]],
}

/** Desktop, TV, Watch and Vision Pro take exactly these sizes, in this orientation only. */
const FIXED: Readonly<Record<string, readonly Size[]>> = {
  APP_DESKTOP: [
    [1280, 800],
    [1440, 900],
    [2560, 1600],
    [2880, 1800],
  ],
  APP_APPLE_TV: [
    [1920, 1080],
    [3840, 2160],
  ],
  APP_APPLE_VISION_PRO: [[3840, 2160]],
  APP_WATCH_ULTRA: [
    [410, 502],
    [422, 514],
  ],
  APP_WATCH_SERIES_10: [[416, 496]],
  APP_WATCH_SERIES_7: [[396, 484]],
  APP_WATCH_SERIES_4: [[368, 448]],
  APP_WATCH_SERIES_3: [[312, 390]],
}

/** Every width x height the display type accepts. iMessage types take the sizes of their app counterpart. */
export function acceptedSizes(type: ScreenshotDisplayType): readonly Size[] {
  const base = type.replace(/^IMESSAGE_/, '')
  const fixed = FIXED[base]
  if (fixed) return fixed
  const portrait = PORTRAIT[base] ?? []
  return [...portrait, ...portrait.map(([w, h]): Size => [h, w])]
}

export function acceptsSize(type: ScreenshotDisplayType, width: number, height: number): boolean {
  return acceptedSizes(type).some(([w, h]) => w === width && h === height)
}

/** A device family App Review wants screenshots for, and the display types that satisfy it (the first is named). */
export type ScreenshotRequirement = {
  readonly family: string
  readonly types: readonly ScreenshotDisplayType[]
}

const IPHONE: ScreenshotRequirement = { family: 'iphone', types: ['APP_IPHONE_67', 'APP_IPHONE_65'] }
// The 12.9" 2nd-generation slot takes the same 2048x2732 size, so either fills the 13" iPad requirement.
const IPAD: ScreenshotRequirement = { family: 'ipad', types: ['APP_IPAD_PRO_3GEN_129', 'APP_IPAD_PRO_129'] }

/**
 * What App Review requires of a version on `platform` whose build runs on `families` (null: unknown, as for
 * seeded builds): the 6.9" iPhone slot (or 6.5"), the 13" iPad slot when the build runs on iPad, and the one
 * slot of each other platform.
 */
export function requiredScreenshots(
  platform: SandboxPlatform,
  families: readonly string[] | null,
): ScreenshotRequirement[] {
  switch (platform) {
    case 'IOS': {
      const runsOn = families ?? ['iphone']
      const out: ScreenshotRequirement[] = []
      if (runsOn.includes('iphone') || !runsOn.includes('ipad')) out.push(IPHONE)
      if (runsOn.includes('ipad')) out.push(IPAD)
      return out
    }
    case 'MAC_OS':
      return [{ family: 'mac', types: ['APP_DESKTOP'] }]
    case 'TV_OS':
      return [{ family: 'tv', types: ['APP_APPLE_TV'] }]
    case 'VISION_OS':
      return [{ family: 'vision', types: ['APP_APPLE_VISION_PRO'] }]
    default:
      return []
  }
}

/** The display types a complete seeded app has screenshots in, one set each. */
export function seededScreenshotTypes(platform: SandboxPlatform): ScreenshotDisplayType[] {
  return platform === 'IOS'
    ? ['APP_IPHONE_67', 'APP_IPAD_PRO_3GEN_129']
    : requiredScreenshots(platform, null).flatMap((r) => r.types.slice(0, 1))
}
