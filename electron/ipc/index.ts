import { dialog, shell, type BrowserWindow, type IpcMain, type IpcMainInvokeEvent } from 'electron'
import * as z from 'zod'
import { AscentError, toErrorShape } from '../../shared/errors'
import type { CallReply, FileRef } from '../../shared/ipc'
import { createCallHandlers } from '../services/call-handlers'
import type { AscentServices, PickKind } from '../services/types'
import { EVENT_CHANNEL, FILE_DROP_CHANNEL } from './channels'
import { isTrustedRendererUrl } from './sender-policy'
import { forbiddenReply, registerCalls } from './typed-ipc'

const PICK_FILTERS: Readonly<Record<PickKind, Electron.FileFilter[]>> = {
  build: [{ name: 'iOS, tvOS or macOS build', extensions: ['ipa', 'pkg'] }],
  config: [{ name: 'codemagic.yaml or release file', extensions: ['yaml', 'yml'] }],
}

/** Our window's main frame showing our renderer; never an iframe, another window or a page navigated elsewhere. */
function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow,
  devServerUrl: string | undefined,
): boolean {
  const frame = event.senderFrame
  if (window.isDestroyed() || frame === null || frame.parent !== null) return false
  return event.sender.id === window.webContents.id && isTrustedRendererUrl(frame.url, devServerUrl)
}

export interface IpcRegistration {
  dispose(): void
}

/** Registers every call of the contract, the drop channel and event forwarding for one window. */
export function registerIpc(options: {
  readonly ipcMain: IpcMain
  readonly window: BrowserWindow
  readonly services: AscentServices
  readonly devServerUrl: string | undefined
}): IpcRegistration {
  const { ipcMain, window, services, devServerUrl } = options
  const trusted = (event: IpcMainInvokeEvent): boolean => isTrustedSender(event, window, devServerUrl)
  const removeCalls = registerCalls({
    ipcMain,
    handlers: createCallHandlers(services),
    isTrustedSender: trusted,
    contextFor: () => ({
      async pickFile(kind) {
        const picked = await dialog.showOpenDialog(window, {
          properties: ['openFile'],
          filters: PICK_FILTERS[kind],
        })
        return picked.canceled ? null : (picked.filePaths[0] ?? null)
      },
      revealFile: (path) => shell.showItemInFolder(path),
    }),
  })

  // The path comes from webUtils.getPathForFile in preload, i.e. from a File the user dropped or picked.
  ipcMain.handle(FILE_DROP_CHANNEL, async (event, rawPath: unknown): Promise<CallReply<FileRef>> => {
    if (!trusted(event)) return forbiddenReply()
    const path = z.string().min(1).max(4096).safeParse(rawPath)
    if (!path.success) {
      return {
        ok: false,
        error: toErrorShape(
          new AscentError('BAD_INPUT', 'drop a file from the Finder or Explorer; this one has no path.'),
        ),
      }
    }
    try {
      return { ok: true, value: await services.files.register(path.data) }
    } catch (error) {
      return { ok: false, error: toErrorShape(error) }
    }
  })

  const forward = (name: 'publish' | 'app', event: unknown): void => {
    if (!window.isDestroyed() && !window.webContents.isDestroyed())
      window.webContents.send(EVENT_CHANNEL, { name, event })
  }
  const unsubscribers = [
    services.events.subscribe('publish', (event) => forward('publish', event)),
    services.events.subscribe('app', (event) => forward('app', event)),
  ]

  return {
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe()
      removeCalls()
      ipcMain.removeHandler(FILE_DROP_CHANNEL)
    },
  }
}
