import { useEffect, useRef, useState, type DragEvent } from 'react'
import type { AppEvent } from '../../shared/ipc'
import { inspect, keepChosenBuild, openBuildFile, reopenChosenBuild } from './actions/build-actions'
import { chooseConfigNatively, exportConfig, importConfigFile } from './actions/config-actions'
import { loadConnection } from './actions/connection-actions'
import { rememberReleaseChanges } from './actions/release-actions'
import { handleReleaseEvent } from './actions/releases-actions'
import { handleScreenshotProgress } from './actions/store-info-actions'
import { attachRunningRun, listenForPublishEvents } from './actions/run-actions'
import { api } from './api'
import { HistoryScreen } from './components/history-screen'
import { KeysScreen } from './components/keys-screen'
import { PublishScreen } from './components/publish-screen'
import { ReleaseNotices } from './components/release-notices'
import { ReleasesScreen } from './components/releases-screen'
import { Sidebar } from './components/sidebar'
import { useTabTitle } from './components/use-tab-title'
import { navigate, useNavigationStore } from './stores/navigation-store'
import { focused, useReleasesStore } from './stores/releases-store'

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files')
}

function handleAppEvent(event: AppEvent): void {
  switch (event.type) {
    case 'open-build':
      useNavigationStore.setState((s) => navigate(s, 'publish'))
      void inspect(event.file)
      return
    case 'navigate':
      useNavigationStore.setState((s) => navigate(s, event.screen))
      if (event.bundleId !== undefined) useReleasesStore.setState((s) => focused(s, event.bundleId ?? null))
      return
    case 'release-status':
    case 'release-transition':
      handleReleaseEvent(event)
      return
    case 'screenshot-progress':
      handleScreenshotProgress(event)
      return
    case 'menu':
      useNavigationStore.setState((s) => navigate(s, 'publish'))
      if (event.command === 'import-config') void chooseConfigNatively()
      else void exportConfig()
      return
  }
}

/** The window: sidebar and one screen. A file dropped anywhere goes where its kind belongs. */
export function App() {
  const screen = useNavigationStore((s) => s.screen)
  const [dragging, setDragging] = useState(false)
  const [droppedKey, setDroppedKey] = useState<{ readonly file: File; readonly n: number } | null>(null)
  const depth = useRef(0)
  useTabTitle()

  useEffect(() => {
    void loadConnection()
    void attachRunningRun()
    const offPublish = listenForPublishEvents()
    const offApp = api().onAppEvent(handleAppEvent)
    const offRemember = rememberReleaseChanges()
    const offKeep = keepChosenBuild()
    void reopenChosenBuild()
    return () => {
      offPublish()
      offApp()
      offRemember()
      offKeep()
    }
  }, [])

  const onDrop = (e: DragEvent): void => {
    if (!hasFiles(e)) return
    // Taken by a drop target inside (a screenshot slot): the window only stops showing the drag.
    const taken = e.isDefaultPrevented()
    e.preventDefault()
    depth.current = 0
    setDragging(false)
    if (taken) return
    const file = e.dataTransfer.files[0]
    if (!file) return
    const lower = file.name.toLowerCase()
    if (lower.endsWith('.p8') || (screen === 'keys' && lower.endsWith('.json'))) {
      useNavigationStore.setState((s) => navigate(s, 'keys'))
      setDroppedKey((d) => ({ file, n: (d?.n ?? 0) + 1 }))
    } else if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
      useNavigationStore.setState((s) => navigate(s, 'publish'))
      void importConfigFile(file)
    } else {
      useNavigationStore.setState((s) => navigate(s, 'publish'))
      void openBuildFile(file)
    }
  }

  return (
    <div
      className={`app${dragging ? ' is-dragging' : ''}`}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        depth.current += 1
        setDragging(true)
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1)
        if (depth.current === 0) setDragging(false)
      }}
      onDrop={onDrop}
    >
      <Sidebar />
      <main className="content" id="content">
        {screen === 'publish' ? <PublishScreen dragging={dragging} /> : null}
        {screen === 'history' ? <HistoryScreen /> : null}
        {screen === 'keys' ? <KeysScreen dropped={droppedKey} /> : null}
        {screen === 'releases' ? <ReleasesScreen /> : null}
      </main>
      <ReleaseNotices />
    </div>
  )
}
