import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { lstat, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, isAbsolute, join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { npmEnv, packCli, run } from '../../support/cli-package'

/**
 * The CLI as CI gets it: `npm run pack:cli`, `npm install ./ascent-cli-*.tgz` into an empty folder (offline:
 * the package has no dependencies), then `npx ascent …` publishes against `npx ascent sandbox`.
 */

let dir: string
let project: string
let tarball: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-package-'))
  project = join(dir, 'project')
  env = npmEnv(dir, {
    ASCENT_DATA_DIR: join(dir, 'data'),
    ASCENT_CONFIG_DIR: join(dir, 'config'),
    NO_COLOR: '1',
  })
  tarball = await packCli(env)
  await run('mkdir', [project], { cwd: dir })
  const install = await run('npm', ['install', '--offline', tarball], { cwd: project, env })
  if (install.code !== 0) throw new Error(`npm install failed: ${install.stderr}`)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const RELEASE_YAML = [
  'workflows:',
  '  ios-release:',
  '    publishing:',
  '      app_store_connect:',
  '        submit_to_testflight: true',
  '        what_to_test: Try the release',
  '        beta_groups: [QA]',
  '        submit_to_app_store: true',
  '        whats_new: Bug fixes',
  '',
].join('\n')

const npx = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) =>
  run('npx', ['--no-install', 'ascent', ...args], { cwd: project, env: { ...env, ...extra } })

/** Bytes on disk under `path`; a symlink (node_modules/.bin/ascent) counts as itself, not its target. */
async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path)
  if (!info.isDirectory()) return info.size
  let total = 0
  for (const name of await readdir(path)) total += await sizeOf(join(path, name))
  return total
}

describe('npm run pack:cli', () => {
  it('prints the tarball’s absolute path last; installed, it brings ascent and nothing of the desktop app', async () => {
    expect(isAbsolute(tarball)).toBe(true)
    expect(basename(tarball)).toMatch(/^ascent-.*\.tgz$/)
    const installed = (await readdir(join(project, 'node_modules'))).filter((n) => !n.startsWith('.'))
    expect(installed).toEqual(['ascent-cli'])
    const bytes = await sizeOf(join(project, 'node_modules'))
    console.log(`installed CLI: ${(bytes / 1024 / 1024).toFixed(1)} MB on disk (target < 15 MB)`)
    expect(bytes).toBeLessThan(15 * 1024 * 1024)
  })

  it('--version prints the version of the package', async () => {
    const { version } = JSON.parse(await readFile(join(__dirname, '../../../package.json'), 'utf8')) as {
      version: string
    }
    const r = await npx(['--version'])
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('inspect and config check work from the installed package', async () => {
    const ipa = await makeIpa({}, dir)
    const inspected = await npx(['inspect', ipa, '--json'])
    expect(inspected.code).toBe(0)
    expect(JSON.parse(inspected.stdout)).toMatchObject({ kind: 'ipa', bundleId: 'com.example.ascent.demo' })

    const yaml = join(dir, 'codemagic.yaml')
    await writeFile(yaml, RELEASE_YAML)
    const valid = await npx(['config', 'check', yaml, '--json'])
    expect(valid.code).toBe(0)
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, errors: [] })
    await writeFile(yaml, RELEASE_YAML.replace('submit_to_app_store: true', 'release_type: SOON'))
    const invalid = await npx(['config', 'check', yaml, '--json'])
    expect(invalid.code).toBe(2)
    expect(JSON.parse(invalid.stdout)).toMatchObject({ valid: false })
  })

  it('without keytar, `keys add` names the missing keychain and the environment variables as the way', async () => {
    const p8 = join(dir, 'AuthKey_ABC123DEFG.p8')
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    await writeFile(p8, privateKey.export({ format: 'pem', type: 'pkcs8' }))
    const list = await npx(['keys', 'list', '--json'])
    expect(list).toMatchObject({ code: 0, stdout: '[]\n' })
    const add = await npx(['keys', 'add', '--name', 'CI', '--individual', '--private-key-path', p8])
    expect(add.code).toBe(2)
    expect(add.stderr.trim().split('\n')).toHaveLength(1)
    expect(add.stderr).toMatch(
      /no OS keychain: the keytar module is not installed.*APP_STORE_CONNECT_PRIVATE_KEY/,
    )
  })

  it('publishes a build to App Store review against `npx ascent sandbox`', { timeout: 120_000 }, async () => {
    // npx does not pass signals on to the command it runs: the sandbox gets a process group to be stopped with.
    const sandbox = spawn('npx', ['--no-install', 'ascent', 'sandbox', '--processing-ms', '50'], {
      cwd: project,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const closed = new Promise<void>((resolve) => sandbox.on('close', () => resolve()))
    let keyFile: string | undefined
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: sandbox.stdout }).once('line', resolve)
        sandbox.once('close', () => reject(new Error('ascent sandbox exited before printing its line')))
      })
      const info = JSON.parse(first) as {
        url: string
        keyId: string
        issuerId: string
        privateKeyPath: string
      }
      keyFile = info.privateKeyPath
      const ipa = await makeIpa({ buildNumber: '101' }, dir)
      const yaml = join(dir, 'release.yaml')
      await writeFile(yaml, RELEASE_YAML)

      const published = await npx(['publish', ipa, '--config', yaml, '--workflow', 'ios-release'], {
        ASCENT_API_URL: info.url,
        APP_STORE_CONNECT_KEY_IDENTIFIER: info.keyId,
        APP_STORE_CONNECT_ISSUER_ID: info.issuerId,
        APP_STORE_CONNECT_PRIVATE_KEY: `@file:${info.privateKeyPath}`,
      })

      expect(published.stderr).toBe('')
      expect(published.code).toBe(0)
      const state = (await (await fetch(`${info.url}/__sandbox/state`)).json()) as {
        reviewSubmissions: { state: string }[]
      }
      expect(state.reviewSubmissions.map((s) => s.state)).toContain('WAITING_FOR_REVIEW')
    } finally {
      if (sandbox.pid) process.kill(-sandbox.pid, 'SIGTERM')
    }
    await closed
    // Stopped cleanly: the sandbox removed the key it generated.
    expect(keyFile).toBeDefined()
    await expect(stat(keyFile ?? '')).rejects.toThrow(/ENOENT/)
  })
})
