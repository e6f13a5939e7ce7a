import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { AscentError } from '../../shared/errors'
import type { FileRef } from '../../shared/ipc'

/**
 * The only way a path reaches a service from the window: main registers the paths the user chose
 * (dialog, drop, OS open-file, CLI argument, bridge upload) and hands out opaque ids. A FileRef the
 * window made up, or one whose path it edited, resolves to nothing — the id alone is trusted.
 */
export interface FileRegistry {
  /** Registers a path the user chose. `shownPath` replaces the real path in the FileRef (bridge uploads live in a temp dir). */
  register(path: string, options?: { readonly name?: string; readonly shownPath?: string }): Promise<FileRef>
  /** The real path behind a FileRef; BAD_INPUT for an id main never handed out. */
  resolve(ref: Pick<FileRef, 'id' | 'name'>): string
}

interface Entry {
  readonly path: string
  readonly ref: FileRef
}

export function createFileRegistry(): FileRegistry {
  const entries = new Map<string, Entry>()
  return {
    async register(path, options = {}) {
      const absolute = resolve(path)
      let sizeBytes: number
      try {
        const info = await stat(absolute)
        if (!info.isFile())
          throw new AscentError(
            'BAD_INPUT',
            `${basename(absolute)} is not a file: choose a build or config file, not a folder.`,
          )
        sizeBytes = info.size
      } catch (error) {
        if (error instanceof AscentError) throw error
        throw new AscentError(
          'BAD_INPUT',
          `${basename(absolute)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`,
        )
      }
      const ref: FileRef = {
        id: randomUUID(),
        name: options.name ?? basename(absolute),
        path: options.shownPath ?? absolute,
        sizeBytes,
      }
      entries.set(ref.id, { path: absolute, ref })
      return ref
    },
    resolve(ref) {
      const entry = entries.get(ref.id)
      if (!entry) {
        throw new AscentError(
          'BAD_INPUT',
          `${ref.name || 'the file'} was not chosen in this session: drop it on the window or pick it again.`,
        )
      }
      return entry.path
    },
  }
}
