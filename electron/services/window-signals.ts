import type { AppEvent } from '../../shared/ipc'
import type { PublishEvent } from '../../shared/publish-events'

/**
 * The taskbar/Dock progress for an event: a fraction while bytes are uploading, -1 to remove the bar when
 * the upload step or the run ends, undefined when the event does not change it.
 */
export function taskbarProgress(event: PublishEvent): number | undefined {
  if (
    event.type === 'step-progress' &&
    event.step === 'upload' &&
    event.bytesTotal &&
    event.bytesDone !== undefined
  ) {
    return Math.min(1, Math.max(0, event.bytesDone / event.bytesTotal))
  }
  if (event.type === 'step-started' && event.step === 'upload') return 0
  if ((event.type === 'step-finished' || event.type === 'step-failed') && event.step === 'upload') return -1
  if (event.type === 'run-finished') return -1
  return undefined
}

export interface Notice {
  readonly title: string
  readonly body: string
}

const TITLES: Readonly<Record<Extract<PublishEvent, { type: 'run-finished' }>['outcome'], string>> = {
  published: 'Published',
  'submitted-for-review': 'Submitted for review',
  testflight: 'Available in TestFlight',
  uploaded: 'Uploaded',
  failed: 'Publish failed',
  refused: 'Publish refused',
  canceled: 'Publish canceled',
  interrupted: 'Publish interrupted',
}

/** The native notification for a finished run (shown only while the window is not focused). */
export function runFinishedNotice(event: PublishEvent): Notice | null {
  if (event.type !== 'run-finished') return null
  return { title: `Ascent: ${TITLES[event.outcome]}`, body: event.message }
}

/** The native notification for a release transition: the app and version, what happened, what to do next. */
export function releaseNotice(event: AppEvent): (Notice & { readonly bundleId: string }) | null {
  if (event.type !== 'release-transition') return null
  const t = event.transition
  return { title: `${t.appName} ${t.name}: ${t.title}`, body: t.body, bundleId: t.bundleId }
}
