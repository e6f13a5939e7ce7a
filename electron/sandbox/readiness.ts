import { ApiError } from './errors'
import {
  appInfoForReview,
  appInfoLocalizationsOf,
  reviewDetailOf,
  screenshotSetsOf,
  type AppStoreReviewDetail,
} from './metadata'
import { missingReleaseNotes, requiredAttribute } from './release-notes'
import { requiredScreenshots } from './screenshot-specs'
import type { AppStoreVersion, SandboxStore } from './store'

/**
 * App Review's check when a version is added to a review submission (and again when it is submitted): every
 * missing item becomes one error in `meta.associatedErrors`, keyed by the resource that lacks it, under one
 * 409 STATE_ERROR.ENTITY_STATE_INVALID, as App Store Connect answers.
 */

type AssociatedError = Record<string, unknown>
type Associated = Record<string, AssociatedError[]>

const VERSION_TEXT = ['description', 'keywords', 'supportUrl'] as const
const CONTACT = ['contactFirstName', 'contactLastName', 'contactPhone', 'contactEmail'] as const

function add(out: Associated, key: string, error: AssociatedError): void {
  ;(out[key] ??= []).push(error)
}

function missingRelationship(id: string, name: string): AssociatedError {
  return {
    id: `${id}-${name}`,
    status: '409',
    code: 'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
    title: 'The provided entity is missing a required relationship',
    detail: `You must provide a value for the relationship '${name}' with this request`,
    source: { pointer: `/data/relationships/${name}` },
  }
}

function versionText(s: SandboxStore, v: AppStoreVersion, out: Associated): void {
  for (const l of s.localizationsOf(v.id)) {
    for (const key of VERSION_TEXT)
      if (!l[key]?.trim())
        add(out, `/v1/appStoreVersionLocalizations/${l.id}`, requiredAttribute(l.id, key, l.locale))
  }
  for (const [key, errors] of Object.entries(missingReleaseNotes(s, v)))
    for (const e of errors) add(out, key, e)
}

/** Screenshots of the primary locale, for each device family the build runs on (other locales fall back to them). */
function screenshots(s: SandboxStore, v: AppStoreVersion, out: Associated): void {
  const primary = s.apps.get(v.appId)?.locales[0]
  const localization = s.localizationsOf(v.id).find((l) => l.locale === primary) ?? s.localizationsOf(v.id)[0]
  const families = v.buildId ? (s.builds.get(v.buildId)?.deviceFamilies ?? null) : null
  const sets = localization ? screenshotSetsOf(s, localization.id) : []
  for (const requirement of requiredScreenshots(v.platform, families)) {
    const filled = sets.some(
      (set) =>
        requirement.types.includes(set.displayType) &&
        set.screenshotIds.some((id) => s.appScreenshots.get(id)?.state === 'COMPLETE'),
    )
    if (filled) continue
    const named = requirement.types[0] ?? ''
    add(out, '/v1/appScreenshots/', {
      id: `${v.id}-screenshots-${requirement.family}`,
      status: '409',
      code: `STATE_ERROR.SCREENSHOT_REQUIRED.${named}`,
      title: `App screenshot missing (${named}).`,
      detail: `A screenshot for one of the following types is required but was not provided: ${requirement.types.join(', ')}`,
      ...(localization ? { meta: { locale: localization.locale } } : {}),
    })
  }
}

function appInformation(s: SandboxStore, v: AppStoreVersion, out: Associated): void {
  const app = s.apps.get(v.appId)
  const info = appInfoForReview(s, v.appId)
  if (info) {
    if (!info.categories.primaryCategory)
      add(out, `/v1/appInfos/${info.id}`, missingRelationship(info.id, 'primaryCategory'))
    // A name in every locale; the privacy policy URL of the primary locale stands in for the others; an app
    // on tvOS also needs its privacy policy as text in every locale.
    const onTv = app?.platforms.includes('TV_OS') ?? false
    for (const l of appInfoLocalizationsOf(s, info.id)) {
      const keys: ('name' | 'privacyPolicyUrl' | 'privacyPolicyText')[] = ['name']
      if (l.locale === app?.locales[0]) keys.push('privacyPolicyUrl')
      if (onTv) keys.push('privacyPolicyText')
      for (const key of keys)
        if (!l[key]?.trim())
          add(out, `/v1/appInfoLocalizations/${l.id}`, requiredAttribute(l.id, key, l.locale))
    }
  }
  if (app && !app.contentRightsDeclaration)
    add(out, `/v1/apps/${app.id}`, requiredAttribute(app.id, 'contentRightsDeclaration'))
}

function reviewContact(s: SandboxStore, v: AppStoreVersion, out: Associated): void {
  const detail = reviewDetailOf(s, v.id)
  if (!detail) {
    add(out, `/v1/appStoreVersions/${v.id}`, missingRelationship(v.id, 'appStoreReviewDetail'))
    return
  }
  const needed: (keyof AppStoreReviewDetail)[] = [
    ...CONTACT,
    ...(detail.demoAccountRequired ? (['demoAccountName', 'demoAccountPassword'] as const) : []),
  ]
  for (const key of needed) {
    const value = detail[key]
    if (typeof value !== 'string' || !value.trim())
      add(out, `/v1/appStoreReviewDetails/${detail.id}`, requiredAttribute(detail.id, key))
  }
}

/** Everything App Review would find missing on the version, by resource path (empty: ready). */
function missingForReview(s: SandboxStore, v: AppStoreVersion): Associated {
  const out: Associated = {}
  versionText(s, v, out)
  screenshots(s, v, out)
  appInformation(s, v, out)
  reviewContact(s, v, out)
  return out
}

export function assertReadyForReview(s: SandboxStore, v: AppStoreVersion): void {
  const associatedErrors = missingForReview(s, v)
  if (Object.keys(associatedErrors).length === 0) return
  throw new ApiError(409, [
    {
      code: 'STATE_ERROR.ENTITY_STATE_INVALID',
      title: `appStoreVersions with id '${v.id}' is not in valid state.`,
      detail: 'This resource cannot be reviewed, please check associated errors to see why.',
      meta: { associatedErrors },
    },
  ])
}
