import type { MenuItemConstructorOptions } from 'electron'
import type { AppEvent } from '../../shared/ipc'

export interface MenuActions {
  /** Shows the open dialog and, when a build is chosen, sends it to the window. */
  openBuild(): void
  send(event: AppEvent): void
}

/** The application menu: Open Build…, Import/Export codemagic.yaml, Keys…, plus the platform's standard menus. */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin'
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Build…', accelerator: 'CmdOrCtrl+O', click: () => actions.openBuild() },
      { type: 'separator' },
      {
        label: 'Import codemagic.yaml…',
        accelerator: 'CmdOrCtrl+I',
        click: () => actions.send({ type: 'menu', command: 'import-config' }),
      },
      {
        label: 'Export codemagic.yaml…',
        accelerator: 'CmdOrCtrl+E',
        click: () => actions.send({ type: 'menu', command: 'export-config' }),
      },
      { type: 'separator' },
      {
        label: 'Keys…',
        accelerator: 'CmdOrCtrl+K',
        click: () => actions.send({ type: 'navigate', screen: 'keys' }),
      },
      {
        label: 'History',
        accelerator: 'CmdOrCtrl+Y',
        click: () => actions.send({ type: 'navigate', screen: 'history' }),
      },
      ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  }
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]
}
