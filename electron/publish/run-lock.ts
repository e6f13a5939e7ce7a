import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises'

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

/** Loaded on first use: a command that never publishes (inspect, config) does not load the native module. */
async function tryLock(fd: number): Promise<boolean> {
  const native = await import('fs-native-extensions')
  return native.tryLock(fd)
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
