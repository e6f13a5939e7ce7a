// `npm start`: build, then open Ascent. In Electron when its binary is installed; otherwise (a machine where
// Electron cannot run, like CI) the same window is served to a browser by the loopback web bridge.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
run('npm', ['run', 'build'])

function findElectron() {
  try {
    return createRequire(import.meta.url)('electron')
  } catch {
    return null
  }
}
const electronBinary = findElectron()
if (typeof electronBinary === 'string' && existsSync(electronBinary)) {
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
