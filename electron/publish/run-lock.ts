import { realpathSync } from 'node:fs'
import { mkdir, open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AscentError } from '../../shared/errors'
import { runLockPath, runsDir, type RunJournal } from './journal'

/**
 * A cross-process lock on one file, held through the OS's own file locking (an open file description lock
 * on Linux, flock on macOS, LockFileEx on Windows). The OS drops it the moment its process exits, however
 * it exits: a process killed with SIGKILL and never reaped (a zombie, as in a container without an init)
 * holds no lock, whereas a pid written into a file would still look alive.
 */
interface HeldLock {
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

type LockAttempt =
  | { readonly kind: 'held'; readonly lock: HeldLock }
  /** Another process holds it; its pid when the file could be read (Windows keeps a locked file unreadable). */
  | { readonly kind: 'busy'; readonly pid: number | null }

async function tryFileLock(path: string): Promise<LockAttempt> {
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
async function isFileLocked(path: string): Promise<boolean> {
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

/**
 * The run-key locks of one publisher: one start of a run key at a time in this process, and in all processes
 * through the lock file, held from the start until the run ends.
 */
export interface RunLocks {
  /** Runs `start` holding the run key's lock; a second start of the same key here waits for the first's answer. */
  guarded(runKey: string, start: () => Promise<string>): Promise<string>
  release(runKey: string): Promise<void>
  /** A run without an outcome that another process is executing now (it holds the run key's lock). */
  runningElsewhere(journal: RunJournal): Promise<boolean>
}

/** `runningHere(runKey)`: a run of this key is executing in this process (its lock is then already held). */
export function createRunLocks(dataDir: string, runningHere: (runKey: string) => boolean): RunLocks {
  const held = new Map<string, HeldLock>()
  /** Run keys whose start is under way here (before the run executes): a second start waits for the first. */
  const starting = new Map<string, Promise<string>>()

  async function release(runKey: string): Promise<void> {
    const lock = held.get(runKey)
    held.delete(runKey)
    await lock?.release()
  }

  /**
   * Takes the run key's lock (the OS's file lock, which a dead or zombie process cannot keep). Another process
   * holding it: BAD_INPUT. Held by this process for a run it is running: nothing to take (false).
   */
  async function acquire(runKey: string): Promise<boolean> {
    if (held.has(runKey)) {
      if (runningHere(runKey)) return false
      await release(runKey)
    }
    await mkdir(runsDir(dataDir), { recursive: true })
    const attempt = await tryFileLock(runLockPath(dataDir, runKey))
    if (attempt.kind === 'busy') {
      throw new AscentError(
        'BAD_INPUT',
        `this build is being published by another Ascent process${attempt.pid === null ? '' : ` (pid ${attempt.pid})`}; wait for it or stop it first`,
      )
    }
    held.set(runKey, attempt.lock)
    return true
  }

  return {
    release,
    async guarded(runKey, start) {
      const pending = starting.get(runKey)
      if (pending) return pending
      const attempt = (async () => {
        const took = await acquire(runKey)
        try {
          return await start()
        } catch (error) {
          if (took) await release(runKey)
          throw error
        }
      })()
      starting.set(runKey, attempt)
      try {
        return await attempt
      } finally {
        starting.delete(runKey)
      }
    },
    async runningElsewhere(journal) {
      if (journal.outcome !== null || held.has(journal.runKey)) return false
      // A journal written by hand or by another version may carry a key no lock file can be named after.
      if (!/^[0-9a-f]+$/.test(journal.runKey)) return false
      return isFileLocked(runLockPath(dataDir, journal.runKey))
    },
  }
}
