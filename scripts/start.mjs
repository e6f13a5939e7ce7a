// `npm start`: build, then open Ascent. In Electron when its binary is installed; otherwise (a machine where
// Electron cannot run, like CI) the same window is served to a browser by the loopback web bridge.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
run('npm', ['run', 'build'])

// Read electron's own path.txt rather than require('electron'): requiring it without its binary starts a download.
function findElectron() {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const binary = join(root, 'dist', readFileSync(join(root, 'path.txt'), 'utf8').trim())
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}
const electronBinary = findElectron()
if (electronBinary) {
  spawn(electronBinary, ['.'], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0))
} else {
  console.error(
    'Electron is not installed here; serving the window to your browser instead (open the URL below).',
  )
  spawn(process.execPath, ['dist-cli/ascent.cjs', 'web', ...process.argv.slice(2)], { stdio: 'inherit' }).on(
    'exit',
    (code) => process.exit(code ?? 0),
  )
}
