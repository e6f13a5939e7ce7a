// The scripts' way to run TypeScript from the project (fixtures, engine modules): one esbuild bundle per name in
// node_modules/.cache/ascent-scripts, with packages external so they resolve from node_modules as usual.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = path.join(root, 'node_modules', '.cache', 'ascent-scripts')

/**
 * Bundles `source` (a path from the project root, or `{ contents }`: a TypeScript module whose imports start at
 * the root) to `<name>.mjs` and returns the file's path.
 */
export async function bundleTs(name, source, { plugins = [] } = {}) {
  mkdirSync(cacheDir, { recursive: true })
  const outfile = path.join(cacheDir, `${name}.mjs`)
  await build({
    ...(typeof source === 'string'
      ? { entryPoints: [path.join(root, source)] }
      : { stdin: { contents: source.contents, resolveDir: root, loader: 'ts' } }),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    plugins,
  })
  return outfile
}

/** bundleTs, then the bundle's module. */
export async function importTs(name, source, options) {
  return import(pathToFileURL(await bundleTs(name, source, options)).href)
}
