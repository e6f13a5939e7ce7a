import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createPreloadApi } from './ipc/preload-api'

// The window's whole view of main: AscentApi from shared/ipc.ts, nothing else.
contextBridge.exposeInMainWorld('ascent', createPreloadApi({ ipcRenderer, webUtils }))
