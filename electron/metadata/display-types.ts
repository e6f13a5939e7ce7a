import type { Platform } from '../../shared/build-summary'

/**
 * Screenshot display types and the pixel sizes App Store Connect accepts for each (portrait; the landscape
 * size is the same pair turned, except for Mac, TV, Watch and Vision Pro, which have one orientation).
 * The API's names lag the console's: APP_IPHONE_67 is the 6.9" slot, APP_IPAD_PRO_3GEN_129 the 13" iPad.
 * A wrong size is not refused by the upload: the asset ends FAILED (IMAGE_INCORRECT_DIMENSIONS), so
 * sizes are checked here before anything is sent.
 */
interface DisplayTypeSpec {
  readonly type: string
  /** What people call it. */
  readonly label: string
  readonly sizes: readonly (readonly [number, number])[]
  readonly turns: boolean
}

const SPECS: readonly DisplayTypeSpec[] = [
  {
    type: 'APP_IPHONE_67',
    label: '6.9-inch iPhone',
    sizes: [
      [1260, 2736],
      [1290, 2796],
      [1320, 2868],
    ],
    turns: true,
  },
  {
    type: 'APP_IPHONE_65',
    label: '6.5-inch iPhone',
    sizes: [
      [1242, 2688],
      [1284, 2778],
    ],
    turns: true,
  },
  {
    type: 'APP_IPHONE_61',
    label: '6.3-inch iPhone',
    sizes: [
      [1179, 2556],
      [1206, 2622],
    ],
    turns: true,
  },
  {
    type: 'APP_IPHONE_58',
    label: '6.1-inch iPhone',
    sizes: [
      [1170, 2532],
      [1125, 2436],
      [1080, 2340],
    ],
    turns: true,
  },
  { type: 'APP_IPHONE_55', label: '5.5-inch iPhone', sizes: [[1242, 2208]], turns: true },
  { type: 'APP_IPHONE_47', label: '4.7-inch iPhone', sizes: [[750, 1334]], turns: true },
  {
    type: 'APP_IPAD_PRO_3GEN_129',
    label: '13-inch iPad',
    sizes: [
      [2064, 2752],
      [2048, 2732],
    ],
    turns: true,
  },
  {
    type: 'APP_IPAD_PRO_3GEN_11',
    label: '11-inch iPad',
    sizes: [
      [1488, 2266],
      [1668, 2420],
      [1668, 2388],
      [1640, 2360],
    ],
    turns: true,
  },
  {
    type: 'APP_IPAD_PRO_129',
    label: '12.9-inch iPad Pro (2nd generation)',
    sizes: [[2048, 2732]],
    turns: true,
  },
  { type: 'APP_IPAD_105', label: '10.5-inch iPad', sizes: [[1668, 2224]], turns: true },
  { type: 'APP_IPAD_97', label: '9.7-inch iPad', sizes: [[1536, 2048]], turns: true },
  {
    type: 'APP_DESKTOP',
    label: 'Mac',
    sizes: [
      [1280, 800],
      [1440, 900],
      [2560, 1600],
      [2880, 1800],
    ],
    turns: false,
  },
  {
    type: 'APP_APPLE_TV',
    label: 'Apple TV',
    sizes: [
      [1920, 1080],
      [3840, 2160],
    ],
    turns: false,
  },
  { type: 'APP_APPLE_VISION_PRO', label: 'Apple Vision Pro', sizes: [[3840, 2160]], turns: false },
  {
    type: 'APP_WATCH_ULTRA',
    label: 'Apple Watch Ultra',
    sizes: [
      [410, 502],
      [422, 514],
    ],
    turns: false,
  },
  { type: 'APP_WATCH_SERIES_10', label: 'Apple Watch Series 10', sizes: [[416, 496]], turns: false },
  { type: 'APP_WATCH_SERIES_7', label: 'Apple Watch Series 7', sizes: [[396, 484]], turns: false },
  { type: 'APP_WATCH_SERIES_4', label: 'Apple Watch Series 4', sizes: [[368, 448]], turns: false },
  { type: 'APP_WATCH_SERIES_3', label: 'Apple Watch Series 3', sizes: [[312, 390]], turns: false },
]

const BY_TYPE = new Map(SPECS.map((s) => [s.type, s]))

function fits(spec: DisplayTypeSpec, width: number, height: number): boolean {
  return spec.sizes.some(
    ([w, h]) => (w === width && h === height) || (spec.turns && w === height && h === width),
  )
}

/** The people's name of a display type ("6.9-inch iPhone"), or the type itself. */
export function displayTypeLabel(type: string): string {
  const base = type.startsWith('IMESSAGE_') ? type.slice('IMESSAGE_'.length) : type
  const label = BY_TYPE.get(base)?.label ?? type
  return type.startsWith('IMESSAGE_') ? `${label} (iMessage)` : label
}

