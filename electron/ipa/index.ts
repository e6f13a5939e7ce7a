export { inspectBuild } from './inspect-build'
export { parseProvisioningProfile, profileTypeOf, appIdMatchesBundleId } from './provisioning-profile'
export { ZIPPED_APP_REASON } from './ipa-inspector'
