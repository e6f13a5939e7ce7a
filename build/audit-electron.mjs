// `npm run audit:electron`: Electronegativity over electron/, failing on any finding.
// Its own CLI cannot start here (it requires whatever `commander` is hoisted, and ours is v14), so this
// calls its documented programmatic runner with the same defaults: every check, lowest severity and confidence.
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const load = createRequire(import.meta.url)
// CommonJS, with a default export function.
const run = load('@doyensec/electronegativity')
const here = path.dirname(fileURLToPath(import.meta.url))

async function main() {
  const input = path.resolve(here, '..', process.argv[2] ?? 'electron')
  const electronVersion = load('electron/package.json').version
  const result = await run(
    {
      input,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: [],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: true,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  )
  for (const error of result.errors) {
    process.stderr.write(`electronegativity: could not parse ${error.file}: ${error.message}\n`)
  }
  for (const issue of result.issues) {
    process.stderr.write(
      `${issue.file}:${issue.location.line}:${issue.location.column} ${issue.id} (${issue.severity.name}, ${issue.confidence.name})${issue.manualReview ? ' [review]' : ''}\n  ${issue.description}\n`,
    )
  }
  const summary = `electronegativity: ${result.globalChecks + result.atomicChecks} checks, ${result.issues.length} findings, ${result.errors.length} unparsed files in ${path.relative(process.cwd(), input) || '.'}`
  process.stdout.write(summary + '\n')
  process.exit(result.issues.length === 0 && result.errors.length === 0 ? 0 : 1)
}

main().catch((error) => {
  process.stderr.write(`electronegativity: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
