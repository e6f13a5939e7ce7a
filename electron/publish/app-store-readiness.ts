import type { BuildSummary, Problem } from '../../shared/build-summary'
import type { ReleaseSettings } from '../../shared/release-settings'
import { APPLE_API_URL, type AscClient } from '../asc/client'
import { readDeliverFolder, type DeliverFolder } from '../metadata/deliver-folder'
import { checkReadiness } from '../metadata/readiness'
import { readStoreSnapshot } from '../metadata/store-snapshot'

/**
 * Preflight's App Store readiness: with App Store submission, the version must be complete for App Review
 * once the run has sent what it was given (the metadata folder, copyright, What's New); otherwise Apple
 * refuses the review item with a 409 after the upload and the wait. Every missing item is one problem, each
 * naming the field, the locale and where it is filled. What's New is judged by the release notes check.
 */
export async function appStoreReadinessProblems(input: {
  readonly client: AscClient
  readonly build: BuildSummary
  readonly settings: ReleaseSettings
  readonly signal?: AbortSignal
}): Promise<{ readonly problems: readonly Problem[]; readonly folder: DeliverFolder | null }> {
  const { client, build, settings } = input
  let folder: DeliverFolder | null = null
  if (settings.metadataPath !== null) {
    const reading = await readDeliverFolder(settings.metadataPath)
    if (!reading.ok)
      return {
        folder: null,
        problems: reading.problems.map((p) => ({
          severity: 'error',
          code: 'METADATA_FOLDER',
          message: `metadata folder ${p.file ? `${settings.metadataPath}/${p.file}` : settings.metadataPath}: ${p.message}`,
        })),
      }
    folder = reading.folder
  }
  const snapshot = await readStoreSnapshot(
    client,
    build.bundleId,
    { versionString: build.version, platform: build.platform },
    { signal: input.signal },
  )
  const readiness = checkReadiness(snapshot, {
    folder,
    settings: { copyright: settings.copyright, whatsNew: settings.whatsNew },
    deviceFamilies: build.deviceFamilies,
    links: client.baseUrl.origin === new URL(APPLE_API_URL).origin,
  })
  const problems: Problem[] = []
  for (const item of readiness.missing) {
    if (item.field === 'whatsNew') continue
    problems.push({
      severity: 'error',
      code: 'APP_STORE_INFO_MISSING',
      message: `App Review needs it before the version can be submitted: ${item.message}`,
    })
  }
  for (const item of readiness.reminders) {
    if (item.field === 'whatsNew') continue
    problems.push({ severity: 'warning', code: 'APP_STORE_INFO_REMINDER', message: item.message })
  }
  return { problems, folder }
}
