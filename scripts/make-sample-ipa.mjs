// Writes test/fixtures/sample/AscentDemo.ipa: one small, valid App Store build of
// com.example.ascent.demo 1.1.0 (100) for checks outside the code (`npm run fixtures:sample`).
// The factory is TypeScript, so it is bundled first (packages stay external and resolve from node_modules).
import { mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { importTs } from './bundle-ts.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { makeIpa, SAMPLE_IPA_OPTIONS } = await importTs('build-factory', 'test/fixtures/build-factory.ts')
const dir = path.join(root, 'test/fixtures/sample')
mkdirSync(dir, { recursive: true })
const file = await makeIpa(SAMPLE_IPA_OPTIONS, dir)
process.stdout.write(`${path.relative(root, file)} (${statSync(file).size} bytes)\n`)
