import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli } from '../../support/cli'

/**
 * `ascent` keeps V8's compiled code of each command in its cache directory so the next start skips most
 * compiling. Whatever is in that file, the command must behave exactly as without it.
 */

let dir: string
let file: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-compile-cache-'))
  file = await makeIpa({}, dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function inspect(cache: string, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await runCli(['inspect', file, '--json'], { env: { ASCENT_CACHE_DIR: cache, ...extra } })
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r.stdout
}

describe('the compile cache', () => {
  it('is written by a first run, used by the next, and a damaged one is replaced, with the same output', async () => {
    const cache = join(dir, 'cache')
    const first = await inspect(cache)
    expect(JSON.parse(first)).toMatchObject({ bundleId: 'com.example.ascent.demo' })
    const cacheFile = join(cache, 'cli-inspect.v8cache')
    const written = await readFile(cacheFile)
    expect(written.length).toBeGreaterThan(100_000)

    // Warm: the same answer, and the cache left as it was.
    expect(await inspect(cache)).toBe(first)
    expect((await readFile(cacheFile)).equals(written)).toBe(true)

    // Damaged in the middle (a torn write, a full disk): not used, made again.
    const damaged = Buffer.from(written)
    damaged.fill(0x5a, 4096, 8192)
    await writeFile(cacheFile, damaged)
    expect(await inspect(cache)).toBe(first)
    expect((await readFile(cacheFile)).equals(damaged)).toBe(false)

    // Another build's cache of the same size: refused by its header, replaced.
    const foreign = Buffer.from(written)
    foreign.write('ascent 00000000000000000000000000000000', 0)
    await writeFile(cacheFile, foreign)
    expect(await inspect(cache)).toBe(first)
    // "ascent " and this build's id again.
    expect((await readFile(cacheFile)).subarray(0, 39).equals(written.subarray(0, 39))).toBe(true)
    expect(await readdir(cache)).toEqual(['cli-inspect.v8cache'])
  })

  it('ASCENT_COMPILE_CACHE=0 writes nothing, and a cache folder that cannot be made does not fail the command', async () => {
    const off = join(dir, 'off')
    await inspect(off, { ASCENT_COMPILE_CACHE: '0' })
    await expect(stat(off)).rejects.toThrow(/ENOENT/)

    // A file where the folder should be.
    const blocked = join(dir, 'blocked')
    await writeFile(blocked, 'not a folder')
    await inspect(blocked)
    expect(await readFile(blocked, 'utf8')).toBe('not a folder')
  })
})

describe('the launcher and its bundle', () => {
  it('a bundle of another build beside the launcher (a copy that mixed two builds) is refused with what to do', async () => {
    const copy = join(dir, 'mixed')
    await mkdir(copy)
    const launcher = join(copy, 'ascent.cjs')
    await copyFile(CLI, launcher)
    const bundle = (await readFile(join(dirname(CLI), 'ascent-main.js'), 'latin1')).replace(
      /\/\/ascent-bundle \w+\n$/,
      '//ascent-bundle 0123456789abcdef0123456789abcdef\n',
    )
    await writeFile(join(copy, 'ascent-main.js'), bundle, 'latin1')
    const cache = join(dir, 'mixed-cache')
    const mixed = await runCli(['inspect', file, '--json'], {
      cli: launcher,
      env: { ASCENT_CACHE_DIR: cache },
    })
    expect(mixed.code).toBe(1)
    expect(mixed.stdout).toBe('')
    expect(mixed.stderr).toBe(
      `error: ${join(copy, 'ascent-main.js')} is missing or from another build than ${launcher}: build or install the CLI again\n`,
    )
    // Nothing was run, so nothing was cached.
    await expect(stat(cache)).rejects.toThrow(/ENOENT/)

    // Missing altogether: the same words.
    await rm(join(copy, 'ascent-main.js'))
    const missing = await runCli(['--version'], { cli: launcher })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/ascent-main\.js is missing or from another build/)

    // The bundle it was built with: it runs.
    await copyFile(join(dirname(CLI), 'ascent-main.js'), join(copy, 'ascent-main.js'))
    const matched = await runCli(['inspect', file, '--json'], {
      cli: launcher,
      env: { ASCENT_CACHE_DIR: cache },
    })
    expect(matched.code).toBe(0)
    expect(JSON.parse(matched.stdout)).toMatchObject({ bundleId: 'com.example.ascent.demo' })
  })
})
