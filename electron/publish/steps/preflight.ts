import { AscentError } from '../../../shared/errors'
import type { Problem } from '../../../shared/build-summary'
import { APPLE_API_URL } from '../../asc/client'
import { startAppStoreReadiness, wantsAppStoreReadiness } from '../app-store-readiness'
import { runLinks } from '../links'
import { runPreflight } from '../preflight'
import type { AscGateway, VersionRecord } from '../asc-gateway'
import type { KnownApp } from '../../metadata/store-snapshot'
import type { AppStoreVersion } from '../../asc/versions'
import { readVersionDetails, type VersionDetails } from '../../asc/version-details'
import type { Attempt, PreparedRun } from '../run-context'

/**
 * Preflight, on every attempt (App Store Connect may have changed since the last): connect with the run's
 * credentials, read what the run needs in one wave, and refuse with every problem found before anything is
 * sent. Its answer is the prepared run the other steps work from.
 */
export async function preflightStep(attempt: Attempt): Promise<PreparedRun> {
  const { journal, deps } = attempt
  let prepared = null as PreparedRun | null
  await attempt.step('preflight', async () => {
    const credentials = await deps.credentials(journal.settings)
    const session = deps.connect(credentials)
    if (new URL(credentials.apiUrl).origin !== APPLE_API_URL) journal.ids.sandbox = true
    // App Store readiness is read beside the other checks, not after them; it starts from preflight's app
    // lookup (which includes the versions and the content rights) instead of looking the app up a second time,
    // and shares the read of the version's localizations with the release notes check.
    const client = session.connection.client
    const versionDetails = memoized((id: string) =>
      readVersionDetails(client, id, { signal: attempt.signal }),
    )
    const lookup = shareReads(session.asc, versionDetails, wantsAppStoreReadiness(journal))
    const readiness = startAppStoreReadiness({
      client,
      build: journal.build,
      settings: journal.settings,
      substeps: journal.substeps,
      signal: attempt.signal,
      known: lookup.known,
      versionDetails,
    })
    const preflight = await runPreflight({
      build: journal.build,
      settings: journal.settings,
      gateway: lookup.gateway,
      substeps: journal.substeps,
      ids: journal.ids,
      localNow: deps.now,
    }).finally(lookup.done)
    const store = await readiness(preflight.live.app !== null)
    const result = { ...preflight, problems: [...preflight.problems, ...store.problems] }
    for (const note of store.notes) attempt.log('info', note)
    for (const p of result.problems.filter((p) => p.severity === 'warning')) attempt.log('warn', p.message)
    const app = result.live.app
    // A read the cancel cut short is no refusal: the run was stopped.
    attempt.checkCanceled()
    refuseOn(result.problems.filter((p) => p.severity === 'error'))
    if (app === null) throw new AscentError('INTERNAL', 'preflight found no app and no problem')
    journal.ids.appId = app.id
    journal.ids.appName = app.name
    journal.ids.primaryLocale = app.primaryLocale
    // A resume whose groups step is done reads no groups: keep what the first attempt found.
    if (result.live.groups.length > 0)
      journal.ids.groups = result.live.groups.map((g) => ({ name: g.name, isInternal: g.isInternal }))
    journal.links = runLinks(journal.ids, journal.build.platform)
    prepared = { ...session, credentials, live: result.live, app }
    return {
      summary: `ready: ${app.name} (${app.id}), build ${journal.build.version} (${journal.build.buildNumber})`,
    }
  })
  // A preflight done in an earlier attempt is never skipped: its step record is reset before each attempt.
  if (prepared === null) throw new AscentError('INTERNAL', 'preflight was skipped')
  return prepared
}

function refuseOn(errors: readonly Problem[]): void {
  const [first] = errors
  if (first === undefined) return
  throw new AscentError(
    'PREFLIGHT_FAILED',
    errors.length === 1
      ? first.message
      : `${errors.length} problems: ${errors.map((p) => p.message).join('; ')}`,
    { detail: errors.map((p) => `${p.code}: ${p.message}`).join('\n') },
  )
}

/** One read per key, shared by whoever asks (a failed read is not kept: the next asker tries again). */
function memoized<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const reads = new Map<string, Promise<T>>()
  return (key) => {
    const known = reads.get(key)
    if (known) return known
    const started = read(key)
    reads.set(key, started)
    started.catch(() => reads.delete(key))
    return started
  }
}

/**
 * The gateway preflight uses, and its app lookup as readiness wants it. `done` settles the lookup when preflight
 * ends without making one (readiness then looks the app up itself). The version's localizations come from the
 * shared read of the version's details.
 */
function shareReads(
  asc: AscGateway,
  versionDetails: (versionId: string) => Promise<VersionDetails>,
  contentRights: boolean,
): {
  gateway: AscGateway
  known: Promise<KnownApp | null>
  done: () => void
} {
  let settle: (value: KnownApp | null) => void = () => undefined
  const known = new Promise<KnownApp | null>((resolve) => (settle = resolve))
  const gateway: AscGateway = {
    ...asc,
    findAppForPublish: (bundleId, want) => {
      const found = asc.findAppForPublish(bundleId, { ...want, contentRights })
      found.then(
        (f) =>
          settle(
            f && {
              app: f.app,
              versions: f.versions?.map(toAppStoreVersion) ?? null,
              ...(f.contentRights !== null ? { contentRights: f.contentRights } : {}),
            },
          ),
        () => settle(null),
      )
      return found
    },
    versionLocalizations: async (versionId) =>
      (await versionDetails(versionId)).texts.map((t) => ({
        id: t.id,
        locale: t.locale,
        whatsNew: t.whatsNew,
      })),
  }
  return { gateway, known, done: () => settle(null) }
}

function toAppStoreVersion(v: VersionRecord): AppStoreVersion {
  return {
    id: v.id,
    platform: v.platform as AppStoreVersion['platform'],
    versionString: v.versionString,
    state: v.state as AppStoreVersion['state'],
    releaseType: v.releaseType as AppStoreVersion['releaseType'],
    earliestReleaseDate: v.earliestReleaseDate,
    copyright: v.copyright,
    downloadable: null,
    createdDate: null,
    build: null,
    phasedRelease: null,
  }
}
