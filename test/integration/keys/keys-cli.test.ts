import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import * as z from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AscentErrorShape } from '../../../shared/errors'
import { KeyMetadata } from '../../../shared/ipc'
import { KEYCHAIN_SERVICE } from '../../../electron/keys/keytar-store'
import { startAppleStub } from './apple-stub'
import { badKeyFiles, makeAscKey, pemBody } from './key-fixtures'
import {
  allFiles,
  bundle,
  ensureArtifactsDir,
  requireKeychain,
  run,
  runNode,
  tempDir,
  type RunResult,
} from './keys-support'

const exec = promisify(execFile)
const ISSUER = '3a1b2c3d-4e5f-47e3-e053-5b8c7c11a4d1'
/** A D-Bus address where nothing listens: what a headless box without a session bus looks like to libsecret. */
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/ascent-test-bus' }

let cli = ''
const outputs: string[] = []

beforeAll(async () => {
  await requireKeychain()
  await ensureArtifactsDir()
  cli = await bundle({ file: 'electron/cli/main.ts' })
})
afterAll(async () => {
  if (cli) await fs.rm(path.dirname(cli), { recursive: true, force: true })
})

async function ascent(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  const result = await runNode(cli, args, { env, input })
  outputs.push(result.stdout, result.stderr)
  return result
}

function oneLine(result: RunResult): string {
  const lines = result.stderr.split('\n').filter(Boolean)
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^ascent: /)
  return lines[0] ?? ''
}

async function keyringHas(keyId: string): Promise<boolean> {
  return exec('secret-tool', ['lookup', 'service', KEYCHAIN_SERVICE, 'account', keyId]).then(
    () => true,
    () => false,
  )
}

