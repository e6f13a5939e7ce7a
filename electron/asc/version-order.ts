/**
 * Apple's rules on the order of App Store versions, shared by preflight and the sandbox: a version that
 * went on sale makes every later one an update (release notes required, phased release possible), and an
 * approved version closes its train and everything below it to new builds (ITMS-90186, ITMS-90062).
 */

/** Versions that went on sale: the platform's next version is an update. */
export const ON_SALE_VERSION_STATES: readonly string[] = [
  'READY_FOR_DISTRIBUTION',
  'PROCESSING_FOR_DISTRIBUTION',
  'REPLACED_WITH_NEW_VERSION',
]

/** Versions Apple approved (released or waiting for release): their trains take no new builds. */
export const APPROVED_VERSION_STATES: readonly string[] = [
  ...ON_SALE_VERSION_STATES,
  'ACCEPTED',
  'PENDING_APPLE_RELEASE',
  'PENDING_DEVELOPER_RELEASE',
]

/**
 * Compares two CFBundleShortVersionStrings part by part as numbers, a missing part counting as 0
 * (so 1.5 < 1.46 and 1.0 = 1.0.0, as App Store Connect compares them).
 */
export function compareVersionStrings(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0)
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

interface VersionLike {
  readonly versionString: string
  readonly state: string
}

/** The highest version (of those in `states`, when given), or null. */
export function highestVersion<V extends VersionLike>(
  versions: readonly V[],
  states?: readonly string[],
): V | null {
  let best: V | null = null
  for (const v of versions) {
    if (states && !states.includes(v.state)) continue
    if (best === null || compareVersionStrings(v.versionString, best.versionString) > 0) best = v
  }
  return best
}

export type TrainRefusal =
  /** ITMS-90186 (with 90062): the version itself was approved; its train is closed. */
  | { readonly kind: 'closed-train'; readonly approved: string }
  /** ITMS-90062: a higher version was approved already. */
  | { readonly kind: 'lower-version'; readonly approved: string }

/** Why App Store Connect refuses a build (or a new version) with this version string, given the platform's versions. */
export function trainRefusal(versionString: string, versions: readonly VersionLike[]): TrainRefusal | null {
  const same = versions.find(
    (v) =>
      APPROVED_VERSION_STATES.includes(v.state) &&
      compareVersionStrings(v.versionString, versionString) === 0,
  )
  if (same) return { kind: 'closed-train', approved: same.versionString }
  const highest = highestVersion(versions, APPROVED_VERSION_STATES)
  if (highest && compareVersionStrings(versionString, highest.versionString) < 0)
    return { kind: 'lower-version', approved: highest.versionString }
  return null
}

/**
 * Is `versionString` an update: did a lower version of the platform go on sale? A first version takes no
 * "What's New" and no phased release.
 */
export function isUpdate(versionString: string, versions: readonly VersionLike[]): boolean {
  return versions.some(
    (v) =>
      ON_SALE_VERSION_STATES.includes(v.state) && compareVersionStrings(v.versionString, versionString) < 0,
  )
}

/** Apple's words for a build refused at upload by the train rules (ITMS code, description). */
export function trainRefusalDetails(
  versionString: string,
  refusal: TrainRefusal,
): { readonly code: string; readonly description: string }[] {
  const higher = {
    code: '90062',
    description: `This bundle is invalid. The value for key CFBundleShortVersionString [${versionString}] in the Info.plist file must contain a higher version than that of the previously approved version [${refusal.approved}].`,
  }
  if (refusal.kind === 'lower-version') return [higher]
  return [
    {
      code: '90186',
      description: `Invalid Pre-Release Train. The train version '${versionString}' is closed for new build submissions`,
    },
    higher,
  ]
}
