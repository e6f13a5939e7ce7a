import type { AscentServices, CallHandlers } from '../types'

/** The contract's calls this module answers; createCallHandlers' return type checks they cover the contract. */
type StoreInfoCall =
  'getStoreInfo' | 'saveStoreInfo' | 'uploadScreenshots' | 'deleteScreenshot' | 'reorderScreenshots'

export function storeInfoCalls(services: AscentServices): Pick<CallHandlers, StoreInfoCall> {
  return {
    getStoreInfo: (_ctx, target) => services.storeInfo.get(target),
    saveStoreInfo: (_ctx, target, edit) => services.storeInfo.save(target, edit),
    uploadScreenshots: (_ctx, target, upload) =>
      services.storeInfo.upload(
        target,
        upload.displayType,
        // Only files the person dropped or chose in this session resolve to a path.
        upload.files.map((ref) => ({ ref, path: services.files.resolve(ref) })),
      ),
    deleteScreenshot: (_ctx, target, screenshotId) =>
      services.storeInfo.deleteScreenshot(target, screenshotId),
    reorderScreenshots: (_ctx, target, { setId, ids }) => services.storeInfo.reorder(target, setId, ids),
  }
}
