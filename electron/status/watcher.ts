import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as z from 'zod'
import { writeFileAtomic } from '../atomic-write'
import type { AscClient } from '../asc/client'
import type { Platform } from '../../shared/build-summary'
import { AscentError } from '../../shared/errors'
import { WatchedApp } from '../../shared/ipc'
import { needsWatching, type ReleaseAction } from '../../shared/release-status'
import { diffStatus, type ReleaseTransition } from '../../shared/release-transitions'
import { DEFAULT_POLL_POLICY, HourlyBudget, nextPollDelay, type PollPolicy } from './poll-policy'
import { readAppStatus, type AppRef, type ReleaseSnapshot } from './read-status'
import { performReleaseAction, resolveApp } from './release-actions'

const WatchFile = z.object({ version: z.literal(1), apps: z.array(WatchedApp.extend({ appId: z.string() })) })
type Entry = z.infer<typeof WatchFile>['apps'][number]

/** Reads per status read (versions, review submissions, builds). */
const CALLS_PER_READ = 3
const TIMELINE_LIMIT = 200
const OFFLINE_RETRY_MS = 30_000

interface ReleaseWatcherDeps {
  readonly dataDir: string
  readonly client: () => Promise<AscClient>
  readonly now?: () => number
  readonly policy?: PollPolicy
  /**
   * The key's hourly budget: the watcher counts its reads in it, and the host feeds it Apple's X-Rate-Limit
   * remainder from the client's audit (it counts publishing and CI on the same key too).
   */
  readonly budget?: HourlyBudget
  /** Called for each watched app whose status or watch changed, and with the transitions seen. */
  readonly onChange?: (app: WatchedApp, transitions: readonly ReleaseTransition[]) => void
  /** Runs reads on a timer (false: the caller drives `pollDue`, as the soak does on a simulated clock). */
  readonly timers?: boolean
  /** False while the computer is offline: reads wait (Electron's net.isOnline in the app). */
  readonly isOnline?: () => boolean
}

export interface ReleaseWatcher {
  list(): readonly WatchedApp[]
  /** Starts (or restarts) watching an app and reads it now. */
  watch(bundleId: string): Promise<WatchedApp>
  unwatch(bundleId: string): Promise<void>
  /** Sends a release action after checking the state allows it, then reads the app again. */
  /** `platform`: which platform's version, when the app has the version on more than one. */
  act(
    bundleId: string,
    versionString: string,
    action: ReleaseAction,
    platform?: Platform,
  ): Promise<WatchedApp>
  /** The user has seen a rejection: it no longer keeps the app watched. */
  acknowledge(bundleId: string, versionString: string): Promise<WatchedApp>
  /** Reads every app whose time has come; returns how many were read. */
  pollDue(): Promise<number>
  /** When the next read is due (null: nothing watched). */
  nextDueAt(): number | null
  /** Asleep or offline: no reads until resume(), which reads everything at once. */
  pause(): void
  resume(): void
  close(): Promise<void>
}

