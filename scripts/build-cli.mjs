// Bundles the `ascent` CLI into one CommonJS file so `npx ascent` starts fast and needs no loader.
// Every pure-JS dependency is inlined: the CLI package (npm run pack:cli) then installs with no dependencies.
// The file is electron/cli/launcher.ts with the CLI bundle (electron/cli/main.ts and its imports) inside as a
// string: the launcher runs it with V8's code cache.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
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

/** Writes the bundle to `outfile`; `sourcemap` adds `outfile.map` beside it (of the bundle inside the launcher). */
export async function buildCli({ outfile, sourcemap }) {
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  const main = await build({
    ...common,
    entryPoints: [new URL('../electron/cli/main.ts', import.meta.url).pathname],
    outfile,
    write: false,
    sourcemap: sourcemap ? 'external' : false,
    // keytar is native (an optional peer of the CLI package); electron is never reached from the CLI.
    // fs-native-extensions (the run lock) is native too: the CLI package carries its prebuilt binaries.
    external: ['keytar', 'fs-native-extensions', 'electron'],
    define: { 'process.env.ASCENT_BUILD_VERSION': JSON.stringify(version) },
    plugins: [bridgeClientEsbuildPlugin()],
  })
  const code = main.outputFiles.find((f) => f.path.endsWith('.cjs'))
  const map = main.outputFiles.find((f) => f.path.endsWith('.map'))
  await build({
    ...common,
    entryPoints: [new URL('../electron/cli/launcher.ts', import.meta.url).pathname],
    outfile,
    define: {
      ASCENT_BUNDLE: JSON.stringify(code.text),
      ASCENT_BUNDLE_ID: JSON.stringify(createHash('sha256').update(code.contents).digest('hex').slice(0, 32)),
    },
    banner: { js: '#!/usr/bin/env node' },
  })
  if (map) await writeFile(`${outfile}.map`, map.contents)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildCli({ outfile: 'dist-cli/ascent.cjs', sourcemap: true })
}
