import { randomUUID } from 'node:crypto'
import { OPEN_REVIEW_SUBMISSION_STATES, type REVIEW_SUBMISSION_STATES } from '../asc/enums'
import { compareVersionStrings, isUpdate, trainRefusal } from '../asc/version-order'
import { ApiError, conflict, otherStateInvalid, relationshipInvalid, relationshipNotFound } from './errors'
import {
  carryOverMetadata,
  deleteVersionMetadata,
  openNextAppInfo,
  publishAppInfo,
  seedAppInfos,
  seedVersionMetadata,
  type AppInfo,
  type AppInfoLocalization,
  type AppScreenshot,
  type AppScreenshotSet,
  type AppStoreReviewDetail,
} from './metadata'
import { advancePhasedRelease, startPhasedRelease, type PhasedRelease } from './phased-release'
import type { AppVersionState, BetaReviewState, ParsedSeed, ProcessingState, SandboxPlatform } from './seed'

export type Timers = {
  readonly processingMs: number
  /** A submitted beta review is IN_REVIEW after half of this and APPROVED after all of it; 0: it waits for a decision. */
  readonly betaReviewMs: number
  /** The same for App Store review. */
  readonly reviewMs: number
  /** How long a canceled review submission stays CANCELING. */
  readonly cancelMs: number
}

type ReviewKind = 'app-store' | 'beta'
type ReviewDecision = 'approve' | 'reject'

export type App = {
  id: string
  bundleId: string
  name: string
  sku: string
  platforms: SandboxPlatform[]
  /** The app's locales, primary first (apps.primaryLocale). */
  locales: string[]
  uploadOutcome: Exclude<ProcessingState, 'PROCESSING'>
  /** false: a fresh app record, whose versions start without text, screenshots or App Review contact. */
  appStoreInfo: boolean
  contentRightsDeclaration: ContentRightsDeclaration | null
}
type ContentRightsDeclaration = 'DOES_NOT_USE_THIRD_PARTY_CONTENT' | 'USES_THIRD_PARTY_CONTENT'
export type BetaGroup = {
  id: string
  appId: string
  name: string
  isInternal: boolean
  createdDate: string
  buildIds: string[]
}
export type PreReleaseVersion = { id: string; appId: string; platform: SandboxPlatform; version: string }
export type Build = {
  id: string
  appId: string
  preReleaseVersionId: string
  version: string
  uploadedAt: number
  processingState: ProcessingState
  /** When processing ends (null: never, the state is final) and what it ends in. */
  processedAt: number | null
  outcome: ProcessingState
  usesNonExemptEncryption: boolean | null
  expired: boolean
  buildUploadId: string | null
  /** The device families its Info.plist names (UIDeviceFamily), when the sandbox read the uploaded build. */
  deviceFamilies: string[] | null
}
export type BetaBuildLocalization = { id: string; buildId: string; locale: string; whatsNew: string | null }
export type BetaAppReviewDetail = {
  id: string
  contactFirstName: string | null
  contactLastName: string | null
  contactPhone: string | null
  contactEmail: string | null
  demoAccountRequired: boolean
  notes: string | null
}
export type BetaAppLocalization = {
  id: string
  appId: string
  locale: string
  feedbackEmail: string | null
  description: string | null
}
export type BetaAppReviewSubmission = {
  id: string
  buildId: string
  state: BetaReviewState
  submittedAt: number
  /** Moves on the beta review timer; false for seeded and decided reviews, which stay where they are. */
  timed: boolean
}
export type AppStoreVersion = {
  id: string
  appId: string
  platform: SandboxPlatform
  versionString: string
  state: AppVersionState
  copyright: string | null
  releaseType: 'MANUAL' | 'AFTER_APPROVAL' | 'SCHEDULED'
  earliestReleaseDate: string | null
  createdDate: string
  buildId: string | null
  reviewType: 'APP_STORE' | 'NOTARIZATION'
  downloadable: boolean
}
/** A version's text in one locale (appStoreVersionLocalizations); null = empty, as Apple leaves it out. */
export type AppStoreVersionLocalization = {
  id: string
  versionId: string
  locale: string
  description: string | null
  keywords: string | null
  marketingUrl: string | null
  promotionalText: string | null
  supportUrl: string | null
  whatsNew: string | null
}
export type { PhasedRelease } from './phased-release'
export type ReviewSubmissionState = (typeof REVIEW_SUBMISSION_STATES)[number]
export type ReviewSubmission = {
  id: string
  appId: string
  platform: SandboxPlatform
  state: ReviewSubmissionState
  submittedAt: number | null
  /** When the current timed state began; null for seeded submissions, which stay where they were put. */
  changedAt: number | null
}
export type ReviewSubmissionItem = {
  id: string
  submissionId: string
  versionId: string
  state: 'READY_FOR_REVIEW' | 'ACCEPTED' | 'APPROVED' | 'REJECTED' | 'REMOVED'
}

