// Bundles the `ascent` CLI into one CommonJS file so `npx ascent` starts fast and needs no loader.
// Every pure-JS dependency is inlined: the CLI package (npm run pack:cli) then installs with no dependencies.
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { bridgeClientEsbuildPlugin } from './bridge-client-bundle.mjs'

/** Writes the bundle to `outfile`; `sourcemap` adds `outfile.map` beside it. */
export async function buildCli({ outfile, sourcemap }) {
  const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  await build({
    entryPoints: [new URL('../electron/cli/main.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: sourcemap ? 'linked' : false,
    minifyWhitespace: true,
    minifySyntax: true,
    // keytar is native (an optional peer of the CLI package); electron is never reached from the CLI.
    // fs-native-extensions (the run lock) is native too: the CLI package carries its prebuilt binaries.
    external: ['keytar', 'fs-native-extensions', 'electron'],
    define: { 'process.env.ASCENT_BUILD_VERSION': JSON.stringify(version) },
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
    plugins: [bridgeClientEsbuildPlugin()],
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildCli({ outfile: 'dist-cli/ascent.cjs', sourcemap: true })
}
