import { findAppByBundleId } from '../asc/apps'
import type { AscClient } from '../asc/client'
import { updatePhasedRelease } from '../asc/phased-releases'
import { requestVersionRelease } from '../asc/release-requests'
import { cancelReviewSubmission } from '../asc/review'
import type { Platform } from '../../shared/build-summary'
import { AscentError } from '../../shared/errors'
import { possibleActions, refusalMessage, type ReleaseAction } from '../../shared/release-status'
import type { AppRef, ReleaseSnapshot } from './read-status'

/** The app record of a bundle id, or NOT_FOUND naming the likely cause. */
export async function resolveApp(
  client: AscClient,
  bundleId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<AppRef> {
  const app = await findAppByBundleId(client, bundleId, options)
  if (!app)
    throw new AscentError(
      'NOT_FOUND',
      `no app with bundle id ${bundleId} in App Store Connect: check the bundle id and the key’s team`,
    )
  return { id: app.id, bundleId: app.bundleId, name: app.name }
}

/**
 * Which version an action is for: the one named (on the platform named; on several platforms, the one the
 * action is possible for), else the one version the action is possible for, else the newest version (whose
 * state the refusal then names).
 */
export function pickVersion(
  snapshot: ReleaseSnapshot,
  action: ReleaseAction,
  versionString: string | undefined,
  platform?: Platform,
): number {
  const versions = snapshot.status.versions
  if (versionString !== undefined) {
    const named = versions.flatMap((v, i) =>
      v.versionString === versionString && (platform === undefined || v.platform === platform) ? [i] : [],
    )
    const possible = named.filter((i) => possibleActions(versions[i]!).includes(action))
    const index = (possible.length === 1 ? possible[0] : named[0]) ?? -1
    if (index < 0)
      throw new AscentError(
        'NOT_FOUND',
        `${snapshot.status.bundleId} has no App Store version ${versionString}${
          versions.length > 0 ? ` (it has ${versions.map((v) => v.versionString).join(', ')})` : ''
        }`,
      )
    return index
  }
  if (versions.length === 0)
    throw new AscentError(
      'PREFLIGHT_FAILED',
      `${snapshot.status.bundleId} has no App Store version yet: publish one with --app-store first.`,
    )
  const allowed = versions.flatMap((v, i) => (possibleActions(v).includes(action) ? [i] : []))
  return allowed.length === 1 ? (allowed[0] ?? 0) : 0
}

/**
 * Sends one release action for a version, after checking that its state allows it: otherwise
 * PREFLIGHT_FAILED with the state and what is possible (the CLI's exit 3, the window's refusal).
 */
export async function performReleaseAction(
  client: AscClient,
  snapshot: ReleaseSnapshot,
  action: ReleaseAction,
  options: {
    readonly versionString?: string
    readonly platform?: Platform
    readonly signal?: AbortSignal
    readonly flags?: boolean
  } = {},
): Promise<void> {
  const index = pickVersion(snapshot, action, options.versionString, options.platform)
  const version = snapshot.status.versions[index]
  const ids = snapshot.versionIds[index]
  if (!version || !ids) throw new AscentError('INTERNAL', 'the status lost track of a version')
  if (!possibleActions(version).includes(action))
    throw new AscentError('PREFLIGHT_FAILED', refusalMessage(action, version, options.flags ?? false))
  const signal = options.signal ? { signal: options.signal } : {}
  if (action === 'now') return requestVersionRelease(client, ids.versionId, signal)
  if (action === 'cancel-review') {
    if (!ids.reviewSubmissionId) throw new AscentError('INTERNAL', 'the review submission has no id')
    await cancelReviewSubmission(client, ids.reviewSubmissionId, signal)
    return
  }
  if (!ids.phasedReleaseId) throw new AscentError('INTERNAL', 'the phased release has no id')
  const state = action === 'pause' ? 'PAUSED' : action === 'resume' ? 'ACTIVE' : 'COMPLETE'
  await updatePhasedRelease(client, { id: ids.phasedReleaseId, versionId: ids.versionId, state }, signal)
}
