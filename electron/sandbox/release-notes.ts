import { ApiError, conflict, type EntryInput } from './errors'
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

/**
 * An update goes to review only with What's New in every locale. Apple answers the review submission item with
 * 409 and one associated error per localization that lacks it.
 */
export function assertReleaseNotes(store: SandboxStore, v: AppStoreVersion): void {
  if (!store.isUpdate(v)) return
  const missing = store.localizationsOf(v.id).filter((l) => !l.whatsNew?.trim())
  if (missing.length === 0) return
  const associatedErrors = Object.fromEntries(
    missing.map((l) => [
      `/v1/appStoreVersionLocalizations/${l.id}`,
      [
        {
          id: `${l.id}-whatsNew`,
          status: '409',
          code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
          title: MISSING_TITLE,
          detail: missingWhatsNew(),
          source: { pointer: '/data/attributes/whatsNew' },
          meta: { locale: l.locale },
        },
      ],
    ]),
  )
  const entry: EntryInput = {
    code: 'STATE_ERROR.ENTITY_STATE_INVALID',
    title: `appStoreVersions with id '${v.id}' is not in valid state.`,
    detail: 'This resource cannot be reviewed, please check associated errors to see why.',
    meta: { associatedErrors },
  }
  throw new ApiError(409, [entry])
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
