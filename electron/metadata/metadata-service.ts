import { APPLE_API_URL, type AscClient } from '../asc/client'
import type { Platform } from '../asc/enums'
import { readDeliverFolderOrRefuse, type DeliverFolder } from './deliver-folder'
import { pullDeliverFolder, type PullResult } from './pull'
import { pushDeliverFolder, type PushProgress, type PushResult } from './push'
import { checkReadiness, type GivenSettings, type Readiness } from './readiness'
import { readStoreSnapshot, type StoreSnapshot } from './store-snapshot'

/**
 * App Store information of one version: is it ready for App Review (check), fill it from a fastlane deliver
 * folder (push), write it as one (pull). The CLI, the publish pipeline and the window call these.
 */
export interface VersionTarget {
  readonly bundleId: string
  /** Without it: the editable version, else the newest, else (no version yet) the first one, 1.0. A named version that does not exist is judged as publish would create it. */
  readonly versionString?: string
  readonly platform?: Platform
}

/** What App Store Connect names a new app's first version. */
const FIRST_VERSION = '1.0'

/** Only Apple's App Store Connect has appstoreconnect.apple.com pages for its apps. */
function isApple(client: AscClient): boolean {
  return client.baseUrl.origin === new URL(APPLE_API_URL).origin
}

export async function checkMetadata(
  client: AscClient,
  target: VersionTarget,
  options: {
    /** A deliver folder (or its path) whose values count as filled. */
    readonly from?: string | DeliverFolder
    readonly settings?: GivenSettings
    readonly deviceFamilies?: readonly string[]
    readonly signal?: AbortSignal
  } = {},
): Promise<Readiness & { readonly snapshot: StoreSnapshot }> {
  // The folder first: a bad folder is refused before App Store Connect is asked anything.
  const folder =
    typeof options.from === 'string' ? await readDeliverFolderOrRefuse(options.from) : (options.from ?? null)
  const snapshot = await readStoreSnapshot(
    client,
    target.bundleId,
    { ...target, firstVersion: FIRST_VERSION },
    { signal: options.signal },
  )
  const readiness = checkReadiness(snapshot, {
    folder,
    links: isApple(client),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.deviceFamilies ? { deviceFamilies: options.deviceFamilies } : {}),
  })
  return { ...readiness, snapshot }
}

export async function pushMetadata(
  client: AscClient,
  target: VersionTarget,
  from: string | DeliverFolder,
  options: { readonly onProgress?: (p: PushProgress) => void; readonly signal?: AbortSignal } = {},
): Promise<PushResult> {
  const folder = typeof from === 'string' ? await readDeliverFolderOrRefuse(from) : from
  // An app with no version yet gets its first one, named as App Store Connect names it (publish renames an
  // open version to the build's version string).
  const snapshot = await readStoreSnapshot(
    client,
    target.bundleId,
    { ...target, firstVersion: FIRST_VERSION },
    { signal: options.signal },
  )
  return pushDeliverFolder(client, snapshot, folder, options)
}

export async function pullMetadata(
  client: AscClient,
  target: VersionTarget,
  to: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<PullResult> {
  const snapshot = await readStoreSnapshot(client, target.bundleId, target, { signal: options.signal })
  return pullDeliverFolder(client, snapshot, to, options)
}
