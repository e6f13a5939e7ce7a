import { trainRefusal, trainRefusalDetails } from '../asc/version-order'
import type { SandboxStore } from './store'
import type { BuildUpload, StateDetail } from './upload'

/**
 * Apple's upload validation of the version train: a build for a version Apple approved (ITMS-90186, with
 * 90062), or below the highest approved version (ITMS-90062), is refused with these codes and words.
 */
export function versionTrainRefusals(store: SandboxStore, upload: BuildUpload): StateDetail[] {
  const versions = [...store.appStoreVersions.values()].filter(
    (v) => v.appId === upload.appId && v.platform === upload.platform,
  )
  const refusal = trainRefusal(upload.cfBundleShortVersionString, versions)
  return refusal ? trainRefusalDetails(upload.cfBundleShortVersionString, refusal) : []
}
