import { isAbsolute, resolve } from 'node:path'
import type { EventHub } from './event-hub'
import type { FileRegistry } from './file-registry'

const BUILD_EXTENSION = /\.(ipa|pkg)$/i

/** Build files named on a command line (`ascent-app MyApp.ipa`, or a second instance's argv). Flags are skipped. */
export function buildPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv
    .slice(1)
    .filter((arg) => !arg.startsWith('-') && BUILD_EXTENSION.test(arg))
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)))
}

export interface BuildOpener {
  /** A path the OS or the command line handed us (the user chose it); becomes an `open-build` app event. */
  open(path: string): Promise<void>
  /** The window has loaded and listens: send what arrived before (macOS sends open-file before ready). */
  windowReady(): void
}

/** Queues builds opened before the window listens, then registers each and tells the window. */
export function createBuildOpener(options: {
  readonly files: FileRegistry
  readonly events: EventHub
  readonly onError?: (path: string, error: unknown) => void
}): BuildOpener {
  let ready = false
  const queued: string[] = []
  async function send(path: string): Promise<void> {
    try {
      const file = await options.files.register(path)
      options.events.emit('app', { type: 'open-build', file })
    } catch (error) {
      options.onError?.(path, error)
    }
  }
  return {
    async open(path) {
      if (!ready) {
        queued.push(path)
        return
      }
      await send(path)
    },
    windowReady() {
      ready = true
      for (const path of queued.splice(0)) void send(path)
    },
  }
}
