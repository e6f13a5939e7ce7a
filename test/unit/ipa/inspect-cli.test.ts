import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildCli } from '../../../scripts/build-cli.mjs'
import { BuildSummary } from '../../../shared/build-summary'
import { makeBadInput, makeIpa, makePkg, type BadInputKind } from '../../fixtures/build-factory'
import { useTempDir } from './temp-dir'

const tempDir = useTempDir()
let cli = ''
let out = ''

// The same bundle scripts/build-cli.mjs makes, written to a private path so parallel test files never race on dist-cli/;
// into a folder that does not exist yet, as dist-cli/ in a fresh clone.
beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'ascent-cli-'))
  cli = path.join(out, 'dist-cli', 'ascent.cjs')
  await buildCli({ outfile: cli })
})

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true })
})

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('ascent inspect', () => {
  test('--json prints exactly one BuildSummary object and exits 0', async () => {
    const file = await makeIpa({}, await tempDir())
    const { code, stdout, stderr } = await run(['inspect', file, '--json'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
    const summary = BuildSummary.parse(JSON.parse(stdout))
    expect(summary).toMatchObject({
      file,
      kind: 'ipa',
      bundleId: 'com.example.ascent.demo',
      version: '1.1.0',
      buildNumber: '100',
      problems: [],
    })
  })

  test('without --json prints a short aligned summary, problems included; a readable build with problems still exits 0', async () => {
    const file = await makeIpa({ profileType: 'ad-hoc' }, await tempDir())
    const { code, stdout } = await run(['inspect', file])
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^App {9}Ascent Demo {2}com\.example\.ascent\.demo$/)
    expect(lines).toContain('Version     1.1.0 (100)')
    expect(stdout).toMatch(/^Profile {5}ad-hoc /m)
    expect(stdout).toMatch(/^ {2}error {4}PROFILE_NOT_APP_STORE: /m)
  })

  test('a .pkg inspects too', async () => {
    const { code, stdout } = await run(['inspect', await makePkg({}, await tempDir()), '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'pkg', platform: 'MAC_OS' })
  })

  test.each<BadInputKind>([
    'not-a-zip',
    'empty',
    'truncated',
    'zip-bomb-declared',
    'path-traversal',
    'corrupt-plist',
    'profile-without-content',
    'directory',
    'missing',
    'zipped-app',
  ])('%s exits 2 with one line naming the file, no stack', async (kind) => {
    const file = await makeBadInput(kind, await tempDir())
    const { code, stdout, stderr } = await run(['inspect', file, '--json'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.endsWith('\n')).toBe(true)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(stderr.startsWith(`ascent: ${file}: `)).toBe(true)
    expect(stderr).not.toMatch(/\bat .*\.(c?js|ts):\d+/)
  })
})
