import { close, open, read, stat } from 'node:fs'
import { promisify } from 'node:util'
import type { BuildSummary } from '../../shared/build-summary'
import { badBuild, describeFileError, throwIfAborted } from './bad-build'
import { inspectIpa } from './ipa-inspector'
import { inspectPkg } from './pkg-inspector'

const openAsync = promisify(open)
const readAsync = promisify(read)
const statAsync = promisify(stat)

export interface InspectOptions {
  /** Clock for expiry checks (ms since epoch); tests pin it. */
  readonly now?: () => number
  readonly signal?: AbortSignal
  /** Run Apple's upload validation over every bundle (default true; the benchmark turns it off to price it). */
  readonly validate?: boolean
}

const ZIP_MAGICS = ['504b0304', '504b0506', '504b0708']
const XAR_MAGIC = '78617221'

/**
 * Says what a build is and what would make App Store Connect reject it, reading only the few bytes it
 * needs (central directory, Info.plist, profiles; or the xar TOC and installer metadata). Throws
 * AscentError BAD_BUILD whose message is the reason only.
 */
export async function inspectBuild(file: string, options: InspectOptions = {}): Promise<BuildSummary> {
  const signal = options.signal
  throwIfAborted(signal)
  // stat before open: opening a FIFO for reading would block until a writer appears.
  const stats = await statAsync(file).catch((error: unknown) => {
    throw badBuild(describeFileError(error), error)
  })
  if (stats.isDirectory()) {
    throw badBuild(
      file.replace(/\/+$/, '').endsWith('.app')
        ? 'is an .app folder, not an uploadable build: export an .ipa or .pkg from Xcode (Product > Archive > Distribute)'
        : 'is a directory, not an .ipa or .pkg file',
    )
  }
  if (!stats.isFile()) throw badBuild('is not a regular file')
  if (stats.size === 0) throw badBuild('is empty (0 bytes), not a build')
  const fd = await openAsync(file, 'r').catch((error: unknown) => {
    throw badBuild(describeFileError(error), error)
  })
  let owned = true
  try {
    const magic = Buffer.alloc(4)
    const { bytesRead } = await readAsync(fd, magic, 0, 4, 0).catch((error: unknown) => {
      throw badBuild(describeFileError(error), error)
    })
    const hex = magic.subarray(0, bytesRead).toString('hex')
    const now = (options.now ?? Date.now)()
    if (ZIP_MAGICS.includes(hex)) {
      owned = false
      return await inspectIpa(file, fd, stats.size, { now, signal, validate: options.validate ?? true })
    }
    if (hex === XAR_MAGIC) return await inspectPkg(file, fd, stats.size, { signal })
    throw badBuild('is not an .ipa or .pkg: it is neither a zip nor a xar archive')
  } finally {
    if (owned) close(fd, () => undefined)
  }
}
