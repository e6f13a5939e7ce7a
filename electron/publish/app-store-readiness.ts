import type { BuildSummary, Problem } from '../../shared/build-summary'
import { toErrorShape } from '../../shared/errors'
import type { ReleaseSettings } from '../../shared/release-settings'
import { APPLE_API_URL, type AscClient } from '../asc/client'
import { readDeliverFolder, type DeliverFolder } from '../metadata/deliver-folder'
import { checkReadiness, summarizeMissing } from '../metadata/readiness'
import type { VersionDetails } from '../asc/version-details'
import { readStoreSnapshot, type KnownApp } from '../metadata/store-snapshot'
import type { SubstepId, SubstepRecord } from './journal'

/**
 * Preflight's App Store readiness: with App Store submission, the version must be complete for App Review
 * once the run has sent what it was given (the metadata folder, copyright, What's New); otherwise Apple
 * refuses the review item with a 409 after the upload and the wait. The missing items make one problem (one
 * line, grouped where they are filled); what the API cannot show (App Privacy answers) is a note for a first
 * version. What's New is judged by the release notes check.
 */
export interface AppStoreReadiness {
  readonly problems: readonly Problem[]
  /** Reminders a person should see, never blockers. */
  readonly notes: readonly string[]
}

const NONE: AppStoreReadiness = { problems: [], notes: [] }

async function readReadiness(input: {
  readonly client: AscClient
  readonly build: BuildSummary
  readonly settings: ReleaseSettings
  readonly signal?: AbortSignal
  readonly known?: Promise<KnownApp | null>
  readonly versionDetails?: (versionId: string) => Promise<VersionDetails>
}): Promise<AppStoreReadiness> {
  const { client, build, settings } = input
  let folder: DeliverFolder | null = null
  if (settings.metadataPath !== null) {
    const reading = await readDeliverFolder(settings.metadataPath)
    if (!reading.ok)
      return {
        notes: [],
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
    {
      signal: input.signal,
      readinessOnly: true,
      ...(input.known ? { known: input.known } : {}),
      ...(input.versionDetails ? { versionDetails: input.versionDetails } : {}),
    },
  )
  const readiness = checkReadiness(snapshot, {
    folder,
    settings: { copyright: settings.copyright, whatsNew: settings.whatsNew },
    deviceFamilies: build.deviceFamilies,
    links: client.baseUrl.origin === new URL(APPLE_API_URL).origin,
  })
  const missing = readiness.missing.filter((item) => item.field !== 'whatsNew')
  const problems: Problem[] =
    missing.length === 0
      ? []
      : [
          {
            severity: 'error',
            code: 'APP_STORE_INFO_MISSING',
            message: `version ${snapshot.versionString} is not ready for App Review: ${summarizeMissing(missing)}. Fill ${missing.length === 1 ? 'it' : 'them'} from a fastlane deliver folder (--metadata DIR, or ascent metadata push), in Ascent’s App Store information panel, or in App Store Connect; ascent metadata check lists where each is filled`,
          },
        ]
  // Reminders matter for a first version: an update's App Privacy answers were published before.
  const notes = snapshot.update
    ? []
    : readiness.reminders.filter((r) => r.field !== 'whatsNew').map((r) => r.message)
  return { problems, notes }
}

/** Only with App Store submission, and not once the version is in its review submission (a resumed run). */
export function wantsAppStoreReadiness(run: {
  readonly settings: ReleaseSettings
  readonly substeps?: Partial<Record<SubstepId, SubstepRecord>>
}): boolean {
  const item = run.substeps?.['review-item']?.status
  return run.settings.submitToAppStore && item !== 'done' && item !== 'skipped'
}

/**
 * Starts the readiness read beside the rest of preflight (its own reads, a few parallel waves) and returns how
 * to finish it: a failed read is a problem only when preflight found the app (else preflight says so itself).
 * Not read without App Store submission, nor once the version is in its review submission (a resumed run).
 */
export function startAppStoreReadiness(input: {
  readonly client: AscClient
  readonly build: BuildSummary
  readonly settings: ReleaseSettings
  readonly substeps?: Partial<Record<SubstepId, SubstepRecord>>
  readonly signal?: AbortSignal
  /** Preflight's own app lookup, when it makes one: read once, used by both. */
  readonly known?: Promise<KnownApp | null>
  /** Preflight's reader of a version's localizations and review contact, shared with the release notes check. */
  readonly versionDetails?: (versionId: string) => Promise<VersionDetails>
}): (appFound: boolean) => Promise<AppStoreReadiness> {
  if (!wantsAppStoreReadiness(input)) return async () => NONE
  const read = readReadiness(input).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  return async (appFound) => {
    const result = await read
    if ('value' in result) return result.value
    if (!appFound) return NONE
    return {
      notes: [],
      problems: [
        {
          severity: 'error',
          code: 'APP_STORE_INFO_UNREADABLE',
          message: `could not read the App Store information App Review needs: ${toErrorShape(result.error).message}`,
        },
      ],
    }
  }
}