describe('ascent keys', () => {
  it('adds from a file, stdin and fastlane JSON, lists as JSON, tests, and removes; no output carries a key or a token', async () => {
    const dir = await tempDir('cli')
    const env = { ASCENT_CONFIG_DIR: path.join(dir, 'config'), ASCENT_API_URL: 'http://127.0.0.1:1' }
    const fromFile = makeAscKey()
    const fromStdin = makeAscKey()
    const fromJson = makeAscKey()
    const file = path.join(dir, `AuthKey_${fromFile.keyId}.p8`)
    await fs.writeFile(file, fromFile.pem)
    const json = path.join(dir, 'api_key.json')
    await fs.writeFile(json, JSON.stringify({ key_id: fromJson.keyId, issuer_id: ISSUER, key: fromJson.pem }))

    const added = await ascent(
      ['keys', 'add', '--name', 'File', '--issuer-id', ISSUER, '--private-key-path', file],
      env,
    )
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain(fromFile.keyId)
    const piped = await ascent(
      ['keys', 'add', '--name', 'Stdin', '--key-id', fromStdin.keyId, '--individual', '--private-key-stdin'],
      env,
      fromStdin.pem,
    )
    expect(piped.code, piped.stderr).toBe(0)
    const fastlane = await ascent(
      ['keys', 'add', '--name', 'Fastlane', '--fastlane-json', json, '--json'],
      env,
    )
    expect(fastlane.code, fastlane.stderr).toBe(0)
    expect(KeyMetadata.parse(JSON.parse(fastlane.stdout))).toMatchObject({
      name: 'Fastlane',
      keyId: fromJson.keyId,
    })

    const list = await ascent(['keys', 'list', '--json'], env)
    expect(list.code).toBe(0)
    const keys = z.array(KeyMetadata).parse(JSON.parse(list.stdout))
    expect(keys.map((k) => [k.name, k.keyId, k.issuerId])).toEqual([
      ['File', fromFile.keyId, ISSUER],
      ['Stdin', fromStdin.keyId, null],
      ['Fastlane', fromJson.keyId, ISSUER],
    ])
    for (const key of [fromFile, fromStdin, fromJson]) expect(await keyringHas(key.keyId)).toBe(true)
    const human = await ascent(['keys', 'list'], env)
    expect(human.stdout.split('\n').filter(Boolean)).toHaveLength(3)

    const stub = await startAppleStub([
      { keyId: fromFile.keyId, issuerId: ISSUER, pem: fromFile.pem, role: 'ADMIN' },
      { keyId: fromJson.keyId, issuerId: ISSUER, pem: fromJson.pem, role: 'ADMIN', revoked: true },
    ])
    try {
      const works = await ascent(['keys', 'test', fromFile.keyId], { ...env, ASCENT_API_URL: stub.url })
      expect(works.code, works.stderr).toBe(0)
      expect(works.stdout).toMatch(/works/)
      const refused = await ascent(['keys', 'test', fromJson.keyId, '--json'], {
        ...env,
        ASCENT_API_URL: stub.url,
      })
      expect(refused.code).toBe(4)
      expect(oneLine(refused)).toMatch(/revoked/)
      expect(KeyMetadata.parse(JSON.parse(refused.stdout)).lastError).toMatch(/revoked/)
      expect(stub.requests.filter((r) => r === 'GET /v1/apps?limit=1')).toHaveLength(2)
    } finally {
      await stub.close()
    }
    const afterTest = z
      .array(KeyMetadata)
      .parse(JSON.parse((await ascent(['keys', 'list', '--json'], env)).stdout))
    expect(afterTest[0]?.lastVerifiedAt).not.toBeNull()
    expect(afterTest[2]?.lastError).toMatch(/revoked/)

    for (const key of [fromFile, fromStdin, fromJson]) {
      const removed = await ascent(['keys', 'remove', key.keyId], env)
      expect(removed.code, removed.stderr).toBe(0)
      expect(await keyringHas(key.keyId)).toBe(false)
    }
    expect(JSON.parse((await ascent(['keys', 'list', '--json'], env)).stdout)).toEqual([])
    const again = await ascent(['keys', 'remove', fromFile.keyId], env)
    expect(again.code).toBe(2)
    expect(oneLine(again)).toContain(fromFile.keyId)

    const secrets = [fromFile, fromStdin, fromJson].map((k) => pemBody(k.pem).slice(0, 40))
    const files = (await allFiles(dir)).filter((f) => f.file.startsWith(env.ASCENT_CONFIG_DIR))
    for (const text of [...outputs, ...files.map((f) => f.bytes.toString('utf8'))]) {
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}/)
      expect(text).not.toMatch(/PRIVATE KEY/)
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })

  it('refuses bad input and bad key files with exit 2 and one line', async () => {
    const dir = await tempDir('cli-bad')
    const env = { ASCENT_CONFIG_DIR: path.join(dir, 'config') }
    const key = makeAscKey()
    const file = path.join(dir, `AuthKey_${key.keyId}.p8`)
    await fs.writeFile(file, key.pem)
    const cases: (readonly string[])[] = [
      ['keys', 'add', '--name', 'x', '--issuer-id', ISSUER],
      ['keys', 'add', '--name', 'x', '--private-key-path', file],
      ['keys', 'add', '--name', 'x', '--issuer-id', ISSUER, '--individual', '--private-key-path', file],
      [
        'keys',
        'add',
        '--name',
        'x',
        '--issuer-id',
        ISSUER,
        '--key-id',
        'ZZZZZZZZZZ',
        '--private-key-path',
        file,
      ],
      [
        'keys',
        'add',
        '--name',
        'x',
        '--issuer-id',
        ISSUER,
        '--private-key-path',
        path.join(dir, 'missing.p8'),
      ],
      ['keys', 'test', 'NOTSTORED1'],
    ]
    for (const args of cases) {
      const result = await ascent(args, env)
      expect(result.code, args.join(' ')).toBe(2)
      oneLine(result)
    }
    for (const bad of badKeyFiles()) {
      const badFile = path.join(dir, `AuthKey_${makeAscKey().keyId}.p8`)
      await fs.writeFile(badFile, bad.bytes)
      const result = await ascent(
        ['keys', 'add', '--name', bad.name, '--issuer-id', ISSUER, '--private-key-path', badFile],
        env,
      )
      expect(result.code, bad.name).toBe(2)
      expect(oneLine(result), bad.name).toMatch(bad.says)
    }
    expect(JSON.parse((await ascent(['keys', 'list', '--json'], env)).stdout)).toEqual([])
  })

  it('without a Secret Service: KEYCHAIN_UNAVAILABLE from the store, exit 2 and one line from the CLI, no plaintext anywhere', async () => {
    const dir = await tempDir('nobus')
    const configDir = path.join(dir, 'config')
    const key = makeAscKey()
    const file = path.join(dir, `AuthKey_${key.keyId}.p8`)
    await fs.writeFile(file, key.pem)

    const probe = await bundle({
      contents: `
        import { createKeytarStore } from './electron/keys/keytar-store'
        import { toErrorShape } from './shared/errors'
        const store = createKeytarStore()
        store.status().then(async (status) => {
          const error = await store.setSecret('${key.keyId}', 'x').then(() => null, (e) => toErrorShape(e))
          process.stdout.write('\\nRESULT ' + JSON.stringify({ status, error }) + '\\n')
        })`,
    })
    // No display either way, so gnome-keyring cannot pop up an unlock prompt and wait for a person.
    const headless = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined }
    const situations = [
      {
        what: 'a bus address where nothing listens',
        command: process.execPath,
        args: [probe],
        env: NO_BUS,
        says: /no OS keychain is reachable/,
      },
      {
        what: 'no session bus at all',
        command: process.execPath,
        args: [probe],
        env: { ...headless, DBUS_SESSION_BUS_ADDRESS: undefined },
        says: /no OS keychain is reachable/,
      },
      {
        // A fresh session bus: D-Bus starts gnome-keyring, whose login keyring is locked and cannot be unlocked.
        what: 'a locked keyring',
        command: 'dbus-run-session',
        args: ['--', process.execPath, probe],
        env: headless,
        says: /locked/,
      },
    ]
    try {
      for (const situation of situations) {
        const result = await run(situation.command, situation.args, { env: situation.env })
        const { status, error } = z
          .object({
            status: z.object({ available: z.boolean(), message: z.string().nullable() }),
            error: AscentErrorShape,
          })
          .parse(JSON.parse(/^RESULT (.*)$/m.exec(result.stdout)?.[1] ?? result.stdout))
        expect(status.available, situation.what).toBe(false)
        expect(error.code, situation.what).toBe('KEYCHAIN_UNAVAILABLE')
        expect(error.message, situation.what).toMatch(situation.says)
        expect(error.message, situation.what).toMatch(/gnome-keyring/)
        expect(error.message, situation.what).toMatch(/dbus-run-session/)
      }
    } finally {
      await fs.rm(path.dirname(probe), { recursive: true, force: true })
    }

    const env = { ...NO_BUS, ASCENT_CONFIG_DIR: configDir }
    const add = await ascent(
      ['keys', 'add', '--name', 'x', '--issuer-id', ISSUER, '--private-key-path', file],
      env,
    )
    expect(add.code).toBe(2)
    expect(oneLine(add)).toMatch(/keychain.*gnome-keyring/)
    const remove = await ascent(['keys', 'remove', key.keyId], env)
    expect(remove.code).toBe(2)
    expect(oneLine(remove)).toMatch(/keychain/)
    // Nothing was written in place of the keychain.
    await expect(fs.readdir(configDir)).rejects.toThrow()
    expect(await keyringHas(key.keyId)).toBe(false)
    // Listing reads only metadata, so it works without a keychain.
    const list = await ascent(['keys', 'list', '--json'], env)
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})
