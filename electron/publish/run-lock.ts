import { realpathSync } from 'node:fs'
import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AscentError } from '../../shared/errors'

/**
 * A cross-process lock on one file, held through the OS's own file locking (an open file description lock
 * on Linux, flock on macOS, LockFileEx on Windows). The OS drops it the moment its process exits, however
 * it exits: a process killed with SIGKILL and never reaped (a zombie, as in a container without an init)
 * holds no lock, whereas a pid written into a file would still look alive.
 */
export interface HeldLock {
  /** Removes the file and lets go (in that order, so no one locks a file that is about to vanish). */
  release(): Promise<void>
}

interface NativeLock {
  tryLock(fd: number): boolean
}

let native: Promise<NativeLock> | null = null

/**
 * fs-native-extensions, loaded on first use (a command that never publishes does not load it): from
 * node_modules, else from the prebuilt binaries the CLI package carries beside its bundle.
 */
function nativeLock(): Promise<NativeLock> {
  native ??= import('fs-native-extensions').then(
    (module) => ({ tryLock: (fd) => module.tryLock(fd) }),
    () => bundledLock(),
  )
  return native
}

function bundledLock(): NativeLock {
  const base = dirname(realpathSync(process.argv[1] ?? process.cwd()))
  const file = join(base, 'prebuilds', `${process.platform}-${process.arch}`, 'fs-native-extensions.node')
  let binding: { tryLock(fd: number, offset: number, length: number, exclusive: boolean): void }
  try {
    binding = createRequire(join(base, 'noop.js'))(file) as typeof binding
  } catch (error) {
    throw new AscentError(
      'INTERNAL',
      'the run lock needs the fs-native-extensions module, which is not installed: run `npm ci` (or `npm install`) in the Ascent folder',
      { cause: error },
    )
  }
  return {
    tryLock(fd) {
      try {
        binding.tryLock(fd, 0, 0, true)
        return true
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false
        throw error
      }
    },
  }
}

async function tryLock(fd: number): Promise<boolean> {
  return (await nativeLock()).tryLock(fd)
}

export type LockAttempt =
  | { readonly kind: 'held'; readonly lock: HeldLock }
  /** Another process holds it; its pid when the file could be read (Windows keeps a locked file unreadable). */
  | { readonly kind: 'busy'; readonly pid: number | null }

export async function tryFileLock(path: string): Promise<LockAttempt> {
  for (;;) {
    const handle = await open(path, 'a+')
    let keep = false
    try {
      if (!(await tryLock(handle.fd))) {
        const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
        return { kind: 'busy', pid: Number.isInteger(pid) ? pid : null }
      }
      // The holder before us may have removed the file between our open and our lock: this lock is then on a
      // file no one else will open; take the one now at the path instead.
      if (!(await sameFile(handle, path))) continue
      await handle.truncate(0)
      await handle.write(`${process.pid}\n`)
      keep = true
      return { kind: 'held', lock: heldLock(handle, path) }
    } finally {
      if (!keep) await handle.close()
    }
  }
}

async function sameFile(handle: FileHandle, path: string): Promise<boolean> {
  const [mine, there] = await Promise.all([handle.stat(), stat(path).catch(() => null)])
  return there !== null && there.ino === mine.ino && there.dev === mine.dev
}

function heldLock(handle: FileHandle, path: string): HeldLock {
  let released: Promise<void> | null = null
  return {
    release() {
      released ??= (async () => {
        await unlink(path).catch(() => undefined)
        // Closing the descriptor is what lets go of an OS lock.
        await handle.close()
      })()
      return released
    },
  }
}

/**
 * Whether another process holds the lock on `path`, asked by taking and at once dropping it (the file is left
 * as it is). A start racing this look sees the lock busy for that instant and is told to try again.
 */
export async function isFileLocked(path: string): Promise<boolean> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r+')
  } catch {
    return false // no lock file: no one holds it
  }
  try {
    return !(await tryLock(handle.fd))
  } finally {
    await handle.close()
  }
}
