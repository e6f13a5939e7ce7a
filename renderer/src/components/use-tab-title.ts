import { useEffect } from 'react'
import { percent } from '../format'
import { isRunActive, useRunStore, type WatchedRun } from '../stores/run-store'

/** What the browser tab (or the window's title) says: the upload's percent while it runs, else the step under way. */
function tabTitle(run: WatchedRun | null): string {
  if (!run || !isRunActive(run)) return 'Ascent'
  const running = run.steps.find((s) => s.status === 'running')
  if (!running) return 'Ascent'
  if (running.step === 'upload' && running.progress && running.progress.bytesTotal > 0)
    return `${Math.floor(percent(running.progress.bytesDone, running.progress.bytesTotal))}% · Ascent`
  return `${running.title} · Ascent`
}

export function useTabTitle(): void {
  const title = useRunStore((s) => tabTitle(s.current))
  useEffect(() => {
    document.title = title
  }, [title])
}
