import { create } from 'zustand'
import type {
  ScreenshotProgress,
  StoreInfo,
  StoreInfoEdit,
  StoreTarget,
  VersionTextView,
} from '../../../shared/store-info'

export type VersionField = Exclude<keyof VersionTextView, 'locale'>
export type AppInfoField = 'name' | 'subtitle' | 'privacyPolicyUrl' | 'privacyPolicyText'
export type ReviewField = 'contactFirstName' | 'contactLastName' | 'contactPhone' | 'contactEmail' | 'notes'
export type CategoryField = 'primaryCategory' | 'secondaryCategory'

/** What the person typed and has not saved yet; a field not here shows what App Store Connect holds. */
interface StoreDrafts {
  readonly versionTexts: Readonly<Record<string, Partial<Record<VersionField, string>>>>
  readonly appInfoTexts: Readonly<Record<string, Partial<Record<AppInfoField, string>>>>
  readonly review: Partial<Record<ReviewField, string>>
  readonly categories: Partial<Record<CategoryField, string>>
}

/** The App Store information panel: the chosen build's version as App Store Connect holds it, and the form over it. */
export interface StoreInfoState {
  readonly target: StoreTarget | null
  readonly phase: 'idle' | 'loading' | 'ready' | 'failed'
  readonly info: StoreInfo | null
  readonly error: string | null
  /** The locale the text fields show. */
  readonly locale: string | null
  readonly drafts: StoreDrafts
  readonly saving: boolean
  readonly saveError: string | null
  /** What the last save did, in words, until the next edit. */
  readonly saved: string | null
  readonly uploading: boolean
  /** Screenshots on their way, by the dropped file's id. */
  readonly uploads: Readonly<Record<string, ScreenshotProgress>>
  readonly shotError: string | null
}

const noDrafts: StoreDrafts = { versionTexts: {}, appInfoTexts: {}, review: {}, categories: {} }

const initialStoreInfo: StoreInfoState = {
  target: null,
  phase: 'idle',
  info: null,
  error: null,
  locale: null,
  drafts: noDrafts,
  saving: false,
  saveError: null,
  saved: null,
  uploading: false,
  uploads: {},
  shotError: null,
}

export const useStoreInfoStore = create<StoreInfoState>(() => initialStoreInfo)

function sameTarget(a: StoreTarget | null, b: StoreTarget | null): boolean {
  return (
    a !== null &&
    b !== null &&
    a.bundleId === b.bundleId &&
    a.platform === b.platform &&
    a.versionString === b.versionString &&
    a.deviceFamilies.join() === b.deviceFamilies.join()
  )
}

export function loadStarted(state: StoreInfoState, target: StoreTarget): StoreInfoState {
  // Another version: its form starts clean.
  if (!sameTarget(state.target, target)) return { ...initialStoreInfo, target, phase: 'loading' }
  // The same version (the App Store panel's copyright or What's New changed): the form keeps what was typed.
  return { ...state, target, phase: state.info ? state.phase : 'loading', error: null }
}

export function loaded(state: StoreInfoState, target: StoreTarget, info: StoreInfo): StoreInfoState {
  if (!sameTarget(state.target, target)) return state
  const locale =
    state.locale !== null && info.locales.includes(state.locale) ? state.locale : (info.locales[0] ?? null)
  return { ...state, phase: 'ready', info, error: null, locale }
}

export function loadFailed(state: StoreInfoState, target: StoreTarget, message: string): StoreInfoState {
  if (!sameTarget(state.target, target)) return state
  return { ...state, phase: state.info ? 'ready' : 'failed', error: message }
}

export function localeChosen(state: StoreInfoState, locale: string): StoreInfoState {
  return { ...state, locale }
}

function withDrafts(state: StoreInfoState, drafts: StoreDrafts): StoreInfoState {
  return { ...state, drafts, saved: null, saveError: null }
}

export function versionTextTyped(
  state: StoreInfoState,
  locale: string,
  field: VersionField,
  value: string,
): StoreInfoState {
  const d = state.drafts
  return withDrafts(state, {
    ...d,
    versionTexts: { ...d.versionTexts, [locale]: { ...d.versionTexts[locale], [field]: value } },
  })
}

export function appInfoTyped(
  state: StoreInfoState,
  locale: string,
  field: AppInfoField,
  value: string,
): StoreInfoState {
  const d = state.drafts
  return withDrafts(state, {
    ...d,
    appInfoTexts: { ...d.appInfoTexts, [locale]: { ...d.appInfoTexts[locale], [field]: value } },
  })
}

export function reviewTyped(state: StoreInfoState, field: ReviewField, value: string): StoreInfoState {
  return withDrafts(state, { ...state.drafts, review: { ...state.drafts.review, [field]: value } })
}

