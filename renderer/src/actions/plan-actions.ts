import { defaultPublishOptions, type PublishRequest } from '../../../shared/ipc'
import { api, errorMessage } from '../api'
import { useBuildStore } from '../stores/build-store'
import { planFailed, planReceived, planRequested, usePlanStore } from '../stores/plan-store'
import { useReleaseStore } from '../stores/release-store'

export function currentRequest(): PublishRequest | null {
  const { file, summary } = useBuildStore.getState()
  if (!file || !summary) return null
  return { file, settings: useReleaseStore.getState().settings, options: defaultPublishOptions }
}

export async function requestPlan(): Promise<void> {
  const request = currentRequest()
  if (!request) return
  usePlanStore.setState((s) => planRequested(s))
  const seq = usePlanStore.getState().seq
  try {
    const plan = await api().planPublish(request)
    usePlanStore.setState((s) => planReceived(s, seq, plan))
  } catch (error) {
    usePlanStore.setState((s) => planFailed(s, seq, errorMessage(error)))
  }
}

let timer: ReturnType<typeof setTimeout> | null = null

/**
 * Settings change on every keystroke; the plan is asked for once typing pauses. Until then the plan on screen
 * is for settings no longer shown: a reply still coming for it is dropped, so the plan does not read "Up to
 * date" (and Publish ready) in the pause before the request for what the form shows.
 */
export function schedulePlan(delayMs = 350): void {
  if (timer !== null) clearTimeout(timer)
  if (!currentRequest()) return
  usePlanStore.setState((s) => planRequested(s))
  timer = setTimeout(() => {
    timer = null
    void requestPlan()
  }, delayMs)
}
