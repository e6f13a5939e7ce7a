export { inspectBuild, type InspectOptions } from './inspect-build'
export {
  parseProvisioningProfile,
  profileTypeOf,
  appIdMatchesBundleId,
  type ProvisioningProfile,
} from './provisioning-profile'
export { parsePlistDict, type PlistDict, type PlistValue } from './plist-reader'
export { ZIPPED_APP_REASON } from './ipa-inspector'