/**
 * The display type of an image from its pixel size alone, as fastlane deliver decides it: 2048×2732 is the
 * 13-inch iPad unless the path names the 12.9-inch 2nd generation, 3840×2160 is Apple TV unless the path
 * says vision, and an image two folders below `iMessage/` goes to the iMessage slot. Null for a size no slot takes.
 */
function slotForSize(width: number, height: number, lowerPath: string): string | null {
  const named = (type: string): boolean => fits(BY_TYPE.get(type)!, width, height)
  if (
    named('APP_IPAD_PRO_129') &&
    (lowerPath.includes('ipad_pro_129') ||
      (lowerPath.includes('12.9') && lowerPath.includes('2nd generation')))
  )
    return 'APP_IPAD_PRO_129'
  if (named('APP_APPLE_VISION_PRO') && lowerPath.includes('vision')) return 'APP_APPLE_VISION_PRO'
  return (
    SPECS.find(
      (s) => s.type !== 'APP_IPAD_PRO_129' && s.type !== 'APP_APPLE_VISION_PRO' && fits(s, width, height),
    )?.type ?? null
  )
}

export function displayTypeForSize(width: number, height: number, filePath: string): string | null {
  const type = slotForSize(width, height, filePath.toLowerCase())
  if (type === null) return null
  const parts = filePath.split(/[\\/]/)
  const imessage = parts.length >= 3 && parts[parts.length - 3]?.toLowerCase() === 'imessage'
  return imessage && (type.startsWith('APP_IPHONE') || type.startsWith('APP_IPAD'))
    ? `IMESSAGE_${type}`
    : type
}

/** Whether a slot takes an image of this pixel size (turned too, for iPhone and iPad). */
export function displayTypeTakes(type: string, width: number, height: number): boolean {
  const spec = BY_TYPE.get(type.startsWith('IMESSAGE_') ? type.slice('IMESSAGE_'.length) : type)
  return spec !== undefined && fits(spec, width, height)
}

/** The sizes one slot takes, portrait, for a message: "1260x2736, 1290x2796, 1320x2868". */
export function displayTypeSizesText(type: string): string {
  const spec = BY_TYPE.get(type.startsWith('IMESSAGE_') ? type.slice('IMESSAGE_'.length) : type)
  return spec ? spec.sizes.map(([w, h]) => `${w}x${h}`).join(', ') : ''
}

/** Every accepted size, grouped by slot, for an error message. */
export function acceptedSizesText(): string {
  return SPECS.filter((s) => s.type !== 'APP_IPAD_PRO_129')
    .map((s) => `${s.label}: ${s.sizes.map(([w, h]) => `${w}x${h}`).join(', ')}`)
    .join('; ')
}

/**
 * The screenshot slots App Review requires for what the app runs on: for iPhone the 6.9-inch slot, or the
 * 6.5-inch one instead (smaller slots are scaled down from them); for iPad the 13-inch slot (the 12.9-inch
 * 2nd generation one holds the same size); one slot each for Mac, Apple TV and Vision Pro.
 * Each entry is a list of alternatives: any one of them filled satisfies it.
 */
export function requiredDisplayTypes(
  platform: Platform,
  deviceFamilies: readonly string[],
): readonly (readonly string[])[] {
  switch (platform) {
    case 'IOS': {
      const families = deviceFamilies.length > 0 ? deviceFamilies : ['iphone']
      const required: string[][] = []
      if (families.includes('iphone')) required.push(['APP_IPHONE_67', 'APP_IPHONE_65'])
      if (families.includes('ipad')) required.push(['APP_IPAD_PRO_3GEN_129', 'APP_IPAD_PRO_129'])
      return required
    }
    case 'MAC_OS':
      return [['APP_DESKTOP']]
    case 'TV_OS':
      return [['APP_APPLE_TV']]
    case 'VISION_OS':
      return [['APP_APPLE_VISION_PRO']]
  }
}

/**
 * Whether a version of this platform has the slot: iPhone, iPad, iMessage and Apple Watch screenshots belong to
 * the iOS version (a watch app ships inside the iOS app); the others to their own platform's version.
 */
export function displayTypeOnPlatform(type: string, platform: Platform): boolean {
  switch (platform) {
    case 'IOS':
      return /^(IMESSAGE_)?APP_(IPHONE|IPAD)_|^APP_WATCH_/.test(type)
    case 'MAC_OS':
      return type === 'APP_DESKTOP'
    case 'TV_OS':
      return type === 'APP_APPLE_TV'
    case 'VISION_OS':
      return type === 'APP_APPLE_VISION_PRO'
  }
}

/** Screenshots a set holds at most. */
export const MAX_SCREENSHOTS_PER_SET = 10
