// Bundles the `ascent` CLI into two CommonJS files so `npx ascent` starts fast and needs no loader: the launcher
// (electron/cli/launcher.ts, the entry) and beside it the CLI bundle (`<name>-main.js`: electron/cli/main.ts and
// its imports), which the launcher runs with V8's code cache. Every pure-JS dependency is inlined: the CLI package
// (npm run pack:cli) then installs with no dependencies.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { bridgeClientEsbuildPlugin } from './bridge-client-bundle.mjs'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifyWhitespace: true,
  minifySyntax: true,
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
    plugins: [bridgeClientEsbuildPlugin(), childProcessOnFirstUsePlugin()],
  })
  const code = main.outputFiles.find((f) => f.path.endsWith('.js'))
  const map = main.outputFiles.find((f) => f.path.endsWith('.map'))
  const id = createHash('sha256').update(code.contents).digest('hex').slice(0, 32)
  // A fresh clone has no dist-cli/ yet (esbuild writes nothing here: both outputs are written below).
  await mkdir(dirname(outfile), { recursive: true })
  // The build's id last (a first line would shift the source map): the launcher checks it before it runs the
  // bundle with a cache.
  await writeAtomic(bundleFile, `${code.text}\n//ascent-bundle ${id}\n`)
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
 * node:child_process, loaded when something first spawns. commander loads it at start for executable
 * subcommands (Ascent has none), and only `--upload-method altool` spawns: loading it cost every command about
 * 4 ms of CPU. Only `spawn` is offered; importing anything else from it fails the build rather than running.
 */
function childProcessOnFirstUsePlugin() {
  return {
    name: 'ascent-child-process-on-first-use',
    setup(builder) {
      builder.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        // The stand-in's own require is the real module.
        args.namespace === 'ascent-child-process'
          ? { path: 'node:child_process', external: true }
          : { path: 'child_process', namespace: 'ascent-child-process' },
      )
      builder.onLoad({ filter: /.*/, namespace: 'ascent-child-process' }, () => ({
        contents: "export function spawn(...args) { return require('node:child_process').spawn(...args) }",
        loader: 'js',
      }))
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
