import type { DroppedFile } from '../../../shared/ipc'
import type { ScreenshotProgress, StoreInfo, StoreTarget } from '../../../shared/store-info'
import { api, errorMessage } from '../api'
import {
  loadFailed,
  loadStarted,
  loaded,
  pendingEdit,
  saveFailed,
  saveFinished,
  saveStarted,
  shotsChanged,
  shotsFailed,
  uploadProgressed,
  uploadStarted,
  useStoreInfoStore,
} from '../stores/store-info-store'
import { schedulePlan } from './plan-actions'

const store = useStoreInfoStore

/** Reads the version's App Store information (again); the form keeps what the person typed. */
export async function loadStoreInfo(target: StoreTarget): Promise<void> {
  store.setState((s) => loadStarted(s, target))
  try {
    const info = await api().getStoreInfo(target)
    store.setState((s) => loaded(s, target, info))
  } catch (error) {
    store.setState((s) => loadFailed(s, target, errorMessage(error)))
  }
}

export function refreshStoreInfo(): void {
  const target = store.getState().target
  if (target) void loadStoreInfo(target)
}

/** After a change App Store Connect took: the plan's readiness check is asked again. */
function changed(): void {
  schedulePlan(0)
}

export async function saveStoreInfo(): Promise<void> {
  const state = store.getState()
  const target = state.target
  if (!target || state.saving) return
  const edit = pendingEdit(state)
  store.setState(saveStarted)
  try {
    const info: StoreInfo = await api().saveStoreInfo(target, edit)
    const missing = info.readiness.missing.length
    store.setState((s) =>
      saveFinished(
        s,
        info,
        `Saved to App Store Connect. ${missing === 0 ? 'Nothing is missing for App Review.' : `${missing} item${missing === 1 ? '' : 's'} still missing.`}`,
      ),
    )
    changed()
  } catch (error) {
    store.setState((s) => saveFailed(s, errorMessage(error)))
  }
}

/** Sends dropped or chosen images: to one slot, or (displayType null) each to the slot its pixel size names. */
export async function uploadScreenshots(
  displayType: string | null,
  files: readonly DroppedFile[],
): Promise<void> {
  const target = store.getState().target
  if (!target || files.length === 0 || store.getState().uploading) return
  store.setState(uploadStarted)
  try {
    const refs = await Promise.all(files.map((f) => api().fileFromDrop(f)))
    const info = await api().uploadScreenshots(target, { displayType, files: refs })
    store.setState((s) => shotsChanged(s, info))
    changed()
  } catch (error) {
    store.setState((s) => shotsFailed(s, errorMessage(error)))
  }
}

export async function deleteScreenshot(id: string): Promise<void> {
  const target = store.getState().target
  if (!target) return
  try {
    const info = await api().deleteScreenshot(target, id)
    store.setState((s) => shotsChanged(s, info))
    changed()
  } catch (error) {
    store.setState((s) => shotsFailed(s, errorMessage(error)))
  }
}

/** Moves one screenshot of a slot up (-1) or down (+1). */
export async function moveScreenshot(
  setId: string,
  ids: readonly string[],
  index: number,
  delta: -1 | 1,
): Promise<void> {
  const target = store.getState().target
  const to = index + delta
  if (!target || to < 0 || to >= ids.length) return
  const order = [...ids]
  const [moved] = order.splice(index, 1)
  order.splice(to, 0, moved!)
  try {
    const info = await api().reorderScreenshots(target, { setId, ids: order })
    store.setState((s) => shotsChanged(s, info))
  } catch (error) {
    store.setState((s) => shotsFailed(s, errorMessage(error)))
  }
}

export function handleScreenshotProgress(progress: ScreenshotProgress): void {
  store.setState((s) => uploadProgressed(s, progress))
}
