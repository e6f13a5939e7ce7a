// Bundles the `ascent` CLI into one CommonJS file so `npx ascent` starts fast and needs no loader.
import { build } from 'esbuild'

await build({
  entryPoints: ['electron/cli/main.ts'],
  outfile: 'dist-cli/ascent.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['keytar', 'electron'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
})
