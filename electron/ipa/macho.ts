/**
 * Reads what App Store Connect's upload validation reads from an executable: the architectures of a fat
 * file, and for each slice whose load commands are at hand the platform and SDK (LC_BUILD_VERSION or
 * LC_VERSION_MIN_*), the encryption info, the segments (a `__LLVM` segment is bitcode) and the linked
 * dylibs. Layouts follow XNU's <mach-o/loader.h> and <mach-o/fat.h>. Only the first bytes of a file are
 * ever needed: the header and load commands of a slice sit at its start.
 */

const MH_MAGIC = 0xfeedface
const MH_MAGIC_64 = 0xfeedfacf
const FAT_MAGIC = 0xcafebabe
const FAT_MAGIC_64 = 0xcafebabf
/** More slices than this is not a Mach-O fat file (Java class files share FAT_MAGIC with a version there). */
const MAX_FAT_SLICES = 32

export const CPU_TYPE_X86 = 7
export const CPU_TYPE_X86_64 = 0x01000007
const CPU_TYPE_ARM = 12
export const CPU_TYPE_ARM64 = 0x0100000c
const CPU_TYPE_ARM64_32 = 0x0200000c

const LC_SEGMENT = 0x1
const LC_LOAD_DYLIB = 0xc
const LC_SEGMENT_64 = 0x19
const LC_ENCRYPTION_INFO = 0x21
const LC_VERSION_MIN_MACOSX = 0x24
const LC_VERSION_MIN_IPHONEOS = 0x25
const LC_ENCRYPTION_INFO_64 = 0x2c
const LC_VERSION_MIN_TVOS = 0x2f
const LC_VERSION_MIN_WATCHOS = 0x30
const LC_BUILD_VERSION = 0x32
const LC_REQ_DYLD = 0x80000000
const DYLIB_COMMANDS = new Set([
  LC_LOAD_DYLIB,
  0x20, // LC_LAZY_LOAD_DYLIB
  LC_REQ_DYLD | 0x18, // LC_LOAD_WEAK_DYLIB
  LC_REQ_DYLD | 0x1f, // LC_REEXPORT_DYLIB
  LC_REQ_DYLD | 0x23, // LC_LOAD_UPWARD_DYLIB
])

/** LC_BUILD_VERSION platforms (PLATFORM_* in loader.h). */
export const MACHO_PLATFORMS: Readonly<
  Record<number, { readonly name: string; readonly simulator: boolean }>
> = {
  1: { name: 'macOS', simulator: false },
  2: { name: 'iOS', simulator: false },
  3: { name: 'tvOS', simulator: false },
  4: { name: 'watchOS', simulator: false },
  6: { name: 'Mac Catalyst', simulator: false },
  7: { name: 'iOS Simulator', simulator: true },
  8: { name: 'tvOS Simulator', simulator: true },
  9: { name: 'watchOS Simulator', simulator: true },
  11: { name: 'visionOS', simulator: false },
  12: { name: 'visionOS Simulator', simulator: true },
}

const VERSION_MIN_PLATFORM: Readonly<Record<number, number>> = {
  [LC_VERSION_MIN_MACOSX]: 1,
  [LC_VERSION_MIN_IPHONEOS]: 2,
  [LC_VERSION_MIN_TVOS]: 3,
  [LC_VERSION_MIN_WATCHOS]: 4,
}

interface MachOSlice {
  readonly cpuType: number
  /** Where the slice starts in the file (0 for a thin file). */
  readonly offset: number
  readonly size: number
  /** Null when the slice's load commands lie past the bytes that were read. */
  readonly commands: MachOCommands | null
}

interface MachOCommands {
  /** PLATFORM_* number, or null when the binary carries neither LC_BUILD_VERSION nor LC_VERSION_MIN_*. */
  readonly platform: number | null
  /** `X.Y.Z` strings decoded from the `xxxx.yy.zz` nibbles. */
  readonly minOS: string | null
  readonly sdk: string | null
  /** Null: no LC_ENCRYPTION_INFO(_64) command. */
  readonly cryptId: number | null
  readonly segments: readonly string[]
  readonly dylibs: readonly string[]
}

export type MachOFile =
  { readonly kind: 'thin' | 'fat'; readonly slices: readonly MachOSlice[] } | { readonly kind: 'not-mach-o' }

/** Bytes needed from the start of a file to read every slice's load commands that `read` could see. */
export type MachONeed = { readonly bytes: number }

/** `X<<16 | Y<<8 | Z` → "X.Y.Z" (trailing .0 dropped after the minor, as Xcode prints SDKs). */
function decodeMachOVersion(packed: number): string {
  const major = packed >>> 16
  const minor = (packed >>> 8) & 0xff
  const patch = packed & 0xff
  return patch === 0 ? `${major}.${minor}` : `${major}.${minor}.${patch}`
}

function cString(bytes: Buffer, start: number, end: number): string {
  const stop = bytes.indexOf(0, start)
  return bytes.toString('latin1', start, stop === -1 || stop > end ? end : stop)
}

/**
 * The load commands of the thin Mach-O at `offset` in `bytes`, or the number of bytes from the start of
 * `bytes` needed to read them when `bytes` is too short. Throws on a header that is not Mach-O.
 */
