import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Vitest global setup: every test process (and every CLI, sandbox or browser a test starts) gets a temp
 * directory of its own through TMPDIR, and a compile cache folder through ASCENT_CACHE_DIR. At the end it must be empty: a test that leaves a folder behind fails
 * the run with its name (on a shared machine, leftovers pile up in /tmp), and the folder is removed anyway.
 */
export async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'ascent-tests-'))
  // The CLI's compile cache (one file per command) would go to the user's cache folder: it gets its own, shared
  // by the run's CLI processes and removed with it, beside the temp root since it is meant to stay.
  const cache = await mkdtemp(join(tmpdir(), 'ascent-tests-cache-'))
  process.env.ASCENT_CACHE_DIR = cache
  process.env.TMPDIR = root
  return async () => {
    await rm(cache, { recursive: true, force: true })
    const left = await readdir(root)
    await rm(root, { recursive: true, force: true })
    if (left.length > 0) {
      // Vitest reports an error thrown here but keeps its exit code: set it, so CI fails.
      process.exitCode = 1
      throw new Error(
        `tests left ${left.length} item(s) in the temp directory: ${left.sort().join(', ')}; remove each in afterEach/afterAll`,
      )
    }
  }
}
