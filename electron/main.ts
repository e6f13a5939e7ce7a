import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
} from 'electron'
import { configDir, dataDir } from './app-dirs'
import { createServices } from './services/create-services'
import { buildPathsFromArgv, createBuildOpener, type BuildOpener } from './services/open-builds'
import { releaseNotice, runFinishedNotice, taskbarProgress } from './services/window-signals'
import type { AscentServices } from './services/types'
import { contentSecurityPolicy, readRendererFile, SECURITY_HEADERS } from './web/static-files'
import { appMenuTemplate } from './ipc/app-menu'
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './ipc/channels'
import { registerIpc } from './ipc'
import { isAllowedExternalUrl } from './ipc/sender-policy'

// Composition root: services, window, menu, IPC. Logic lives in electron/services, electron/ipc and electron/web.

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
const rendererDir = join(__dirname, '../renderer')
const csp = contentSecurityPolicy({ scriptSrc: APP_ORIGIN })

// app:// must be privileged before ready so it behaves like https (fetch, storage, secure context).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

let window: BrowserWindow | null = null
let services: AscentServices | null = null
let opener: BuildOpener | null = null
const earlyOpens: string[] = buildPathsFromArgv(process.argv, process.cwd())

function openBuild(path: string): void {
  if (opener) void opener.open(path)
  else earlyOpens.push(path)
}

function createWindow(ready: AscentServices, buildOpener: BuildOpener): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 820,
    minHeight: 560,
    title: 'Ascent',
    show: false,
    webPreferences: {
      // Reviewed: preload exposes exactly AscentApi (electron/ipc/preload-api.ts, tested); no generic IPC.
      preload: join(__dirname, '../preload/preload.cjs'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  })
  const registration = registerIpc({ ipcMain, window: win, services: ready, devServerUrl })
  const stopSignals = ready.events.subscribe('publish', (event) => {
    const progress = taskbarProgress(event)
    if (progress !== undefined) win.setProgressBar(progress)
    const notice = runFinishedNotice(event)
    if (notice && !win.isFocused() && Notification.isSupported()) new Notification(notice).show()
  })
  // Release transitions: a native notification while the window is in the background; clicking it opens
  // Releases at that app. In front, the window shows its own notice.
  const stopReleaseSignals = ready.events.subscribe('app', (event) => {
    const notice = releaseNotice(event)
    if (!notice || win.isFocused() || !Notification.isSupported()) return
    const shown = new Notification(notice)
    shown.on('click', () => {
      if (win.isDestroyed()) return
      if (win.isMinimized()) win.restore()
      win.focus()
      ready.events.emit('app', { type: 'navigate', screen: 'releases', bundleId: notice.bundleId })
    })
    shown.show()
  })
  win.on('closed', () => {
    stopSignals()
    stopReleaseSignals()
    registration.dispose()
    window = null
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.on('did-finish-load', () => buildOpener.windowReady())

  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`)
  return win
}

async function openBuildFromDialog(): Promise<void> {
  const parent = window ?? undefined
  const options = {
    properties: ['openFile' as const],
    filters: [{ name: 'iOS, tvOS or macOS build', extensions: ['ipa', 'pkg'] }],
  }
  const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options)
  const path = picked.filePaths[0]
  if (!picked.canceled && path) openBuild(path)
}

function hardenSessionAndContents(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  // app:// sets its CSP itself. Any other response the window could get (there should be none: no remote
  // content) gets the same policy, so it runs no script. Written out so Electronegativity can evaluate it;
  // test/unit/shell/main-csp.test.ts keeps it equal to contentSecurityPolicy(). In development the dev
  // server's page is left to the renderer's own meta CSP (vite's hot reload needs its inline preamble).
  if (!devServerUrl) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [
            "default-src 'none'; script-src app://ascent; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
          ],
        },
      })
    })
  }
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 })
    const answer = await readRendererFile(rendererDir, url.pathname)
    return new Response(new Uint8Array(answer.body), {
      status: answer.status,
      headers: { ...SECURITY_HEADERS, 'content-type': answer.contentType, 'content-security-policy': csp },
    })
  })
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // Links to App Store Connect and the docs open in the browser; nothing opens inside Ascent.
    // Reviewed: only https links to an allowlist of Apple/Codemagic hosts (isAllowedExternalUrl, tested).
    if (isAllowedExternalUrl(url)) void shell.openExternal(url) // eng-disable OPEN_EXTERNAL_JS_CHECK
    return { action: 'deny' }
  })
})

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // macOS: a build dropped on the Dock icon or opened with Ascent (may come before ready).
  app.on('open-file', (event, path) => {
    event.preventDefault()
    openBuild(path)
  })
  app.on('second-instance', (_event, argv, cwd) => {
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
    for (const path of buildPathsFromArgv(argv, cwd)) openBuild(path)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    void services?.close()
  })

  void app.whenReady().then(async () => {
    hardenSessionAndContents()
    const ready = await createServices({
      dataDir: dataDir(),
      configDir: configDir(),
      releases: { isOnline: () => net.isOnline() },
    })
    services = ready
    // Asleep, no reads; on wake, whatever moved meanwhile is read at once.
    powerMonitor.on('suspend', () => ready.releases?.pause())
    powerMonitor.on('resume', () => ready.releases?.resume())
    const buildOpener = createBuildOpener({ files: ready.files, events: ready.events })
    opener = buildOpener
    for (const path of earlyOpens.splice(0)) void buildOpener.open(path)
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(process.platform, {
          openBuild: () => void openBuildFromDialog(),
          send: (event) => ready.events.emit('app', event),
        }),
      ),
    )
    window = createWindow(ready, buildOpener)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = createWindow(ready, buildOpener)
    })
  })
}
