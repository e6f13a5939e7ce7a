/**
 * Bridge uploads live in a temp folder the browser never chose; services name the real path in their
 * messages ("<path> changed since…", "<path>: cannot be read"). Every reply and event that leaves the
 * bridge passes through `scrub`, which puts back the name the user dropped (the contract: the renderer never
 * receives a raw file path it did not choose).
 */
export interface UploadPathScrubber {
  /** `path` is the temp file, `dir` the folder made for it alone, `name` what the page dropped. */
  add(upload: { readonly path: string; readonly dir: string; readonly name: string }): void
  /** A deep copy of `value` with every registered path (and the upload root) replaced in every string. */
  scrub<T>(value: T): T
}

interface Replacement {
  readonly from: string
  readonly to: string
}

/**
 * `roots` are the upload folder as created and as resolved by realpath (they differ where tmpdir is a
 * symlink, macOS /var → /private/var; a service that resolved the path would otherwise slip past).
 */
export function createUploadPathScrubber(roots: readonly string[]): UploadPathScrubber {
  const uploads = new Map<string, { readonly dir: string; readonly name: string }>()
  let replacements: readonly Replacement[] = []

  function rebuild(): void {
    const list: Replacement[] = []
    const root = roots[0] ?? ''
    for (const [path, { dir, name }] of uploads) {
      for (const variant of roots) {
        const swap = (p: string): string => (p.startsWith(root) ? variant + p.slice(root.length) : p)
        list.push({ from: swap(path), to: name }, { from: swap(dir), to: name })
      }
    }
    // Whatever else is under the upload root (an upload that failed half-way) still names no real place.
    for (const variant of roots) list.push({ from: variant, to: 'the dropped file' })
    // Longest first: the file's path before its folder, its folder before the root.
    replacements = list.filter((r) => r.from !== '').sort((a, b) => b.from.length - a.from.length)
  }
  rebuild()

  function scrubText(text: string): string {
    let out = text
    for (const { from, to } of replacements) if (out.includes(from)) out = out.split(from).join(to)
    return out
  }

  function walk(value: unknown): unknown {
    if (typeof value === 'string') return scrubText(value)
    if (Array.isArray(value)) return value.map(walk)
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
    }
    return value
  }

  return {
    add(upload) {
      uploads.set(upload.path, { dir: upload.dir, name: upload.name })
      rebuild()
    },
    scrub<T>(value: T): T {
      return walk(value) as T
    },
  }
}
