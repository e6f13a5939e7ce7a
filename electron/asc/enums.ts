import * as z from 'zod'
import type { Platform } from '../../shared/build-summary'

/** Apple's enums (OpenAPI spec 4.x). Values Apple adds later read as 'UNKNOWN' instead of failing a whole answer. */

export type { Platform }

function appleEnum<const V extends readonly [string, ...string[]]>(values: V) {
  return z.lazy(() => {
    const known = new Set<string>(values)
    return z
      .string()
      .nullish()
      .transform((v): V[number] | 'UNKNOWN' | null =>
        v == null ? null : known.has(v) ? (v as V[number]) : 'UNKNOWN',
      )
  })
}

export const PROCESSING_STATES = ['PROCESSING', 'FAILED', 'INVALID', 'VALID'] as const
export type ProcessingState = (typeof PROCESSING_STATES)[number] | 'UNKNOWN'
export const ProcessingStateSchema = appleEnum(PROCESSING_STATES)

const INTERNAL_BETA_STATES = [
  'PROCESSING',
  'PROCESSING_EXCEPTION',
  'MISSING_EXPORT_COMPLIANCE',
  'READY_FOR_BETA_TESTING',
  'IN_BETA_TESTING',
  'EXPIRED',
  'IN_EXPORT_COMPLIANCE_REVIEW',
] as const
export type InternalBetaState = (typeof INTERNAL_BETA_STATES)[number] | 'UNKNOWN'
export const InternalBetaStateSchema = appleEnum(INTERNAL_BETA_STATES)

const EXTERNAL_BETA_STATES = [
  ...INTERNAL_BETA_STATES,
  'READY_FOR_BETA_SUBMISSION',
  'WAITING_FOR_BETA_REVIEW',
  'IN_BETA_REVIEW',
  'BETA_REJECTED',
  'BETA_APPROVED',
  'NOT_APPLICABLE',
] as const
export type ExternalBetaState = (typeof EXTERNAL_BETA_STATES)[number] | 'UNKNOWN'
export const ExternalBetaStateSchema = appleEnum(EXTERNAL_BETA_STATES)

export const BETA_REVIEW_STATES = ['WAITING_FOR_REVIEW', 'IN_REVIEW', 'REJECTED', 'APPROVED'] as const
export type BetaReviewState = (typeof BETA_REVIEW_STATES)[number] | 'UNKNOWN'
export const BetaReviewStateSchema = appleEnum(BETA_REVIEW_STATES)

export const APP_VERSION_STATES = [
  'ACCEPTED',
  'DEVELOPER_REJECTED',
  'IN_REVIEW',
  'INVALID_BINARY',
  'METADATA_REJECTED',
  'PENDING_APPLE_RELEASE',
  'PENDING_DEVELOPER_RELEASE',
  'PREPARE_FOR_SUBMISSION',
  'PROCESSING_FOR_DISTRIBUTION',
  'READY_FOR_DISTRIBUTION',
  'READY_FOR_REVIEW',
  'REJECTED',
  'REPLACED_WITH_NEW_VERSION',
  'WAITING_FOR_EXPORT_COMPLIANCE',
  'WAITING_FOR_REVIEW',
] as const
export type AppVersionState = (typeof APP_VERSION_STATES)[number] | 'UNKNOWN'
export const AppVersionStateSchema = appleEnum(APP_VERSION_STATES)

/**
 * States in which Apple lets a version's attributes and build be changed: fastlane's list minus
 * WAITING_FOR_REVIEW (Codemagic treats that one as editable and its PATCH then fails: it must be
 * canceled first), plus READY_FOR_REVIEW (in a draft submission, not yet sent).
 */
export const EDITABLE_VERSION_STATES = [
  'PREPARE_FOR_SUBMISSION',
  'DEVELOPER_REJECTED',
  'REJECTED',
  'METADATA_REJECTED',
  'INVALID_BINARY',
  'READY_FOR_REVIEW',
  'WAITING_FOR_EXPORT_COMPLIANCE',
] as const satisfies readonly AppVersionState[]

export const RELEASE_TYPES = ['MANUAL', 'AFTER_APPROVAL', 'SCHEDULED'] as const
export type ReleaseType = (typeof RELEASE_TYPES)[number] | 'UNKNOWN'
export const ReleaseTypeSchema = appleEnum(RELEASE_TYPES)

export const PHASED_RELEASE_STATES = ['INACTIVE', 'ACTIVE', 'PAUSED', 'COMPLETE'] as const
export type PhasedReleaseState = (typeof PHASED_RELEASE_STATES)[number] | 'UNKNOWN'
export const PhasedReleaseStateSchema = appleEnum(PHASED_RELEASE_STATES)

export const REVIEW_SUBMISSION_STATES = [
  'READY_FOR_REVIEW',
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'UNRESOLVED_ISSUES',
  'CANCELING',
  'COMPLETING',
  'COMPLETE',
] as const
export type ReviewSubmissionState = (typeof REVIEW_SUBMISSION_STATES)[number] | 'UNKNOWN'
export const ReviewSubmissionStateSchema = appleEnum(REVIEW_SUBMISSION_STATES)

/** Submissions that block a new one for the same app and platform (Apple allows one open submission). */
export const OPEN_REVIEW_SUBMISSION_STATES = [
  'READY_FOR_REVIEW',
  'WAITING_FOR_REVIEW',
  'IN_REVIEW',
  'UNRESOLVED_ISSUES',
  'CANCELING',
  'COMPLETING',
] as const satisfies readonly ReviewSubmissionState[]

const REVIEW_ITEM_STATES = ['READY_FOR_REVIEW', 'ACCEPTED', 'APPROVED', 'REJECTED', 'REMOVED'] as const
export type ReviewItemState = (typeof REVIEW_ITEM_STATES)[number] | 'UNKNOWN'
export const ReviewItemStateSchema = appleEnum(REVIEW_ITEM_STATES)

const BUILD_UPLOAD_STATES = ['AWAITING_UPLOAD', 'PROCESSING', 'FAILED', 'COMPLETE'] as const
export type BuildUploadState = (typeof BUILD_UPLOAD_STATES)[number] | 'UNKNOWN'
export const BuildUploadStateSchema = appleEnum(BUILD_UPLOAD_STATES)

const ASSET_DELIVERY_STATES = ['AWAITING_UPLOAD', 'UPLOAD_COMPLETE', 'COMPLETE', 'FAILED'] as const
export type AssetDeliveryState = (typeof ASSET_DELIVERY_STATES)[number] | 'UNKNOWN'
export const AssetDeliveryStateSchema = appleEnum(ASSET_DELIVERY_STATES)

export const PLATFORMS = ['IOS', 'MAC_OS', 'TV_OS', 'VISION_OS'] as const satisfies readonly Platform[]
export const PlatformSchema = appleEnum(PLATFORMS)

/** Optional string attribute, normalised to null. */
export const optString = z
  .string()
  .nullish()
  .transform((v) => v ?? null)
export const optBool = z
  .boolean()
  .nullish()
  .transform((v) => v ?? null)
export const optNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? null)
