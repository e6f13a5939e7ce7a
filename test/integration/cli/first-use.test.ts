import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { LOADED_ON_FIRST_USE, onFirstUsePlugin } from '../../../scripts/build-cli.mjs'

/**
 * The CLI bundle loads some modules only when something first uses them (scripts/build-cli.mjs): each stand-in must
 * behave as the real module for the way Ascent uses it, and a use it does not offer must fail the build, not a run.
 */

async function bundle(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    plugins: [onFirstUsePlugin(LOADED_ON_FIRST_USE)],
  })
  return result.outputFiles[0]!.text
}

/** Runs a bundle as a module of its own; returns what it put in `out`. */
function run(code: string): unknown {
  const module = { exports: {} as { out?: unknown } }
  new Function('module', 'exports', 'require', code)(module, module.exports, require)
  return module.exports.out
}

/** A binary plist `{ n: 2^64 - 1 }`: the 16-byte integer is the one bplist-parser hands to big-integer. */
function plistWithWideInteger(): Buffer {
  const objects = [
    Buffer.from([0xd1, 1, 2]), // a dictionary of one pair: key object 1, value object 2
    Buffer.from([0x51, 0x6e]), // "n"
    Buffer.concat([Buffer.from([0x14]), Buffer.alloc(8), Buffer.alloc(8, 0xff)]),
  ]
  const header = Buffer.from('bplist00')
  const offsets: number[] = []
  let at = header.length
  for (const o of objects) {
    offsets.push(at)
    at += o.length
  }
  const trailer = Buffer.alloc(32)
  trailer[6] = 1 // offset size
  trailer[7] = 1 // object reference size
  trailer.writeBigUInt64BE(BigInt(objects.length), 8)
  trailer.writeBigUInt64BE(0n, 16) // the top object
  trailer.writeBigUInt64BE(BigInt(at), 24) // where the offset table starts
  return Buffer.concat([header, ...objects, Buffer.from(offsets), trailer])
}

describe('modules loaded on first use in the CLI bundle', () => {
  it('a binary plist with a 128-bit integer reads through the big-integer stand-in', async () => {
    const code = await bundle(`
      import bplist from 'bplist-parser'
      const [dict] = bplist.parseBuffer(Buffer.from(${JSON.stringify(plistWithWideInteger().toString('base64'))}, 'base64'))
      module.exports.out = String(dict.n)
    `)
    expect(code).toContain('ascent-first-use:big-integer')
    expect(run(code)).toBe('18446744073709551615')
  })

  it('named exports call and construct the real ones (child_process, https, https-proxy-agent)', async () => {
    const code = await bundle(`
      import { spawn } from 'node:child_process'
      import { Agent, request } from 'node:https'
      import { HttpsProxyAgent } from 'https-proxy-agent'
      const agent = new Agent({ keepAlive: true })
      const viaProxy = new HttpsProxyAgent('http://127.0.0.1:9')
      const child = spawn(process.execPath, ['-e', '0'])
      child.kill()
      module.exports.out = [typeof request, agent.keepAlive, agent.constructor.name, viaProxy.proxy.href, typeof child.pid]
      agent.destroy()
    `)
    expect(run(code)).toEqual(['function', true, 'Agent', 'http://127.0.0.1:9/', 'number'])
  })

  it('an export the stand-in does not offer fails the build', async () => {
    await expect(bundle(`import { exec } from 'node:child_process'; exec('true')`)).rejects.toThrow(
      /No matching export.*"exec"/s,
    )
    await expect(bundle(`import { get } from 'node:https'; get('https://localhost')`)).rejects.toThrow(
      /No matching export.*"get"/s,
    )
  })
})
