import { ApiError, conflict } from './errors'
import type { AppStoreVersion, Build, SandboxStore } from './store'

/**
 * App Store Connect's rules on release notes: "What's New" (appStoreVersionLocalizations.whatsNew) is
 * refused on a platform's first version and required in every locale of an update before review; "What to
 * Test" (betaBuildLocalizations.whatsNew) is required in the app's primary locale before beta review.
 */

const MISSING_TITLE = 'The provided entity is missing a required attribute'
const missingWhatsNew = (): string =>
  "You must provide a value for the attribute 'whatsNew' with this request"

/** Apple's 409 to any write carrying `whatsNew` (even null) on a first version: the whole request is refused. */
export function assertWhatsNewEditable(store: SandboxStore, v: AppStoreVersion): void {
  if (store.isUpdate(v) && store.isEditable(v)) return
  throw conflict(
    'STATE_ERROR',
    'The request cannot be fulfilled because of the state of another resource.',
    "Attribute 'whatsNew' cannot be edited at this time",
    '/data/attributes/whatsNew',
  )
}

/** Apple's associated error for an attribute App Review needs and the resource lacks. */
export function requiredAttribute(id: string, key: string, locale?: string): Record<string, unknown> {
  return {
    id: `${id}-${key}`,
    status: '409',
    code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
    title: MISSING_TITLE,
    detail: `You must provide a value for the attribute '${key}' with this request`,
    source: { pointer: `/data/attributes/${key}` },
    ...(locale ? { meta: { locale } } : {}),
  }
}

/**
 * An update goes to review only with What's New in every locale: one associated error per localization that
 * lacks it, keyed by the localization's path (empty on a first version).
 */
export function missingReleaseNotes(
  store: SandboxStore,
  v: AppStoreVersion,
): Record<string, Record<string, unknown>[]> {
  if (!store.isUpdate(v)) return {}
  return Object.fromEntries(
    store
      .localizationsOf(v.id)
      .filter((l) => !l.whatsNew?.trim())
      .map((l) => [
        `/v1/appStoreVersionLocalizations/${l.id}`,
        [requiredAttribute(l.id, 'whatsNew', l.locale)],
      ]),
  )
}

/** Beta review needs What to Test in the app's primary locale. */
export function assertWhatToTest(store: SandboxStore, build: Build): void {
  const locale = store.apps.get(build.appId)?.locales[0] ?? 'en-US'
  const note = [...store.betaBuildLocalizations.values()].find(
    (l) => l.buildId === build.id && l.locale === locale,
  )
  if (note?.whatsNew?.trim()) return
  throw new ApiError(409, [
    {
      code: 'STATE_ERROR.ENTITY_STATE_INVALID',
      title: `builds with id '${build.id}' is not in valid state.`,
      detail: 'This resource cannot be reviewed, please check associated errors to see why.',
      meta: {
        associatedErrors: {
          [note ? `/v1/betaBuildLocalizations/${note.id}` : `/v1/builds/${build.id}/betaBuildLocalizations`]:
            [
              {
                id: `${build.id}-whatsNew`,
                status: '409',
                code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
                title: MISSING_TITLE,
                detail: missingWhatsNew(),
                source: { pointer: '/data/attributes/whatsNew' },
                meta: { locale },
              },
            ],
        },
      },
    },
  ])
}