export function categoryChosen(state: StoreInfoState, field: CategoryField, value: string): StoreInfoState {
  return withDrafts(state, { ...state.drafts, categories: { ...state.drafts.categories, [field]: value } })
}

/** The text a field shows: the draft when there is one, else App Store Connect's value. */
export function versionTextValue(state: StoreInfoState, locale: string, field: VersionField): string {
  return (
    state.drafts.versionTexts[locale]?.[field] ??
    state.info?.versionTexts.find((t) => t.locale === locale)?.[field] ??
    ''
  )
}

export function appInfoValue(state: StoreInfoState, locale: string, field: AppInfoField): string {
  return (
    state.drafts.appInfoTexts[locale]?.[field] ??
    state.info?.appInfoTexts.find((t) => t.locale === locale)?.[field] ??
    ''
  )
}

export function reviewValue(state: StoreInfoState, field: ReviewField): string {
  return state.drafts.review[field] ?? state.info?.review[field] ?? ''
}

export function categoryValue(state: StoreInfoState, field: CategoryField): string {
  const held = field === 'primaryCategory' ? state.info?.categories.primary : state.info?.categories.secondary
  return state.drafts.categories[field] ?? held ?? ''
}

/** Only the fields whose text differs from App Store Connect's: what Save sends. */
export function pendingEdit(state: StoreInfoState): StoreInfoEdit {
  const info = state.info
  const edit = {
    versionTexts: {} as Record<string, Partial<Record<VersionField, string>>>,
    appInfoTexts: {} as Record<string, Partial<Record<AppInfoField, string>>>,
    review: {} as Partial<Record<ReviewField, string>>,
  }
  for (const [locale, fields] of Object.entries(state.drafts.versionTexts)) {
    const now = info?.versionTexts.find((t) => t.locale === locale)
    for (const [field, value] of Object.entries(fields) as [VersionField, string][])
      if (value !== (now?.[field] ?? ''))
        edit.versionTexts[locale] = { ...edit.versionTexts[locale], [field]: value }
  }
  for (const [locale, fields] of Object.entries(state.drafts.appInfoTexts)) {
    const now = info?.appInfoTexts.find((t) => t.locale === locale)
    for (const [field, value] of Object.entries(fields) as [AppInfoField, string][])
      if (value !== (now?.[field] ?? ''))
        edit.appInfoTexts[locale] = { ...edit.appInfoTexts[locale], [field]: value }
  }
  for (const [field, value] of Object.entries(state.drafts.review) as [ReviewField, string][])
    if (value !== (info?.review[field] ?? '')) edit.review[field] = value
  const primary = state.drafts.categories.primaryCategory
  const secondary = state.drafts.categories.secondaryCategory
  return {
    ...(Object.keys(edit.versionTexts).length > 0 ? { versionTexts: edit.versionTexts } : {}),
    ...(Object.keys(edit.appInfoTexts).length > 0 ? { appInfoTexts: edit.appInfoTexts } : {}),
    ...(Object.keys(edit.review).length > 0 ? { review: edit.review } : {}),
    ...(primary !== undefined && primary !== (info?.categories.primary ?? '')
      ? { primaryCategory: primary }
      : {}),
    ...(secondary !== undefined && secondary !== (info?.categories.secondary ?? '')
      ? { secondaryCategory: secondary }
      : {}),
  }
}

export function hasPendingEdit(state: StoreInfoState): boolean {
  return Object.keys(pendingEdit(state)).length > 0
}

export function saveStarted(state: StoreInfoState): StoreInfoState {
  return { ...state, saving: true, saveError: null, saved: null }
}

export function saveFinished(state: StoreInfoState, info: StoreInfo, said: string): StoreInfoState {
  return { ...loaded({ ...state, saving: false, drafts: noDrafts }, state.target!, info), saved: said }
}

export function saveFailed(state: StoreInfoState, message: string): StoreInfoState {
  return { ...state, saving: false, saveError: message }
}

export function uploadStarted(state: StoreInfoState): StoreInfoState {
  return { ...state, uploading: true, uploads: {}, shotError: null }
}

export function uploadProgressed(state: StoreInfoState, progress: ScreenshotProgress): StoreInfoState {
  if (state.target?.bundleId !== progress.bundleId) return state
  return { ...state, uploads: { ...state.uploads, [progress.fileId]: progress } }
}

export function shotsChanged(state: StoreInfoState, info: StoreInfo): StoreInfoState {
  return { ...loaded({ ...state, uploading: false }, state.target!, info), shotError: null }
}

export function shotsFailed(state: StoreInfoState, message: string): StoreInfoState {
  return { ...state, uploading: false, shotError: message }
}
