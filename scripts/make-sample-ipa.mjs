// Writes test/fixtures/sample/AscentDemo.ipa: one small, valid App Store build of
// com.example.ascent.demo 1.1.0 (100) for checks outside the code (`npm run fixtures:sample`).
// The factory is TypeScript, so it is bundled first (packages stay external and resolve from node_modules).
import { mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = path.join(root, 'node_modules', '.cache', 'ascent-scripts')
mkdirSync(cacheDir, { recursive: true })
const outfile = path.join(cacheDir, 'build-factory.mjs')
await build({
  entryPoints: [path.join(root, 'test/fixtures/build-factory.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
const { makeIpa, SAMPLE_IPA_OPTIONS } = await import(pathToFileURL(outfile).href)
const dir = path.join(root, 'test/fixtures/sample')
mkdirSync(dir, { recursive: true })
const file = await makeIpa(SAMPLE_IPA_OPTIONS, dir)
process.stdout.write(`${path.relative(root, file)} (${statSync(file).size} bytes)\n`)
