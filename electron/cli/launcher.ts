import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { crc32 } from 'node:zlib'
import { cacheDir } from '../app-dirs'

/**
 * The start of `ascent`: runs the CLI bundle (main.ts and everything it imports, which scripts/build-cli.mjs
 * writes beside this file) with V8's code cache. Compiling the bundle (1.5 MB) and the functions a command runs cost a
 * command about 0.08 s of CPU on every start; with the bytecode V8 made on an earlier run of the same command
 * (kept in the cache directory, one file per command) that is mostly gone. A cache that is missing, of
 * another build, Node or flags, or damaged is not used: the bundle compiles as usual and the cache is written
 * again as the process exits. ASCENT_COMPILE_CACHE=0 turns it off. The bundle is a file of its own, read as
 * bytes, rather than a string inside this one: Node compiles this file without a cache, and scanning a 1.5 MB
 * string literal cost every start more than reading the bundle does.
 */

/** The bundle's file name, beside this one. */
declare const ASCENT_BUNDLE_FILE: string
/** Hash of the bundle: a cache made from other code must never be used, even one of the same length. */
declare const ASCENT_BUNDLE_ID: string

const HEADER_BYTES = 160

/** What a cache file's header starts with when it belongs to this bundle, Node and machine. */
function owner(): string {
  return `ascent ${ASCENT_BUNDLE_ID} ${process.version} ${process.arch} `
}

/**
 * V8 trusts the bytes it is given (a damaged cache is a fatal error): their checksum is checked first. CRC-32
 * finds a torn write or a flipped byte as surely as a cryptographic hash would, and nothing here defends against a
 * forger (who can write this folder can write the CLI); SHA-256 of the cache cost a start about 5 ms.
 */
function digest(data: Buffer): string {
  return `crc32:${crc32(data).toString(16).padStart(8, '0')}`
}

/** One cache per command: each compiles and keeps the functions it runs. */
function cacheFile(): string | null {
  if (process.env.ASCENT_COMPILE_CACHE === '0') return null
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? ''
  const name = /^[a-z]{1,20}$/.test(command) ? command : 'other'
  try {
    return path.join(cacheDir(), `cli-${name}.v8cache`)
  } catch {
    return null
  }
}

function readCache(file: string | null): Buffer | undefined {
  if (file === null) return undefined
  try {
    const bytes = readFileSync(file)
    const head = bytes.subarray(0, HEADER_BYTES).toString('latin1')
    const data = bytes.subarray(HEADER_BYTES)
    if (!head.startsWith(owner()) || data.length === 0) return undefined
    return head.slice(owner().length).startsWith(`${digest(data)}\n`) ? data : undefined
  } catch {
    return undefined
  }
}

function writeCache(file: string, script: vm.Script): void {
  const temp = `${file}.${process.pid}.tmp`
  try {
    const data = script.createCachedData()
    const head = Buffer.alloc(HEADER_BYTES, 32)
    head.write(`${owner()}${digest(data)}\n`, 'latin1')
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(temp, Buffer.concat([head, data]))
    // Atomic: two commands exiting at once leave one whole cache, never a mix.
    renameSync(temp, file)
  } catch {
    // No cache is only a slower start next time.
    try {
      rmSync(temp, { force: true })
    } catch {
      // Nothing was written.
    }
  }
}

/**
 * The bundle this launcher was built with. Its last line names its build: a bundle of another build (a copy
 * that mixed two builds) must not run with this build's cache, so it is refused with what to do.
 */
function readBundle(): string {
  const bundleFile = path.join(__dirname, ASCENT_BUNDLE_FILE)
  let text: string
  try {
    // esbuild writes ASCII: latin1 is the cheapest read into a string.
    text = readFileSync(bundleFile, 'latin1')
  } catch {
    text = ''
  }
  if (!text.endsWith(`\n//ascent-bundle ${ASCENT_BUNDLE_ID}\n`)) {
    process.stderr.write(
      `error: ${bundleFile} is missing or from another build than ${__filename}: build or install the CLI again\n`,
    )
    process.exit(1)
  }
  return text
}

const source = readBundle()
const file = cacheFile()
const cachedData = readCache(file)
// The bundle file is the module already wrapped in its function (scripts/build-cli.mjs), as node:module would wrap it.
const script = new vm.Script(source, { filename: path.join(__dirname, ASCENT_BUNDLE_FILE), cachedData })
if (file !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
  // At exit, so the cache holds the functions this command compiled, not only the top level.
  process.once('exit', () => writeCache(file, script))
}
;(script.runInThisContext() as (...args: unknown[]) => void).call(
  module.exports,
  module.exports,
  require,
  module,
  __filename,
  __dirname,
)
