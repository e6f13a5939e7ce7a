/** The App Store Connect client: one import for the pipeline, the uploader and the keys test. */
export { parsePrivateKey } from './private-key'
export {
  createTokenSource,
  AUDIENCE,
  MAX_LIFETIME_SECONDS,
  type TokenSource,
  type TokenSourceOptions,
} from './token'
export {
  createAscClient,
  applied,
  notApplied,
  APPLE_API_URL,
  PAGE_LIMIT,
  type AscClient,
  type AscClientOptions,
  type AuditEntry,
  type AppliedCheck,
  type HttpMethod,
  type MutateOptions,
  type MutationMethod,
  type Page,
  type RequestOptions,
} from './client'
export { AscApiError, isAscApiError, type AppleError, type AscFailureKind } from './api-error'
export { DEFAULT_RETRY, parseRetryAfter, backoffDelay, sleepWithSignal, type RetryPolicy } from './retry'
export * from './enums'
export { findAppByBundleId, getApp, getBetaAppInfo, type App, type BetaAppInfo } from './apps'
export { findBuilds, getBuild, patchBuild, type Build, type BuildFilter, type BuildPatch } from './builds'
export {
  listBetaGroups,
  listBetaGroupsOfBuild,
  listBuildsOfBetaGroup,
  addBuildToBetaGroups,
  removeBuildFromBetaGroups,
  type BetaGroupInfo,
} from './beta-groups'
export {
  findBetaBuildLocalizations,
  createBetaBuildLocalization,
  updateBetaBuildLocalization,
  setWhatsNew,
  type BetaBuildLocalization,
} from './beta-build-localizations'
export { findBetaReviewSubmission, submitForBetaReview, type BetaReviewSubmission } from './beta-review'
export {
  listAppStoreVersions,
  getAppStoreVersion,
  createAppStoreVersion,
  updateAppStoreVersion,
  getVersionBuild,
  attachBuildToVersion,
  type AppStoreVersion,
  type ReleaseTypeInput,
  type VersionAttributes,
  type VersionFilter,
} from './versions'
export {
  getPhasedRelease,
  createPhasedRelease,
  updatePhasedRelease,
  deletePhasedRelease,
  type PhasedRelease,
  type PhasedReleaseStateInput,
} from './phased-releases'
export {
  listReviewSubmissions,
  getReviewSubmission,
  createReviewSubmission,
  submitReviewSubmission,
  cancelReviewSubmission,
  listReviewSubmissionItems,
  addVersionToReviewSubmission,
  type ReviewSubmission,
  type ReviewSubmissionItem,
} from './review'
export {
  findBuildUploads,
  createBuildUpload,
  getBuildUpload,
  deleteBuildUpload,
  listBuildUploadFiles,
  reserveBuildUploadFile,
  getBuildUploadFile,
  commitBuildUploadFile,
  waitForBuildUpload,
  type BuildUpload,
  type BuildUploadFile,
  type UploadOperation,
  type ChecksumAlgorithm,
  type UploadUti,
  type AssetType,
  type StateDetail,
  type WaitOptions,
} from './build-uploads'