function readCommands(
  bytes: Buffer,
  offset: number,
): { commands: MachOCommands } | { need: number } | { invalid: true } {
  if (offset + 28 > bytes.length) return { need: offset + 32 }
  const magic = bytes.readUInt32LE(offset)
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) return { invalid: true }
  const headerSize = magic === MH_MAGIC_64 ? 32 : 28
  const ncmds = bytes.readUInt32LE(offset + 16)
  const sizeofcmds = bytes.readUInt32LE(offset + 20)
  const end = offset + headerSize + sizeofcmds
  if (end > bytes.length) return { need: end }
  let platform: number | null = null
  let minOS: string | null = null
  let sdk: string | null = null
  let cryptId: number | null = null
  const segments: string[] = []
  const dylibs: string[] = []
  let at = offset + headerSize
  for (let i = 0; i < ncmds && at + 8 <= end; i++) {
    const cmd = bytes.readUInt32LE(at)
    const size = bytes.readUInt32LE(at + 4)
    if (size < 8 || at + size > end) return { invalid: true }
    if ((cmd === LC_SEGMENT_64 || cmd === LC_SEGMENT) && size >= 24) {
      segments.push(cString(bytes, at + 8, at + 24))
    } else if (cmd === LC_BUILD_VERSION && size >= 24) {
      platform = bytes.readUInt32LE(at + 8)
      minOS = decodeMachOVersion(bytes.readUInt32LE(at + 12))
      sdk = decodeMachOVersion(bytes.readUInt32LE(at + 16))
    } else if (VERSION_MIN_PLATFORM[cmd] !== undefined && size >= 16 && platform === null) {
      platform = VERSION_MIN_PLATFORM[cmd] ?? null
      minOS = decodeMachOVersion(bytes.readUInt32LE(at + 8))
      sdk = decodeMachOVersion(bytes.readUInt32LE(at + 12))
    } else if ((cmd === LC_ENCRYPTION_INFO || cmd === LC_ENCRYPTION_INFO_64) && size >= 20) {
      cryptId = bytes.readUInt32LE(at + 16)
    } else if (DYLIB_COMMANDS.has(cmd) && size >= 24) {
      const nameOffset = bytes.readUInt32LE(at + 8)
      if (nameOffset < size) dylibs.push(cString(bytes, at + nameOffset, at + size))
    }
    at += size
  }
  return { commands: { platform, minOS, sdk, cryptId, segments, dylibs } }
}

/**
 * Parses the start of an executable. `bytes` are its first bytes (possibly fewer than the file's
 * `fileSize`); returns the file's shape and, when a slice's load commands lie beyond `bytes` but within
 * `reachable` bytes, how many bytes to read for them.
 */
export function parseMachO(
  bytes: Buffer,
  fileSize: number,
  reachable: number,
): { file: MachOFile; need: MachONeed | null } {
  if (bytes.length < 8) return { file: { kind: 'not-mach-o' }, need: null }
  const be = bytes.readUInt32BE(0)
  if (be === FAT_MAGIC || be === FAT_MAGIC_64) {
    const count = bytes.readUInt32BE(4)
    const entrySize = be === FAT_MAGIC_64 ? 32 : 20
    if (count === 0 || count > MAX_FAT_SLICES) return { file: { kind: 'not-mach-o' }, need: null }
    const headerEnd = 8 + count * entrySize
    if (headerEnd > bytes.length) {
      return headerEnd <= reachable
        ? { file: { kind: 'fat', slices: [] }, need: { bytes: headerEnd } }
        : { file: { kind: 'not-mach-o' }, need: null }
    }
    const slices: MachOSlice[] = []
    let need = 0
    for (let i = 0; i < count; i++) {
      const at = 8 + i * entrySize
      const cpuType = bytes.readInt32BE(at) >>> 0
      const offset = entrySize === 32 ? Number(bytes.readBigUInt64BE(at + 8)) : bytes.readUInt32BE(at + 8)
      const size = entrySize === 32 ? Number(bytes.readBigUInt64BE(at + 16)) : bytes.readUInt32BE(at + 12)
      if (offset + size > fileSize) return { file: { kind: 'not-mach-o' }, need: null }
      const read = readCommands(bytes, offset)
      if ('invalid' in read) return { file: { kind: 'not-mach-o' }, need: null }
      if ('need' in read && read.need <= reachable) need = Math.max(need, read.need)
      slices.push({ cpuType, offset, size, commands: 'commands' in read ? read.commands : null })
    }
    return { file: { kind: 'fat', slices }, need: need > 0 ? { bytes: need } : null }
  }
  const magic = bytes.readUInt32LE(0)
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) return { file: { kind: 'not-mach-o' }, need: null }
  const cpuType = bytes.readUInt32LE(4)
  const read = readCommands(bytes, 0)
  if ('invalid' in read) return { file: { kind: 'not-mach-o' }, need: null }
  const slice: MachOSlice = {
    cpuType,
    offset: 0,
    size: fileSize,
    commands: 'commands' in read ? read.commands : null,
  }
  return {
    file: { kind: 'thin', slices: [slice] },
    need: 'need' in read && read.need <= reachable ? { bytes: read.need } : null,
  }
}

export function cpuTypeName(cpuType: number): string {
  switch (cpuType) {
    case CPU_TYPE_ARM64:
      return 'arm64'
    case CPU_TYPE_ARM64_32:
      return 'arm64_32'
    case CPU_TYPE_ARM:
      return 'armv7'
    case CPU_TYPE_X86_64:
      return 'x86_64'
    case CPU_TYPE_X86:
      return 'i386'
    default:
      return `cpu type 0x${cpuType.toString(16)}`
  }
}
