// `npm run pack:cli`: the `ascent` CLI as a package of its own, for CI machines that want neither
// Electron nor React. The bundle inlines every pure-JS dependency, so the package has none; keytar,
// being native, is an optional peer: without it the CLI takes keys from the APP_STORE_CONNECT_*
// variables only. Prints the tarball's absolute path as its last line.
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildCli } from './build-cli.mjs'

const LOCK_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64']
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'dist-cli')
await mkdir(out, { recursive: true })
// A staging folder of its own: two packs at once (or a pack beside a running dist-cli/ascent.cjs) never
// touch each other's files; the tarball reaches dist-cli/ by an atomic rename.
const staging = await mkdtemp(join(out, 'pack-'))
try {
  const app = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  const manifest = {
    name: 'ascent-cli',
    version: app.version,
    description: 'The ascent command: publish iOS, tvOS and macOS builds to App Store Connect from CI.',
    license: app.license,
    author: app.author,
    bin: { ascent: 'ascent.cjs' },
    files: ['ascent.cjs', 'ascent-main.js', 'README.md', 'prebuilds'],
    engines: app.engines,
    peerDependencies: { keytar: app.dependencies.keytar },
    peerDependenciesMeta: { keytar: { optional: true } },
  }
  const pkg = join(staging, 'package')
  await mkdir(pkg)
  // No source map: it is larger than the bundle and no installed CLI reads it.
  await buildCli({ outfile: join(pkg, 'ascent.cjs'), sourcemap: false })
  await copyFile(join(root, 'scripts', 'cli-package', 'README.md'), join(pkg, 'README.md'))
  // The run lock's native binaries (fs-native-extensions, Apache-2.0), for the machines CI and desktops run
  // on; the bundle loads the one for its platform from here.
  const lockModule = join(root, 'node_modules', 'fs-native-extensions')
  for (const platform of LOCK_PLATFORMS) {
    await mkdir(join(pkg, 'prebuilds', platform), { recursive: true })
    await copyFile(
      join(lockModule, 'prebuilds', platform, 'fs-native-extensions.node'),
      join(pkg, 'prebuilds', platform, 'fs-native-extensions.node'),
    )
  }
  await copyFile(join(lockModule, 'LICENSE'), join(pkg, 'prebuilds', 'LICENSE-fs-native-extensions'))
  await writeFile(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n')
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', staging], {
      cwd: pkg,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  const tarball = join(out, packed[0].filename)
  await rename(join(staging, packed[0].filename), tarball)
  process.stdout.write(`${tarball}\n`)
} finally {
  await rm(staging, { recursive: true, force: true })
}
