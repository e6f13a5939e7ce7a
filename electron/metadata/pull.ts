import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { AscentError } from '../../shared/errors'
import { getSecondaryCategory } from '../asc/app-infos'
import type { AscClient } from '../asc/client'
import { writeFileAtomic } from '../atomic-write'
import { networkFetch } from '../net/proxy'
import { describeNetworkFailure, networkFailureCode } from '../asc/network-failure'
import { APP_INFO_FILES, REVIEW_FILES, VERSION_FILES } from './fields'
import type { StoreSnapshot } from './store-snapshot'

export interface PullResult {
  /** Files written, relative to the folder. */
  readonly files: readonly string[]
  /** What could not be written, and why (a screenshot App Store Connect gives no image address for). */
  readonly notes: readonly string[]
}

/**
 * Writes a version's App Store information as a fastlane deliver folder, the layout push reads: each text
 * exactly as App Store Connect holds it (no line break added), only fields that have a value, and each
 * screenshot as `<n>_<DISPLAY_TYPE>_<n>.<ext>` in the set's order.
 */
export async function pullDeliverFolder(
  client: AscClient,
  snapshot: StoreSnapshot,
  dir: string,
  options: { readonly signal?: AbortSignal; readonly fetch?: typeof fetch } = {},
): Promise<PullResult> {
  if (snapshot.version === null)
    throw new AscentError(
      'NOT_FOUND',
      `${snapshot.app.bundleId} has no App Store version ${snapshot.versionString}: there is nothing to pull`,
    )
  const files: string[] = []
  const notes: string[] = []
  const write = async (relative: string, text: string | null | undefined): Promise<void> => {
    if (text === null || text === undefined || text === '') return
    const file = path.join(dir, relative)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFileAtomic(file, text, { mode: 0o644 })
    files.push(relative)
  }
  for (const t of snapshot.versionTexts)
    for (const spec of VERSION_FILES) await write(`metadata/${t.locale}/${spec.file}.txt`, t[spec.key])
  for (const l of snapshot.appInfoLocalizations)
    for (const spec of APP_INFO_FILES) await write(`metadata/${l.locale}/${spec.file}.txt`, l[spec.key])
  await write('metadata/copyright.txt', snapshot.version.copyright)
  await write('metadata/primary_category.txt', snapshot.primaryCategory)
  if (snapshot.appInfo !== null)
    await write(
      'metadata/secondary_category.txt',
      await getSecondaryCategory(client, snapshot.appInfo.id, { signal: options.signal }),
    )
  if (snapshot.reviewDetail !== null)
    for (const spec of REVIEW_FILES)
      await write(`metadata/review_information/${spec.file}.txt`, snapshot.reviewDetail[spec.key])

  const fetchImpl = options.fetch ?? networkFetch
  for (const [locale, sets] of snapshot.screenshots) {
    for (const set of sets) {
      let n = 0
      for (const shot of set.screenshots) {
        n++
        const ext = /\.jpe?g$/i.test(shot.fileName ?? '') ? 'jpg' : 'png'
        const relative = `screenshots/${locale}/${n}_${set.displayType}_${n}.${ext}`
        if (shot.templateUrl === null || shot.width === null || shot.height === null) {
          notes.push(
            `${relative}: App Store Connect gives no image address for screenshot ${shot.id} (${shot.state ?? 'no state'}); not written`,
          )
          continue
        }
        const url = shot.templateUrl
          .replace('{w}', String(shot.width))
          .replace('{h}', String(shot.height))
          .replace('{f}', ext)
        // A public image address: no token goes with it.
        let response: Response
        try {
          response = await fetchImpl(url, { signal: options.signal })
        } catch (error) {
          if (options.signal?.aborted) throw error
          notes.push(
            `${relative}: the image could not be downloaded (its server ${describeNetworkFailure(networkFailureCode(error)).what}); not written`,
          )
          continue
        }
        if (!response.ok || response.body === null) {
          await response.body?.cancel().catch(() => undefined)
          notes.push(`${relative}: the image could not be downloaded (HTTP ${response.status}); not written`)
          continue
        }
        const file = path.join(dir, relative)
        await mkdir(path.dirname(file), { recursive: true })
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          createWriteStream(file),
        )
        files.push(relative)
      }
    }
  }
  return { files, notes }
}
