import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { BuildSummary } from '../../shared/build-summary'
import { AscentError } from '../../shared/errors'
import type { ReleaseSettings } from '../../shared/release-settings'
import type { FileIdentity, RunJournal } from './journal'
import { doneSummary } from './run-record'

/**
 * Which run a build file belongs to. A run is keyed by the build (as inspection reads it) and its settings,
 * not by the path: the same build arrives at other paths (web bridge temp copies, CI re-downloads, a copied
 * .ipa), and Apple would refuse a new run of it as a used build number. Whether it is the same file is
 * checked separately, by size, mtime and, when those differ, SHA-256.
 */

export type BuildIdentity = Pick<BuildSummary, 'bundleId' | 'platform' | 'version' | 'buildNumber'>

/** Same build + same settings: a second run of it resumes the first instead. */
export function runKeyOf(build: BuildIdentity, settings: ReleaseSettings): string {
  const canonical = JSON.stringify({
    bundleId: build.bundleId,
    platform: build.platform,
    version: build.version,
    buildNumber: build.buildNumber,
    settings: Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))),
  })
  return createHash('sha256').update(canonical).digest('hex')
}

export function sameBuild(a: BuildIdentity, b: BuildIdentity): boolean {
  return (
    a.bundleId === b.bundleId &&
    a.platform === b.platform &&
    a.version === b.version &&
    a.buildNumber === b.buildNumber
  )
}

export async function identify(path: string): Promise<FileIdentity> {
  const absolute = resolve(path)
  try {
    const info = await stat(absolute)
    if (!info.isFile())
      throw new AscentError('BAD_BUILD', `${absolute} is not a file: choose an .ipa or .pkg`)
    return { path: absolute, name: basename(absolute), sizeBytes: info.size, mtimeMs: info.mtimeMs }
  } catch (error) {
    if (error instanceof AscentError) throw error
    throw new AscentError('BAD_BUILD', `${absolute}: no such file`, { cause: error })
  }
}

/** SHA-256 of a file's contents, streamed (builds are hundreds of MB). */
async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export function sameStat(a: FileIdentity, b: FileIdentity): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs
}

/** Whether the file a run was started with is still where it was, unchanged (a resume reads it again). */
export async function fileUnchanged(journal: RunJournal): Promise<boolean> {
  return identify(journal.file.path).then(
    (now) => sameStat(now, journal.file),
    () => false,
  )
}

/**
 * Is `file` the file of run `journal` (same build identity)? Same path, size and mtime: yes without reading it.
 * Otherwise size plus SHA-256 against the hash the journal recorded, or the run's file if it is still where it
 * was. Its SHA-256 comes back when it had to be read.
 */
export async function matchesFile(
  journal: RunJournal,
  file: FileIdentity,
): Promise<{ readonly same: boolean; readonly sha256: string | null }> {
  if (file.path === journal.file.path && sameStat(file, journal.file))
    return { same: true, sha256: journal.file.sha256 ?? null }
  if (file.sizeBytes !== journal.file.sizeBytes) return { same: false, sha256: null }
  const hash = await sha256OfFile(file.path)
  let reference = journal.file.sha256 ?? null
  if (reference === null) {
    const old = await identify(journal.file.path).catch(() => null)
    if (old && sameStat(old, journal.file)) reference = await sha256OfFile(old.path)
  }
  // No reference (the first file is gone and was never hashed): same build identity and size is the best left.
  return { same: reference === null || reference === hash, sha256: hash }
}

/**
 * Is `file` the file of the unfinished run `journal`? If not: BAD_INPUT saying what that run already did. On a
 * match the journal takes the new path (and the hash) so the resume uses it.
 */
export async function confirmSameFile(journal: RunJournal, file: FileIdentity): Promise<void> {
  const match = await matchesFile(journal, file)
  if (!match.same) {
    const label = `${journal.build.bundleId} ${journal.build.version} (${journal.build.buildNumber})`
    throw new AscentError(
      'BAD_INPUT',
      `${file.path}: an unfinished run (${journal.runId}) of ${label} with another file (${journal.file.path}) already changed App Store Connect (${doneSummary(journal)}): publish that file to finish it, or delete its folder under the data directory's runs/ to forget it and upload this file with a new build number`,
    )
  }
  if (file.path !== journal.file.path || !sameStat(file, journal.file))
    journal.file = { ...file, ...(match.sha256 ? { sha256: match.sha256 } : {}) }
}
