import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { AscentError, type ErrorCode } from '../shared/errors'
import { formatBytes } from '../shared/format-bytes'

/**
 * The one way Ascent reads a small text file a person points it at (codemagic.yaml, a seed, a key, metadata
 * text). A path can name /dev/zero, a FIFO nobody writes to, a directory or a 50 MB file of junk: each is
 * refused with one short message before much is read, and never hangs.
 */
export interface TextFileKind {
  /** What the file should be, in the message: "a codemagic.yaml". */
  readonly noun: string
  readonly maxBytes: number
  /** The error code a refusal carries (exit 2 in the CLI for each of these). */
  readonly code: ErrorCode
}

/** Each limit is far above any real file of its kind and far below what could hurt memory. */
export const TEXT_FILE_KINDS = {
  codemagicYaml: { noun: 'a codemagic.yaml', maxBytes: 1_000_000, code: 'BAD_CONFIG' },
  seed: { noun: 'a seed file', maxBytes: 4_000_000, code: 'BAD_INPUT' },
  /** A .p8 is about 250 bytes. */
  privateKey: { noun: 'an App Store Connect key (.p8)', maxBytes: 64_000, code: 'BAD_KEY' },
  fastlaneKeyJson: { noun: "fastlane's API key JSON", maxBytes: 64_000, code: 'BAD_INPUT' },
  keyList: { noun: 'the key list', maxBytes: 1_000_000, code: 'BAD_CONFIG' },
  /** App Store text fields are at most 4,000 characters. */
  metadataText: { noun: 'a metadata text file', maxBytes: 100_000, code: 'BAD_INPUT' },
} as const satisfies Record<string, TextFileKind>

function typeOf(mode: number): string {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFDIR:
      return 'a directory'
    case constants.S_IFIFO:
      return 'a pipe (FIFO)'
    case constants.S_IFCHR:
      return 'a device'
    case constants.S_IFBLK:
      return 'a device'
    case constants.S_IFSOCK:
      return 'a socket'
    default:
      return 'not a regular file'
  }
}

function reasonFor(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)'
  if (code === 'EISDIR') return 'is a directory'
  return `cannot be read (${code ?? 'error'})`
}

/** Like a refusal, without the `name: ` prefix (callers whose subject already names the file). */
export class TextFileError extends AscentError {
  constructor(
    code: ErrorCode,
    readonly reason: string,
    readonly errno?: string,
  ) {
    super(code, reason)
    this.name = 'TextFileError'
  }
}

/**
 * Reads `file` as UTF-8 text of `kind`. Refuses, with a TextFileError whose message is the reason alone:
 * a missing or unreadable file, anything but a regular file, more than `kind.maxBytes`, a NUL byte
 * (binary data) and bytes that are not UTF-8.
 */
export async function readTextFile(file: string, kind: TextFileKind): Promise<string> {
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    throw new TextFileError(kind.code, reasonFor(error), (error as NodeJS.ErrnoException).code)
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new TextFileError(kind.code, `is ${typeOf(info.mode)}, not ${kind.noun}`)
    if (info.size > kind.maxBytes) throw tooBig(kind, info.size)
    // One byte more than allowed: a file that grew since stat is still caught.
    const buffer = Buffer.alloc(Math.min(info.size, kind.maxBytes) + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length === buffer.length) break
    }
    if (length > kind.maxBytes) throw tooBig(kind, length)
    const bytes = buffer.subarray(0, length)
    if (bytes.includes(0)) throw new TextFileError(kind.code, `holds binary data, not ${kind.noun}`)
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      throw new TextFileError(kind.code, `is not UTF-8 text, so not ${kind.noun}`)
    }
  } catch (error) {
    if (error instanceof TextFileError) throw error
    throw new TextFileError(kind.code, reasonFor(error), (error as NodeJS.ErrnoException).code)
  } finally {
    await handle.close().catch(() => undefined)
  }
}

function tooBig(kind: TextFileKind, size: number): TextFileError {
  return new TextFileError(
    kind.code,
    `is too big to be ${kind.noun}: ${formatBytes(size)}, at most ${formatBytes(kind.maxBytes)}`,
  )
}

/** The same, with a message that starts with the file's name: "<file>: is a directory, not a seed file". */
export async function readNamedTextFile(file: string, kind: TextFileKind): Promise<string> {
  try {
    return await readTextFile(file, kind)
  } catch (error) {
    if (error instanceof TextFileError) throw new AscentError(error.code, `${file}: ${error.message}`)
    throw error
  }
}