/** Versions that no longer block a new version (Apple: only one version may be on its way at a time). */
const RELEASED: readonly AppVersionState[] = ['READY_FOR_DISTRIBUTION', 'REPLACED_WITH_NEW_VERSION']
/**
 * Versions whose metadata can still be changed. The same states as the client's EDITABLE_VERSION_STATES
 * (electron/asc/enums.ts), written out again on purpose: this list is the sandbox refusing a PATCH as Apple
 * does, so a mistake in the client's list shows up as a refusal instead of hiding in both.
 */
const EDITABLE: readonly AppVersionState[] = [
  'PREPARE_FOR_SUBMISSION',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'METADATA_REJECTED',
  'INVALID_BINARY',
  'READY_FOR_REVIEW',
  'WAITING_FOR_EXPORT_COMPLIANCE',
]
export const OPEN_SUBMISSION: readonly ReviewSubmissionState[] = OPEN_REVIEW_SUBMISSION_STATES

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export class SandboxStore {
  readonly apps = new Map<string, App>()
  readonly betaGroups = new Map<string, BetaGroup>()
  readonly preReleaseVersions = new Map<string, PreReleaseVersion>()
  readonly builds = new Map<string, Build>()
  readonly betaBuildLocalizations = new Map<string, BetaBuildLocalization>()
  readonly betaAppReviewDetails = new Map<string, BetaAppReviewDetail>()
  readonly betaAppLocalizations = new Map<string, BetaAppLocalization>()
  readonly betaAppReviewSubmissions = new Map<string, BetaAppReviewSubmission>()
  readonly appStoreVersions = new Map<string, AppStoreVersion>()
  readonly appStoreVersionLocalizations = new Map<string, AppStoreVersionLocalization>()
  readonly phasedReleases = new Map<string, PhasedRelease>()
  readonly reviewSubmissions = new Map<string, ReviewSubmission>()
  readonly reviewSubmissionItems = new Map<string, ReviewSubmissionItem>()
  readonly appInfos = new Map<string, AppInfo>()
  readonly appInfoLocalizations = new Map<string, AppInfoLocalization>()
  readonly appStoreReviewDetails = new Map<string, AppStoreReviewDetail>()
  readonly appScreenshotSets = new Map<string, AppScreenshotSet>()
  readonly appScreenshots = new Map<string, AppScreenshot>()
  private nextAppId = 6440000001

  constructor(
    seed: ParsedSeed,
    readonly timers: Timers,
    readonly now: () => number,
  ) {
    for (const s of seed.apps) this.seedApp(s)
  }

  /** An app record added while the sandbox runs; null when an app already has this bundle id. */
  addApp(s: ParsedSeed['apps'][number]): App | null {
    if ([...this.apps.values()].some((a) => a.bundleId === s.bundleId)) return null
    return this.seedApp(s)
  }

  private seedApp(s: ParsedSeed['apps'][number]): App {
    const t = this.now()
    const app: App = {
      id: String(this.nextAppId++),
      bundleId: s.bundleId,
      name: s.name,
      sku: s.bundleId.replace(/\W/g, '-').toUpperCase(),
      platforms: [...s.platforms],
      locales: [...new Set(s.locales)],
      uploadOutcome: s.uploadOutcome,
      appStoreInfo: s.appStoreInfo,
      // Seeded apps have answered the content rights question (App Review needs it).
      contentRightsDeclaration: 'DOES_NOT_USE_THIRD_PARTY_CONTENT',
    }
    this.apps.set(app.id, app)
    for (const g of s.betaGroups) {
      const group = {
        id: randomUUID(),
        appId: app.id,
        name: g.name,
        isInternal: g.isInternal,
        createdDate: iso(t),
        buildIds: [],
      }
      this.betaGroups.set(group.id, group)
    }
    // The beta review detail shares the app's id, as on App Store Connect.
    this.betaAppReviewDetails.set(app.id, {
      id: app.id,
      ...(s.betaAppInfo
        ? {
            contactFirstName: 'Ada',
            contactLastName: 'Lovelace',
            contactPhone: '+1 555 0100',
            contactEmail: 'review@example.com',
          }
        : { contactFirstName: null, contactLastName: null, contactPhone: null, contactEmail: null }),
      demoAccountRequired: false,
      notes: null,
    })
    if (s.betaAppInfo) {
      const loc = {
        id: randomUUID(),
        appId: app.id,
        locale: 'en-US',
        feedbackEmail: 'beta@example.com',
        description: `${s.name} beta`,
      }
      this.betaAppLocalizations.set(loc.id, loc)
    }
    s.builds.forEach((b, index) => {
      const build = this.addBuild(
        app,
        b.platform,
        b.versionString,
        b.buildNumber,
        t - (s.builds.length - index) * 3_600_000,
        null,
        b.state,
      )
      build.usesNonExemptEncryption = false
      if (b.betaReviewState) {
        const sub = {
          id: randomUUID(),
          buildId: build.id,
          state: b.betaReviewState,
          submittedAt: t,
          timed: false,
        }
        this.betaAppReviewSubmissions.set(sub.id, sub)
      }
    })
    const seeded: AppStoreVersion[] = []
    for (const v of s.versions) {
      const version = this.addVersion(app, v.platform, v.versionString, v.state, v.copyright ?? null, t)
      seeded.push(version)
      if (v.state === 'WAITING_FOR_REVIEW' || v.state === 'IN_REVIEW') {
        const sub: ReviewSubmission = {
          id: randomUUID(),
          appId: app.id,
          platform: v.platform,
          state: v.state,
          submittedAt: t,
          changedAt: null,
        }
        this.reviewSubmissions.set(sub.id, sub)
        const item = {
          id: randomUUID(),
          submissionId: sub.id,
          versionId: version.id,
          state: 'READY_FOR_REVIEW' as const,
        }
        this.reviewSubmissionItems.set(item.id, item)
      }
    }
    // A seeded version that went past submission as an update carries its release notes; an editable one has
    // none yet, as a new version starts.
    for (const version of seeded) {
      const notes =
        !EDITABLE.includes(version.state) && this.isUpdate(version)
          ? `Improvements and fixes in ${version.versionString}.`
          : null
      seedVersionMetadata(this, app, version, notes)
    }
    seedAppInfos(this, app, seeded)
    return app
  }

  addLocalization(
    versionId: string,
    locale: string,
    text: Omit<AppStoreVersionLocalization, 'id' | 'versionId' | 'locale'>,
  ): AppStoreVersionLocalization {
    const l: AppStoreVersionLocalization = { id: randomUUID(), versionId, locale, ...text }
    this.appStoreVersionLocalizations.set(l.id, l)
    return l
  }

  localizationsOf(versionId: string): AppStoreVersionLocalization[] {
    return [...this.appStoreVersionLocalizations.values()].filter((l) => l.versionId === versionId)
  }

  /** The other versions of the version's app and platform. */
  siblingsOf(v: Pick<AppStoreVersion, 'id' | 'appId' | 'platform'>): AppStoreVersion[] {
    return [...this.appStoreVersions.values()].filter(
      (o) => o.id !== v.id && o.appId === v.appId && o.platform === v.platform,
    )
  }

  /** An update: a lower version of the platform went on sale (a first version takes no What's New, no phased release). */
  isUpdate(v: AppStoreVersion): boolean {
    return isUpdate(v.versionString, this.siblingsOf(v))
  }

  private addVersion(
    app: App,
    platform: SandboxPlatform,
    versionString: string,
    state: AppVersionState,
    copyright: string | null,
    t: number,
  ): AppStoreVersion {
    const v: AppStoreVersion = {
      id: randomUUID(),
      appId: app.id,
      platform,
      versionString,
      state,
      copyright,
      releaseType: 'MANUAL',
      earliestReleaseDate: null,
      createdDate: iso(t),
      buildId: null,
      reviewType: 'APP_STORE',
      downloadable: true,
    }
    this.appStoreVersions.set(v.id, v)
    return v
  }

  /** Creates a build (and its preReleaseVersion train when new). `processedAt` null: the state is final now. */
  addBuild(
    app: App,
    platform: SandboxPlatform,
    versionString: string,
    buildNumber: string,
    uploadedAt: number,
    processedAt: number | null,
    outcome: ProcessingState,
    buildUploadId: string | null = null,
  ): Build {
    let train = [...this.preReleaseVersions.values()].find(
      (p) => p.appId === app.id && p.platform === platform && p.version === versionString,
    )
    if (!train) {
      train = { id: randomUUID(), appId: app.id, platform, version: versionString }
      this.preReleaseVersions.set(train.id, train)
    }
    const build: Build = {
      id: randomUUID(),
      appId: app.id,
      preReleaseVersionId: train.id,
      version: buildNumber,
      uploadedAt,
      processingState: processedAt === null ? outcome : 'PROCESSING',
      processedAt,
      outcome,
      usesNonExemptEncryption: null,
      expired: false,
      buildUploadId,
      deviceFamilies: null,
    }
    this.builds.set(build.id, build)
    return build
  }

  /**
   * An existing build with this number in this version train (Apple's "redundant binary", ITMS-90189). Trains are
   * compared as numbers, as Apple does: 1.1 and 1.1.0 are one train.
   */
  findBuild(appId: string, platform: string, versionString: string, buildNumber: string): Build | undefined {
    return [...this.builds.values()].find((b) => {
      const train = this.preReleaseVersions.get(b.preReleaseVersionId)
      return (
        b.appId === appId &&
        b.version === buildNumber &&
        train?.platform === platform &&
        compareVersionStrings(train.version, versionString) === 0
      )
    })
  }

  /** The platform's highest build number so far (on macOS a new upload must be higher: ITMS-90061), or null. */
  highestBuildNumber(appId: string, platform: string): string | null {
    let highest: string | null = null
    for (const b of this.builds.values()) {
      if (b.appId !== appId || this.preReleaseVersions.get(b.preReleaseVersionId)?.platform !== platform)
        continue
      if (highest === null || compareVersionStrings(b.version, highest) > 0) highest = b.version
    }
    return highest
  }

  /** Moves every timed state machine to where `now` says it is. Called before each request is answered. */
  advance(): void {
    const now = this.now()
    const { betaReviewMs } = this.timers
    for (const b of this.builds.values()) {
      if (b.processingState === 'PROCESSING' && b.processedAt !== null && now >= b.processedAt)
        b.processingState = b.outcome
    }
    for (const s of this.betaAppReviewSubmissions.values()) {
      if (!s.timed || betaReviewMs <= 0) continue
      const elapsed = now - s.submittedAt
      s.state =
        elapsed >= betaReviewMs
          ? 'APPROVED'
          : elapsed >= betaReviewMs / 2
            ? 'IN_REVIEW'
            : 'WAITING_FOR_REVIEW'
      if (s.state === 'APPROVED') s.timed = false
    }
    for (const s of this.reviewSubmissions.values()) {
      // A loop lets a late observer see every step taken, each at the moment it happened.
      while (s.changedAt !== null) {
        const due = s.changedAt + this.phaseMs(s)
        if (now < due || !this.stepSubmission(s, due)) break
      }
    }
    for (const v of this.appStoreVersions.values()) {
      const date = v.earliestReleaseDate === null ? NaN : Date.parse(v.earliestReleaseDate)
      if (v.state === 'PENDING_DEVELOPER_RELEASE' && v.releaseType === 'SCHEDULED' && now >= date)
        this.putOnSale(v, date)
    }
    for (const p of this.phasedReleases.values()) advancePhasedRelease(p, now)
  }

  /** How long the submission's current timed phase lasts; Infinity while it waits for a decision. */
  private phaseMs(s: ReviewSubmission): number {
    if (s.state === 'CANCELING') return this.timers.cancelMs
    if (s.state === 'WAITING_FOR_REVIEW' || s.state === 'IN_REVIEW')
      return this.timers.reviewMs > 0 ? this.timers.reviewMs / 2 : Infinity
    return Infinity
  }

  /** Takes the submission's next timed step at `at`; true when another timed step follows. */
  private stepSubmission(s: ReviewSubmission, at: number): boolean {
    const versions = this.versionsOf(s.id)
    if (s.state === 'WAITING_FOR_REVIEW') {
      s.state = 'IN_REVIEW'
      for (const v of versions) v.state = 'IN_REVIEW'
      s.changedAt = at
      return true
    }
    if (s.state === 'IN_REVIEW') {
      this.decideSubmission(s, 'approve', at)
    } else if (s.state === 'CANCELING') {
      s.state = 'COMPLETE'
      for (const i of this.itemsOf(s.id)) i.state = 'REMOVED'
      // A canceled review hands the version back as DEVELOPER_REJECTED (editable again).
      for (const v of versions) {
        if (v.state === 'WAITING_FOR_REVIEW' || v.state === 'IN_REVIEW' || v.state === 'REJECTED')
          v.state = 'DEVELOPER_REJECTED'
        else if (v.state === 'READY_FOR_REVIEW') v.state = 'PREPARE_FOR_SUBMISSION'
      }
    }
    s.changedAt = null
    return false
  }

  private versionsOf(submissionId: string): AppStoreVersion[] {
    return this.itemsOf(submissionId).flatMap((i) => {
      const v = this.appStoreVersions.get(i.versionId)
      return v ? [v] : []
    })
  }

  /** App Review's verdict: approved items follow their release type; a rejection leaves UNRESOLVED_ISSUES. */
  private decideSubmission(s: ReviewSubmission, decision: ReviewDecision, at: number): void {
    s.changedAt = null
    if (decision === 'approve') {
      s.state = 'COMPLETE'
      for (const i of this.itemsOf(s.id)) i.state = 'APPROVED'
      for (const v of this.versionsOf(s.id)) this.approve(v, at)
    } else {
      s.state = 'UNRESOLVED_ISSUES'
      for (const i of this.itemsOf(s.id)) i.state = 'REJECTED'
      for (const v of this.versionsOf(s.id)) v.state = 'REJECTED'
    }
  }

  private approve(v: AppStoreVersion, at: number): void {
    const date = v.earliestReleaseDate === null ? NaN : Date.parse(v.earliestReleaseDate)
    // A scheduled version waits for its date as PENDING_DEVELOPER_RELEASE (advance releases it then).
    if (v.releaseType === 'MANUAL' || (v.releaseType === 'SCHEDULED' && !(at >= date)))
      v.state = 'PENDING_DEVELOPER_RELEASE'
    else this.putOnSale(v, at)
  }

  /** The version goes on sale at `at`: the previous one is replaced, and its phased release starts. */
  private putOnSale(v: AppStoreVersion, at: number): void {
    for (const other of this.appStoreVersions.values()) {
      if (
        other.id !== v.id &&
        other.appId === v.appId &&
        other.platform === v.platform &&
        other.state === 'READY_FOR_DISTRIBUTION'
      )
        other.state = 'REPLACED_WITH_NEW_VERSION'
    }
    v.state = 'READY_FOR_DISTRIBUTION'
    publishAppInfo(this, v.appId)
    for (const p of this.phasedReleases.values()) if (p.versionId === v.id) startPhasedRelease(p, at)
  }

  /** POST /v1/appStoreVersionReleaseRequests: only an approved version waiting for its developer. */
  requestRelease(v: AppStoreVersion): void {
    if (v.state !== 'PENDING_DEVELOPER_RELEASE')
      throw otherStateInvalid(
        `appStoreVersions with id '${v.id}' is ${v.state}; only a version in PENDING_DEVELOPER_RELEASE can be released.`,
      )
    this.putOnSale(v, this.now())
  }

  /**
   * Decides the app's open review now (POST /__sandbox/review): the latest App Store review submission
   * waiting for or in review, or the latest beta review. Returns what was decided, or an error sentence.
   */
  decideReview(
    bundleId: string,
    kind: ReviewKind,
    decision: ReviewDecision,
  ): { readonly id: string; readonly state: string } | { readonly error: string } {
    const app = [...this.apps.values()].find((a) => a.bundleId === bundleId)
    if (!app) return { error: `no app with bundle id '${bundleId}'` }
    const now = this.now()
    const latest = <T extends { submittedAt: number | null }>(list: T[]): T | undefined =>
      list.sort((a, b) => (b.submittedAt ?? 0) - (a.submittedAt ?? 0))[0]
    if (kind === 'beta') {
      const sub = latest(
        [...this.betaAppReviewSubmissions.values()].filter(
          (s) =>
            this.builds.get(s.buildId)?.appId === app.id &&
            (s.state === 'WAITING_FOR_REVIEW' || s.state === 'IN_REVIEW'),
        ),
      )
      if (!sub) return { error: `${bundleId} has no build waiting for or in beta review` }
      sub.timed = false
      sub.state = decision === 'approve' ? 'APPROVED' : 'REJECTED'
      return { id: sub.id, state: sub.state }
    }
    const sub = latest(
      [...this.reviewSubmissions.values()].filter(
        (s) => s.appId === app.id && (s.state === 'WAITING_FOR_REVIEW' || s.state === 'IN_REVIEW'),
      ),
    )
    if (!sub) return { error: `${bundleId} has no review submission waiting for or in review` }
    this.decideSubmission(sub, decision, now)
    return { id: sub.id, state: sub.state }
  }

  itemsOf(submissionId: string): ReviewSubmissionItem[] {
    return [...this.reviewSubmissionItems.values()].filter((i) => i.submissionId === submissionId)
  }

  betaSubmissionOf(buildId: string): BetaAppReviewSubmission | undefined {
    return [...this.betaAppReviewSubmissions.values()].find((s) => s.buildId === buildId)
  }

  betaAppInfoComplete(appId: string): boolean {
    const d = this.betaAppReviewDetails.get(appId)
    const feedback = [...this.betaAppLocalizations.values()].some((l) => l.appId === appId && l.feedbackEmail)
    return Boolean(d?.contactEmail && d.contactFirstName && d.contactLastName && d.contactPhone && feedback)
  }

  // ---- rules (App Store Connect's 409s) ----

  createVersion(appId: string, platform: SandboxPlatform, versionString: string): AppStoreVersion {
    const app = this.apps.get(appId)
    if (!app) throw relationshipNotFound('app', appId, '/data/relationships/app')
    const siblings = [...this.appStoreVersions.values()].filter(
      (v) => v.appId === appId && v.platform === platform,
    )
    const errors: ApiConflict[] = []
    if (siblings.some((v) => !RELEASED.includes(v.state))) {
      errors.push({
        code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
        title: 'The provided entity includes a relationship with an invalid value',
        detail: 'You cannot create a new version of the App in the current state.',
        pointer: '/data/relationships/app',
      })
    }
    if (siblings.some((v) => v.versionString === versionString)) errors.push(duplicateVersion())
    else {
      const lower = lowerThanApproved(versionString, siblings)
      if (lower) errors.push(lower)
    }
    if (errors.length > 0) throw new ApiError(409, errors)
    const previous = siblings.at(-1)
    const v = this.addVersion(app, platform, versionString, 'PREPARE_FOR_SUBMISSION', null, this.now())
    if (previous) carryOverMetadata(this, previous, v)
    else seedVersionMetadata(this, app, v, null)
    openNextAppInfo(this, appId)
    return v
  }

  /** DELETE of a version: its text, screenshots and App Review information go with it. */
  deleteVersion(v: AppStoreVersion): void {
    deleteVersionMetadata(this, v.id)
    this.appStoreVersions.delete(v.id)
  }

  isEditable(v: AppStoreVersion): boolean {
    return EDITABLE.includes(v.state)
  }

  assertVersionEditable(v: AppStoreVersion): void {
    if (this.isEditable(v)) return
    throw conflict(
      'ENTITY_ERROR.STATE_NOT_ALLOWED',
      'The request cannot be fulfilled because of the state of the resource.',
      `appStoreVersions with id '${v.id}' cannot be edited while it is ${v.state}.`,
    )
  }

  renameVersion(v: AppStoreVersion, versionString: string): void {
    if (v.versionString === versionString) return
    const taken = [...this.appStoreVersions.values()].some(
      (o) =>
        o.id !== v.id &&
        o.appId === v.appId &&
        o.platform === v.platform &&
        o.versionString === versionString,
    )
    if (taken) throw new ApiError(409, [duplicateVersion()])
    const lower = lowerThanApproved(versionString, this.siblingsOf(v))
    if (lower) throw new ApiError(409, [lower])
    v.versionString = versionString
  }

  attachBuild(v: AppStoreVersion, buildId: string | null): void {
    this.assertVersionEditable(v)
    if (buildId === null) {
      v.buildId = null
      return
    }
    const build = this.builds.get(buildId)
    const train = build ? this.preReleaseVersions.get(build.preReleaseVersionId) : undefined
    const invalid = (detail: string): never => {
      throw relationshipInvalid(detail, '/data/relationships/build')
    }
    if (!build || !train || build.appId !== v.appId || train.platform !== v.platform)
      return invalid(`builds with id '${buildId}' cannot be found for this app and platform.`)
    if (build.processingState !== 'VALID' || build.expired)
      return invalid(
        `The build '${build.version}' is not valid (processingState ${build.processingState}${build.expired ? ', expired' : ''}) and cannot be attached.`,
      )
    if (train.version !== v.versionString)
      return invalid(
        `The build's version ${train.version} does not match the version string ${v.versionString}.`,
      )
    v.buildId = build.id
  }
}

type ApiConflict = { code: string; title: string; detail: string; pointer?: string }

/** A version at or below one Apple approved: its train is closed (ITMS-90186/90062 for builds). */
function lowerThanApproved(versionString: string, siblings: readonly AppStoreVersion[]): ApiConflict | null {
  const refusal = trainRefusal(versionString, siblings)
  if (!refusal) return null
  return {
    code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
    title: 'The provided entity includes an attribute with an invalid value',
    detail: `The version number '${versionString}' must be higher than the previously approved version '${refusal.approved}'.`,
    pointer: '/data/attributes/versionString',
  }
}

function duplicateVersion(): ApiConflict {
  return {
    code: 'ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE',
    title: 'The provided entity includes an attribute with a value that has already been used',
    detail: 'The version number has been previously used.',
    pointer: '/data/attributes/versionString',
  }
}
