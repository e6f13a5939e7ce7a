// Bundles the `ascent` CLI into two CommonJS files so `npx ascent` starts fast and needs no loader: the launcher
// (electron/cli/launcher.ts, the entry) and beside it the CLI bundle (`<name>-main.js`: electron/cli/main.ts and
// its imports), which the launcher runs with V8's code cache. Every pure-JS dependency is inlined: the CLI package
// (npm run pack:cli) then installs with no dependencies.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import Module from 'node:module'
import { basename, dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { bridgeClientEsbuildPlugin } from './bridge-client-bundle.mjs'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Short names too: the code cache V8 reads at every start shrinks with them (its constant pools hold the names);
  // about 2 ms of a small upload's CPU. Stack traces map back through the bundle's source map.
  minify: true,
  logLevel: 'warning',
  // import() of keytar and fs-native-extensions becomes require(): V8's code cache drops what a dynamic import
  // needs, and both are CommonJS.
  supported: { 'dynamic-import': false },
}

/**
 * Writes the launcher to `outfile` and the bundle beside it; `sourcemap` adds the bundle's map beside the bundle.
 * Each file is written atomically, the bundle first: a launcher never reads half a bundle, and one started between
 * the two writes meets a bundle of another build, which its id check refuses.
 */
export async function buildCli({ outfile, sourcemap }) {
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  const bundleFile = outfile.replace(/(\.cjs)?$/, '-main.js')
  const main = await build({
    ...common,
    entryPoints: [new URL('../electron/cli/main.ts', import.meta.url).pathname],
    outfile: bundleFile,
    write: false,
    sourcemap: sourcemap ? 'external' : false,
    // keytar is native (an optional peer of the CLI package); electron is never reached from the CLI.
    // fs-native-extensions (the run lock) is native too: the CLI package carries its prebuilt binaries.
    external: ['keytar', 'fs-native-extensions', 'electron'],
    define: { 'process.env.ASCENT_BUILD_VERSION': JSON.stringify(version) },
    plugins: [bridgeClientEsbuildPlugin(), onFirstUsePlugin(LOADED_ON_FIRST_USE)],
  })
  const code = main.outputFiles.find((f) => f.path.endsWith('.js'))
  const map = main.outputFiles.find((f) => f.path.endsWith('.map'))
  const id = createHash('sha256').update(code.contents).digest('hex').slice(0, 32)
  // A fresh clone has no dist-cli/ yet (esbuild writes nothing here: both outputs are written below).
  await mkdir(dirname(outfile), { recursive: true })
  // The build's id last (a first line would shift the source map): the launcher checks it before it runs the
  // bundle with a cache.
  // The bundle is written already inside the function Node wraps a CommonJS module in (node:module's `Module.wrap`, which
  // adds no line before the code, so the source map holds): the launcher compiles the file as read, where wrapping
  // it at every start copied the whole bundle into a new string.
  await writeAtomic(bundleFile, `${Module.wrap(code.text)}\n//ascent-bundle ${id}\n`)
  if (map) await writeAtomic(`${bundleFile}.map`, map.contents)
  const launcher = await build({
    ...common,
    entryPoints: [new URL('../electron/cli/launcher.ts', import.meta.url).pathname],
    outfile,
    write: false,
    define: {
      ASCENT_BUNDLE_FILE: JSON.stringify(basename(bundleFile)),
      ASCENT_BUNDLE_ID: JSON.stringify(id),
    },
    banner: { js: '#!/usr/bin/env node' },
  })
  await writeAtomic(outfile, launcher.outputFiles[0].contents, 0o755)
  // Where the bundle's map was when the bundle was inside the launcher.
  await rm(`${outfile}.map`, { force: true })
}

/**
 * What the CLI bundles or imports but loads only when something first uses it: each import sits in a module every
 * command (or every upload) loads, while the module itself is needed only off that path. Loading them at start
 * cost every upload about 8 ms of CPU, and local commands (inspect, config, --version) the TLS stack besides.
 * - `functions` / `classes`: the named exports Ascent uses, each a stand-in that calls (or constructs) the real one.
 *   Importing a name not listed fails the build ("No matching export"), never a run.
 * - `callable`: a CommonJS module that is itself a function (what requires it calls it).
 * - `ownOnly`: only Ascent's own imports get the stand-in (packages may use more of the module).
 */
export const LOADED_ON_FIRST_USE = {
  // Only `--upload-method altool` spawns; commander loads it at start for executable subcommands Ascent has none of.
  child_process: { builtin: true, functions: ['spawn'] },
  // TLS only for an https URL: the sandbox is http, and local commands (inspect, config) make no request at all.
  https: { builtin: true, ownOnly: true, functions: ['request'], classes: ['Agent'] },
  // Only when HTTPS_PROXY applies to an upload part (it brings debug, supports-color, node:assert and node:tty).
  'https-proxy-agent': { classes: ['HttpsProxyAgent'] },
  // bplist-parser calls it only for an integer wider than 32 bits; loading it builds a cache of a thousand numbers.
  'big-integer': { callable: true },
}

/** A stand-in module for each of `packages` (LOADED_ON_FIRST_USE); esbuild still bundles a package behind its own. */
export function onFirstUsePlugin(packages) {
  const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
  const filter = new RegExp(`^(node:)?(${Object.keys(packages).map(escape).join('|')})$`)
  return {
    name: 'ascent-on-first-use',
    setup(builder) {
      builder.onResolve({ filter }, (args) => {
        const name = args.path.replace(/^node:/, '')
        const spec = packages[name]
        // Not a stand-in's: `node:` before a package's name, or the real package a stand-in resolves below.
        if (!spec || (!spec.builtin && args.path.startsWith('node:')) || args.pluginData?.real)
          return undefined
        if (spec.ownOnly && args.importer.includes('/node_modules/')) return undefined
        if (args.namespace === 'ascent-first-use') {
          // The stand-in's own require: the real module.
          if (spec.builtin) return { path: `node:${name}`, external: true }
          return builder.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: { real: true },
          })
        }
        return { path: name, namespace: 'ascent-first-use', pluginData: { resolveDir: args.resolveDir } }
      })
      builder.onLoad({ filter: /.*/, namespace: 'ascent-first-use' }, (args) => {
        const spec = packages[args.path]
        const real = JSON.stringify(spec.builtin ? `node:${args.path}` : args.path)
        const lines = [`let real; const load = () => (real ??= require(${real}));`]
        if (spec.callable) lines.push('module.exports = function (...args) { return load()(...args) };')
        for (const f of spec.functions ?? [])
          lines.push(`export function ${f}(...args) { return load().${f}(...args) }`)
        // Called with `new`: the object it returns is what `new` gives.
        for (const c of spec.classes ?? [])
          lines.push(`export function ${c}(...args) { return new (load().${c})(...args) }`)
        return { contents: lines.join('\n'), loader: 'js', resolveDir: args.pluginData.resolveDir }
      })
    },
  }
}

/** A temp file beside `file`, then a rename: a CLI started meanwhile reads the old file or the new one. */
async function writeAtomic(file, contents, mode = 0o644) {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, contents, { mode })
  await rename(temp, file)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildCli({ outfile: 'dist-cli/ascent.cjs', sourcemap: true })
}
