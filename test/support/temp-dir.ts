import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'

/**
 * A fresh directory per call, each removed after the test that made it. Register it at the top of a test
 * file (or of a describe block); a directory a whole file shares belongs in beforeAll/afterAll instead.
 */
export function useTempDir(prefix = 'ascent-test-'): () => Promise<string> {
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
}
