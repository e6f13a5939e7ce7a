import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { wrap } from 'node:module'
import path from 'node:path'
import vm from 'node:vm'
import { cacheDir } from '../app-dirs'

/**
 * The start of `ascent`: runs the CLI bundle (main.ts and everything it imports, which scripts/build-cli.mjs puts
 * here as a string) with V8's code cache. Compiling the 3 MB bundle and the functions a command runs cost a
 * command about 0.08 s of CPU on every start; with the bytecode V8 made on an earlier run of the same command
 * (kept in the cache directory, one file per command) that is mostly gone. A cache that is missing, of
 * another build, Node or flags, or damaged is not used: the bundle compiles as usual and the cache is written
 * again as the process exits. ASCENT_COMPILE_CACHE=0 turns it off.
 */

declare const ASCENT_BUNDLE: string
/** Hash of the bundle: a cache made from other code must never be used, even one of the same length. */
declare const ASCENT_BUNDLE_ID: string

const HEADER_BYTES = 160

/** What a cache file's header starts with when it belongs to this bundle, Node and machine. */
function owner(): string {
  return `ascent ${ASCENT_BUNDLE_ID} ${process.version} ${process.arch} `
}

/** V8 trusts the bytes it is given (a damaged cache is a fatal error): their hash is checked first. */
function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 32)
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
    return head.slice(owner().length, owner().length + 32) === digest(data) ? data : undefined
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

const file = cacheFile()
const cachedData = readCache(file)
const script = new vm.Script(wrap(ASCENT_BUNDLE), { filename: __filename, cachedData })
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
