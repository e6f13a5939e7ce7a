import type { BuildSummary, Problem } from '../../shared/build-summary'
import type { ReleaseSettings } from '../../shared/release-settings'
import { APPLE_API_URL, type AscClient } from '../asc/client'
import { readDeliverFolder, type DeliverFolder } from '../metadata/deliver-folder'
import { checkReadiness, summarizeMissing } from '../metadata/readiness'
import { readStoreSnapshot } from '../metadata/store-snapshot'

/**
 * Preflight's App Store readiness: with App Store submission, the version must be complete for App Review
 * once the run has sent what it was given (the metadata folder, copyright, What's New); otherwise Apple
 * refuses the review item with a 409 after the upload and the wait. The missing items make one problem (one line,
 * grouped where they are filled). What's New is judged by the release notes check.
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
  const missing = readiness.missing.filter((item) => item.field !== 'whatsNew')
  if (missing.length > 0)
    problems.push({
      severity: 'error',
      code: 'APP_STORE_INFO_MISSING',
      message: `version ${snapshot.versionString} is not ready for App Review: ${summarizeMissing(missing)}. Fill ${missing.length === 1 ? 'it' : 'them'} from a fastlane deliver folder (--metadata DIR, or ascent metadata push), in Ascent’s App Store information panel, or in App Store Connect; ascent metadata check lists where each is filled`,
    })
  // Reminders (App Privacy, which the API cannot show) matter for a first version: an update's were answered before.
  for (const item of snapshot.update ? [] : readiness.reminders) {
    if (item.field === 'whatsNew') continue
    problems.push({ severity: 'warning', code: 'APP_STORE_INFO_REMINDER', message: item.message })
  }
  return { problems, folder }
}
