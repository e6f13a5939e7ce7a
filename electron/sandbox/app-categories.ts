import type { SandboxPlatform } from './seed'

/** One App Store category (appCategories): top-level ones have no parent; Games and Stickers have subcategories. */
export type AppCategory = {
  readonly id: string
  readonly platforms: readonly SandboxPlatform[]
  readonly parent: string | null
}

const ALL: readonly SandboxPlatform[] = ['IOS', 'MAC_OS', 'TV_OS', 'VISION_OS']
const NOT_TV: readonly SandboxPlatform[] = ['IOS', 'MAC_OS', 'VISION_OS']
const IOS_ONLY: readonly SandboxPlatform[] = ['IOS']

const TOP_LEVEL: readonly (readonly [string, readonly SandboxPlatform[]])[] = [
  ['BOOKS', NOT_TV],
  ['BUSINESS', ALL],
  ['DEVELOPER_TOOLS', NOT_TV],
  ['EDUCATION', ALL],
  ['ENTERTAINMENT', ALL],
  ['FINANCE', ALL],
  ['FOOD_AND_DRINK', ['IOS', 'TV_OS', 'VISION_OS']],
  ['GAMES', ALL],
  ['GRAPHICS_AND_DESIGN', NOT_TV],
  ['HEALTH_AND_FITNESS', ALL],
  ['LIFESTYLE', ALL],
  ['MAGAZINES_AND_NEWSPAPERS', ['IOS', 'MAC_OS']],
  ['MEDICAL', NOT_TV],
  ['MUSIC', ALL],
  ['NAVIGATION', ['IOS', 'MAC_OS', 'VISION_OS']],
  ['NEWS', ALL],
  ['PHOTO_AND_VIDEO', ALL],
  ['PRODUCTIVITY', NOT_TV],
  ['REFERENCE', ALL],
  ['SHOPPING', ['IOS', 'TV_OS', 'VISION_OS']],
  ['SOCIAL_NETWORKING', ALL],
  ['SPORTS', ALL],
  ['STICKERS', IOS_ONLY],
  ['TRAVEL', ALL],
  ['UTILITIES', ALL],
  ['WEATHER', ALL],
]

const SUBCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  GAMES: [
    'ACTION',
    'ADVENTURE',
    'BOARD',
    'CARD',
    'CASINO',
    'CASUAL',
    'FAMILY',
    'MUSIC',
    'PUZZLE',
    'RACING',
    'ROLE_PLAYING',
    'SIMULATION',
    'SPORTS',
    'STRATEGY',
    'TRIVIA',
    'WORD',
  ],
  STICKERS: [
    'ANIMALS',
    'ART',
    'BIRTHDAYS',
    'CELEBRATIONS',
    'CELEBRITIES',
    'EMOJI_AND_EXPRESSIONS',
    'FASHION',
    'FOOD_AND_DRINK',
    'GAMING',
    'KIDS_AND_FAMILY',
    'MOVIES_AND_TV',
    'MUSIC',
    'PEOPLE',
    'PLACES_AND_OBJECTS',
    'SPORTS_AND_ACTIVITIES',
  ],
}

/** The category list App Store Connect answers GET /v1/appCategories with, top-level first. */
export const APP_CATEGORIES: ReadonlyMap<string, AppCategory> = new Map(
  [
    ...TOP_LEVEL.map(([id, platforms]): AppCategory => ({ id, platforms, parent: null })),
    ...TOP_LEVEL.flatMap(([parent, platforms]) =>
      (SUBCATEGORIES[parent] ?? []).map((sub): AppCategory => ({
        id: `${parent}_${sub}`,
        platforms,
        parent,
      })),
    ),
  ].map((c) => [c.id, c]),
)

export function subcategoriesOf(id: string): string[] {
  return [...APP_CATEGORIES.values()].filter((c) => c.parent === id).map((c) => c.id)
}
