import { AscentError, toErrorShape } from '../../../shared/errors'
import type { Problem } from '../../../shared/build-summary'
import { APPLE_API_URL, type AscClient } from '../../asc/client'
import { appStoreReadinessProblems } from '../app-store-readiness'
import { runLinks } from '../links'
import { runPreflight } from '../preflight'
import type { Attempt, PreparedRun } from '../run-context'

/**
 * Preflight, on every attempt (App Store Connect may have changed since the last): connect with the run's
 * credentials, read what the run needs in one wave, and refuse with every problem found before anything is
 * sent. Its answer is the prepared run the other steps work from.
 */
export async function preflightStep(attempt: Attempt): Promise<PreparedRun> {
  const { journal, deps } = attempt
  let prepared = null as PreparedRun | null
  await attempt.step('preflight', 'Preflight', async () => {
    const credentials = await deps.credentials(journal.settings)
    const session = deps.connect(credentials)
    if (new URL(credentials.apiUrl).origin !== APPLE_API_URL) journal.ids.sandbox = true
    // App Store readiness is read beside the other checks (its own reads, one wave each), not after them.
    const readiness = settle(appStoreReadiness(attempt, session.connection.client))
    const preflight = await runPreflight({
      build: journal.build,
      settings: journal.settings,
      gateway: session.asc,
      substeps: journal.substeps,
      ids: journal.ids,
      localNow: deps.now,
    })
    const result = {
      ...preflight,
      problems: [...preflight.problems, ...readinessProblems(await readiness, preflight)],
    }
    for (const p of result.problems.filter((p) => p.severity === 'warning')) attempt.log('warn', p.message)
    const app = result.live.app
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

/**
 * With App Store submission: what App Review would still miss once the run has sent what it was given. Not
 * asked again once the version is in its review submission (a resumed run past that point).
 */
async function appStoreReadiness(attempt: Attempt, client: AscClient): Promise<readonly Problem[]> {
  const { journal } = attempt
  const itemDone = ['done', 'skipped'].includes(journal.substeps['review-item']?.status ?? '')
  if (!journal.settings.submitToAppStore || itemDone) return []
  return (
    await appStoreReadinessProblems({
      client,
      build: journal.build,
      settings: journal.settings,
      signal: attempt.signal,
    })
  ).problems
}

function settle<T>(read: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

/** A failed readiness read is a problem only when the rest of preflight found the app (else it says so itself). */
function readinessProblems(
  read: { value: readonly Problem[] } | { error: unknown },
  preflight: { readonly live: { readonly app: unknown } },
): readonly Problem[] {
  if ('value' in read) return read.value
  if (preflight.live.app === null) return []
  return [
    {
      severity: 'error',
      code: 'APP_STORE_INFO_UNREADABLE',
      message: `could not read the App Store information App Review needs: ${toErrorShape(read.error).message}`,
    },
  ]
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
