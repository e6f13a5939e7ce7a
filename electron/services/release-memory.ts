import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as z from 'zod'
import { Platform } from '../../shared/build-summary'
import { RememberedRelease } from '../../shared/ipc'
import { writeFileAtomic } from '../atomic-write'

/** In the data directory: the release settings last used in the window for each app. */
const RELEASE_MEMORY_FILE = 'release-settings.json'

const MemoryFile = z.object({
  version: z.literal(1),
  apps: z.record(z.string(), RememberedRelease),
})
type MemoryFile = z.infer<typeof MemoryFile>

export interface ReleaseMemory {
  recall(bundleId: string, platform: Platform): Promise<RememberedRelease | null>
  remember(bundleId: string, platform: Platform, release: RememberedRelease): Promise<void>
}

/** One app is a bundle id on a platform: an iOS and a macOS build of one bundle id have their own settings. */
function appKey(bundleId: string, platform: Platform): string {
  return `${platform} ${bundleId}`
}

/**
 * The window's release settings, remembered per app on disk, so a reload, a restart or choosing the next
 * build of the same app finds the form as it was left. A damaged or foreign file is treated as empty (and
 * replaced by the next save): it only ever held a convenience, never the truth of a run.
 */
export function createReleaseMemory(dataDir: string): ReleaseMemory {
  const file = join(dataDir, RELEASE_MEMORY_FILE)
  let writes: Promise<void> = Promise.resolve()

  async function load(): Promise<MemoryFile> {
    try {
      const parsed = MemoryFile.safeParse(JSON.parse(await readFile(file, 'utf8')))
      if (parsed.success) return parsed.data
    } catch {
      // missing or not JSON: nothing remembered yet
    }
    return { version: 1, apps: {} }
  }

  return {
    async recall(bundleId, platform) {
      await writes
      return (await load()).apps[appKey(bundleId, platform)] ?? null
    },
    remember(bundleId, platform, release) {
      // One write at a time: each reads what the one before wrote, so two apps saved together both stay.
      const next = writes.then(async () => {
        const memory = await load()
        memory.apps[appKey(bundleId, platform)] = release
        await writeFileAtomic(file, JSON.stringify(memory, null, 2) + '\n')
      })
      writes = next.catch(() => undefined)
      return next
    },
  }
}
