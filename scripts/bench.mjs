// `npm run bench [inspect|upload|publish|readiness|soak|releases]`: runs the benchmark scripts, each printing Ascent next to a baseline
// measured in the same run (unzip -p, curl -T, Codemagic's call sequence). No benchmark is a test.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const all = {
  inspect: 'scripts/bench-inspect.mjs',
  upload: 'scripts/bench-upload.mjs',
  publish: 'scripts/bench-publish.mjs',
  readiness: 'scripts/bench-readiness.mjs',
  soak: 'scripts/soak.mjs',
  releases: 'scripts/soak-releases.mjs',
}
const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : Object.keys(all)
if (!existsSync('dist-cli/ascent.cjs')) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
let failed = false
for (const name of names) {
  const script = all[name]
  if (!script) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(all).join(', ')}`)
    process.exit(2)
  }
  console.log(`\n== ${name} ==`)
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' })
  if (r.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