export async function createReleaseWatcher(deps: ReleaseWatcherDeps): Promise<ReleaseWatcher> {
  const now = deps.now ?? Date.now
  const policy = deps.policy ?? DEFAULT_POLL_POLICY
  const budget = deps.budget ?? new HourlyBudget(1800, 360)
  const file = join(deps.dataDir, 'releases', 'watched.json')
  const entries = new Map<string, Entry>()
  const due = new Map<string, number>()
  let paused = false
  let closed = false
  let timer: NodeJS.Timeout | null = null
  let saving: Promise<void> = Promise.resolve()
  let polling: Promise<number> | null = null

  try {
    const saved = WatchFile.safeParse(JSON.parse(await readFile(file, 'utf8')))
    if (saved.success) for (const e of saved.data.apps) entries.set(e.bundleId, e)
  } catch {
    // No file yet (or unreadable): nothing was watched.
  }
  for (const e of entries.values()) if (e.watching) due.set(e.bundleId, now())

  const iso = (ms: number): string => new Date(ms).toISOString()
  const view = ({ appId: _appId, ...app }: Entry): WatchedApp => ({
    ...app,
    nextCheckAt: due.has(app.bundleId) ? iso(due.get(app.bundleId) ?? now()) : null,
  })

  function save(): Promise<void> {
    const data = JSON.stringify({ version: 1, apps: [...entries.values()] }, null, 1)
    saving = saving.then(async () => {
      await mkdir(join(deps.dataDir, 'releases'), { recursive: true, mode: 0o700 })
      await writeFileAtomic(file, data)
    })
    return saving
  }

  function schedule(): void {
    if (!deps.timers || closed) return
    if (timer) clearTimeout(timer)
    timer = null
    const next = nextDueAt()
    if (next === null || paused) return
    timer = setTimeout(
      () => {
        timer = null
        void pollDue().finally(schedule)
      },
      Math.max(0, Math.min(next - now(), 2 ** 31 - 1)),
    )
    timer.unref?.()
  }

  function nextDueAt(): number | null {
    const times = [...due.values()]
    return times.length === 0 ? null : Math.min(...times)
  }

  function apply(entry: Entry, snapshot: ReleaseSnapshot): ReleaseTransition[] {
    const at = now()
    const transitions = diffStatus(entry.status, snapshot.status, iso(at))
    const changed = entry.status === null || JSON.stringify(entry.status) !== JSON.stringify(snapshot.status)
    entry.appName = snapshot.status.appName
    entry.status = snapshot.status
    entry.lastCheckedAt = iso(at)
    entry.error = null
    if (changed) entry.lastChangeAt = iso(at)
    entry.timeline = [...entry.timeline, ...transitions].slice(-TIMELINE_LIMIT)
    entry.watching = needsWatching(snapshot.status, entry.acknowledged)
    if (entry.watching) {
      const delay = nextPollDelay(snapshot.status, at - Date.parse(entry.lastChangeAt), policy)
      due.set(entry.bundleId, at + delay)
    } else due.delete(entry.bundleId)
    return transitions
  }

  async function read(entry: Entry): Promise<void> {
    const client = await deps.client()
    const app: AppRef = { id: entry.appId, bundleId: entry.bundleId, name: entry.appName }
    budget.record(now(), CALLS_PER_READ)
    try {
      const snapshot = await readAppStatus(client, app)
      const transitions = apply(entry, snapshot)
      await save()
      deps.onChange?.(view(entry), transitions)
    } catch (error) {
      entry.lastCheckedAt = iso(now())
      entry.error = error instanceof Error ? error.message : String(error)
      // A failed read is tried again later, not hammered.
      due.set(entry.bundleId, now() + policy.waitingMaxMs)
      await save()
      deps.onChange?.(view(entry), [])
    }
  }

  async function pollDue(): Promise<number> {
    if (polling) return polling
    polling = (async () => {
      if (paused || closed) return 0
      const at = now()
      if (deps.isOnline && !deps.isOnline()) {
        // Offline: look again shortly, without spending requests that cannot arrive.
        for (const [bundleId, t] of due) if (t <= at) due.set(bundleId, at + OFFLINE_RETRY_MS)
        return 0
      }
      const ready = [...due.entries()].filter(([, t]) => t <= at).sort((a, b) => a[1] - b[1])
      let count = 0
      for (const [bundleId] of ready) {
        const wait = budget.waitFor(CALLS_PER_READ, now())
        if (wait > 0) {
          // Over budget: everyone still due waits its turn.
          for (const [later] of ready.slice(count))
            due.set(later, Math.max(due.get(later) ?? 0, now() + wait))
          break
        }
        const entry = entries.get(bundleId)
        if (entry) await read(entry)
        count++
      }
      return count
    })()
    try {
      return await polling
    } finally {
      polling = null
    }
  }

  function entryOf(bundleId: string): Entry {
    const entry = entries.get(bundleId)
    if (!entry) throw new AscentError('NOT_FOUND', `${bundleId} is not watched: add it in Releases first.`)
    return entry
  }

  async function readNow(entry: Entry): Promise<WatchedApp> {
    const client = await deps.client()
    const snapshot = await readAppStatus(client, {
      id: entry.appId,
      bundleId: entry.bundleId,
      name: entry.appName,
    })
    const transitions = apply(entry, snapshot)
    await save()
    deps.onChange?.(view(entry), transitions)
    schedule()
    return view(entry)
  }

  schedule()
  return {
    list: () => [...entries.values()].map(view),
    async watch(bundleId) {
      let entry = entries.get(bundleId)
      if (!entry) {
        const app = await resolveApp(await deps.client(), bundleId)
        entry = {
          bundleId,
          appId: app.id,
          appName: app.name,
          status: null,
          timeline: [],
          watching: true,
          acknowledged: [],
          lastCheckedAt: null,
          lastChangeAt: iso(now()),
          nextCheckAt: null,
          error: null,
        }
        entries.set(bundleId, entry)
      }
      // Watching again (a new submission): reads start fast.
      entry.watching = true
      entry.lastChangeAt = iso(now())
      return readNow(entry)
    },
    async unwatch(bundleId) {
      entries.delete(bundleId)
      due.delete(bundleId)
      await save()
      schedule()
    },
    async act(bundleId, versionString, action, platform) {
      const entry = entryOf(bundleId)
      const client = await deps.client()
      const app = { id: entry.appId, bundleId, name: entry.appName }
      // The read that checks the state, and the action itself.
      budget.record(now(), CALLS_PER_READ + 1)
      const snapshot = await readAppStatus(client, app)
      await performReleaseAction(client, snapshot, action, {
        versionString,
        ...(platform ? { platform } : {}),
      })
      entry.watching = true
      entry.lastChangeAt = iso(now())
      return readNow(entry)
    },
    async acknowledge(bundleId, versionString) {
      const entry = entryOf(bundleId)
      if (!entry.acknowledged.includes(versionString)) entry.acknowledged.push(versionString)
      if (entry.status) {
        entry.watching = needsWatching(entry.status, entry.acknowledged)
        if (!entry.watching) due.delete(bundleId)
      }
      await save()
      deps.onChange?.(view(entry), [])
      schedule()
      return view(entry)
    },
    pollDue,
    nextDueAt,
    pause() {
      paused = true
      if (timer) clearTimeout(timer)
      timer = null
    },
    resume() {
      paused = false
      // Back from sleep or offline: whatever moved meanwhile is read now.
      for (const bundleId of due.keys()) due.set(bundleId, now())
      schedule()
    },
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      timer = null
      await saving
    },
  }
}
