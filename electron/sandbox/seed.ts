import * as z from 'zod'
import { printableExcerpt } from '../../shared/bounded-text'
import { describeIssue } from '../../shared/describe-issue'
import { AscentError } from '../../shared/errors'
import { readNamedTextFile, TEXT_FILE_KINDS } from '../read-text-file'
import { APP_VERSION_STATES, BETA_REVIEW_STATES, PLATFORMS, PROCESSING_STATES } from '../asc/enums'

// Apple's value lists are facts of the OpenAPI spec, kept once in the client's enums; the sandbox's rules stay its own.
export const SandboxPlatform = z.enum(PLATFORMS)
export type SandboxPlatform = z.infer<typeof SandboxPlatform>

export const AppVersionState = z.enum(APP_VERSION_STATES)
export type AppVersionState = z.infer<typeof AppVersionState>

export const ProcessingState = z.enum(PROCESSING_STATES)
export type ProcessingState = z.infer<typeof ProcessingState>

export const BetaReviewState = z.enum(BETA_REVIEW_STATES)
export type BetaReviewState = z.infer<typeof BetaReviewState>

/** The seed file shape, a fixed interface (docs/architecture.md, "Fixed interfaces"), plus a few optional knobs. */
export const SandboxSeedApp = z.strictObject({
  bundleId: z.string().min(1),
  name: z.string().min(1),
  platforms: z.array(SandboxPlatform).min(1).default(['IOS']),
  /** The app's locales, primary first: each version has its text (appStoreVersionLocalizations) in each. */
  locales: z.array(z.string().min(1)).min(1).default(['en-US']),
  betaGroups: z.array(z.strictObject({ name: z.string().min(1), isInternal: z.boolean() })).default([]),
  versions: z
    .array(
      z.strictObject({
        platform: SandboxPlatform,
        versionString: z.string().min(1),
        // READY_FOR_SALE is the deprecated appStoreState name people know; it means READY_FOR_DISTRIBUTION.
        state: z.union(
          [AppVersionState, z.literal('READY_FOR_SALE').transform(() => 'READY_FOR_DISTRIBUTION' as const)],
          { error: `must be an appVersionState (${APP_VERSION_STATES.join(', ')}) or READY_FOR_SALE` },
        ),
        copyright: z.string().optional(),
      }),
    )
    .default([]),
  builds: z
    .array(
      z.strictObject({
        versionString: z.string().min(1),
        buildNumber: z.string().min(1),
        platform: SandboxPlatform,
        state: ProcessingState,
        betaReviewState: BetaReviewState.optional(),
      }),
    )
    .default([]),
  /** false: TestFlight beta app information (feedback email, review contact) is incomplete. */
  betaAppInfo: z.boolean().default(true),
  /**
   * false: a fresh app record (no privacy policy URL, no primary category, no App Review contact; its versions
   * start with empty text and no screenshots). true: everything App Review needs is filled in.
   */
  appStoreInfo: z.boolean().default(true),
  /** What processing turns the next uploaded builds into (VALID unless a test wants a failure). */
  uploadOutcome: ProcessingState.exclude(['PROCESSING']).default('VALID'),
})
/**
 * A seed that contradicts itself is refused, as App Store Connect could never hold it: two apps with one bundle id,
 * or a version or build on a platform its app is not on.
 */
export const SandboxSeed = z.strictObject({ apps: z.array(SandboxSeedApp) }).superRefine((seed, ctx) => {
  const first = new Map<string, number>()
  seed.apps.forEach((app, i) => {
    const earlier = first.get(app.bundleId)
    if (earlier !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['apps', i, 'bundleId'],
        message: `"${printableExcerpt(app.bundleId)}" is the bundle id of apps.${earlier} too: every app has its own`,
      })
    else first.set(app.bundleId, i)
    for (const kind of ['versions', 'builds'] as const)
      app[kind].forEach((item, j) => {
        if (!app.platforms.includes(item.platform))
          ctx.addIssue({
            code: 'custom',
            path: ['apps', i, kind, j, 'platform'],
            message: `${item.platform} is not one of the app’s platforms (${app.platforms.join(', ')}): add it to apps.${i}.platforms`,
          })
      })
  })
})
export type SandboxSeed = z.input<typeof SandboxSeed>
export type ParsedSeed = z.output<typeof SandboxSeed>

export const defaultSeed: SandboxSeed = {
  apps: [
    {
      bundleId: 'com.example.ascent.demo',
      name: 'Ascent Demo',
      platforms: ['IOS'],
      betaGroups: [
        { name: 'Core Team', isInternal: true },
        { name: 'QA', isInternal: true },
        { name: 'Public Beta', isInternal: false },
        { name: 'Friends & Family', isInternal: false },
      ],
      versions: [
        {
          platform: 'IOS',
          versionString: '1.0.0',
          state: 'READY_FOR_DISTRIBUTION',
          copyright: '2025 Example Inc.',
        },
      ],
      builds: [{ versionString: '1.0.0', buildNumber: '1', platform: 'IOS', state: 'VALID' }],
    },
  ],
}

/** The groups an app added while the sandbox runs starts with, the same mix as the demo app's. */
const DEFAULT_ADDED_APP_GROUPS: readonly { name: string; isInternal: boolean }[] = [
  { name: 'Core Team', isInternal: true },
  { name: 'QA', isInternal: true },
  { name: 'Public Beta', isInternal: false },
  { name: 'Friends & Family', isInternal: false },
]

/** POST /__sandbox/apps: an app record added while the sandbox runs (a newcomer trying their own build). */
export const AddedAppSchema = z.strictObject({
  bundleId: z.string().trim().min(1),
  name: z.string().trim().min(1),
  platforms: z.array(SandboxPlatform).min(1).default(['IOS']),
  betaGroups: z
    .array(z.strictObject({ name: z.string().trim().min(1), isInternal: z.boolean() }))
    .default(() => DEFAULT_ADDED_APP_GROUPS.map((g) => ({ ...g }))),
  appStoreInfo: z.boolean().optional(),
})
export type AddedAppInput = z.input<typeof AddedAppSchema>

export function parseSeed(value: unknown, source = 'seed'): ParsedSeed {
  const result = SandboxSeed.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new AscentError('BAD_INPUT', `${source}: ${issue ? describeIssue(issue) : 'not a valid seed'}`)
}

/** Reads and validates a seed file; every failure is one clear AscentError naming the file. */
export async function loadSeed(file: string): Promise<ParsedSeed> {
  const text = await readNamedTextFile(file, TEXT_FILE_KINDS.seed)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    // The parser quotes the text around the fault: keep that short and printable.
    throw new AscentError(
      'BAD_INPUT',
      `${file}: not valid JSON (${printableExcerpt((error as Error).message, 120)})`,
    )
  }
  return parseSeed(json, file)
}
