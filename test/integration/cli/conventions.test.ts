import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeIpa } from '../../fixtures/build-factory'
import { CLI, runCli, sandboxCredentials } from '../../support/cli'
import { run } from '../../support/cli-package'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'

/** What every command does the same way: --quiet, colours only on a terminal, errors on stderr, completion. */

const ESC = '\u001b['

let dir: string
let sandbox: TestSandbox
let env: NodeJS.ProcessEnv
let builds = 300

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-conventions-'))
  sandbox = await startTestSandbox({ processingMs: 30, betaReviewMs: 60_000, reviewMs: 60_000 })
  env = {
    ...sandboxCredentials(sandbox),
    ASCENT_DATA_DIR: join(dir, 'data'),
    NO_COLOR: '',
  }
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

const publishArgs = async (): Promise<string[]> => [
  'publish',
  await makeIpa({ buildNumber: String(++builds) }, dir),
  '--beta-group',
  'QA',
]

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a shell would. */
async function onTerminal(args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  return run('script', ['-qec', quoted, '/dev/null'], { cwd: dir, env: { ...process.env, ...env, ...extra } })
}

describe('--quiet', () => {
  it('publishes with nothing on stdout; the exit code says it worked', async () => {
    const r = await runCli(['--quiet', ...(await publishArgs())], { env })
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' })
    const after = await runCli([...(await publishArgs()), '--quiet'], { env })
    expect(after).toMatchObject({ code: 0, stdout: '', stderr: '' })
  })

  it('still prints errors on stderr and data asked for with --json', async () => {
    const bad = await runCli(['inspect', join(dir, 'missing.ipa'), '--quiet'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toMatch(/^ascent: .*missing\.ipa: /)
    const data = await runCli(['--quiet', 'groups', 'com.example.ascent.demo', '--json'], { env })
    expect(data.code).toBe(0)
    expect(JSON.parse(data.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'QA' })]))
  })
})

describe('colours', () => {
  it('on a terminal, publish marks its steps in colour; with NO_COLOR or without a terminal, plain text', async () => {
    const coloured = await onTerminal(await publishArgs())
    expect(coloured.code).toBe(0)
    expect(coloured.stdout).toContain(`${ESC}32m✓`)

    const noColor = await onTerminal(await publishArgs(), { NO_COLOR: '1' })
    expect(noColor.code).toBe(0)
    expect(noColor.stdout).toContain('✓ preflight')
    expect(noColor.stdout).not.toContain(ESC)

    const piped = await runCli(await publishArgs(), { env })
    expect(piped.code).toBe(0)
    expect(piped.stdout).toContain('✓ preflight')
    expect(piped.stdout + piped.stderr).not.toContain(ESC)
  })
})

describe('ascent completion', () => {
  async function complete(words: readonly string[]): Promise<string[]> {
    const script = join(dir, 'ascent.bash')
    await writeFile(script, (await runCli(['completion', 'bash'])).stdout)
    const array = words.map((w) => `'${w}'`).join(' ')
    const r = await run(
      'bash',
      [
        '--norc',
        '-c',
        `source '${script}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _ascent; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { cwd: dir },
    )
    expect(r.stderr).toBe('')
    return r.stdout.split('\n').filter(Boolean)
  }

  it('bash completes commands, subcommands and each command’s own options from the same definitions as --help', async () => {
    const help = (await runCli(['--help'])).stdout
    const commands = [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help')
    expect(commands.length).toBeGreaterThan(8)
    expect(await complete(['ascent', ''])).toEqual(expect.arrayContaining(commands))
    expect(await complete(['ascent', 'pu'])).toEqual(['publish'])
    expect(await complete(['ascent', 'keys', ''])).toEqual(['add', 'list', 'test', 'remove'])
    expect(await complete(['ascent', 'publish', 'App.ipa', '--con'])).toEqual(['--config'])
    expect(await complete(['ascent', 'keys', 'add', '--private-key-'])).toEqual([
      '--private-key-path',
      '--private-key-stdin',
    ])
    expect(await complete(['ascent', 'inspect', '--'])).toEqual(
      expect.arrayContaining(['--json', '--quiet', '--help']),
    )
    await writeFile(join(dir, 'Release.ipa'), '')
    expect(await complete(['ascent', 'publish', 'Rel'])).toEqual(['Release.ipa'])
    expect(await complete(['ascent', 'publish', 'x', '--config', 'Rel'])).toEqual(['Release.ipa'])
  })

  it('zsh and fish get scripts for the same tree; an unknown shell is bad input', async () => {
    const zsh = await runCli(['completion', 'zsh'])
    expect(zsh.code).toBe(0)
    expect(zsh.stdout).toMatch(/^#compdef ascent\n/)
    expect((await run('bash', ['-n', '-c', zsh.stdout], { cwd: dir })).code).toBe(0)
    const fish = await runCli(['completion', 'fish'])
    expect(fish.code).toBe(0)
    const lines = fish.stdout.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(lines.every((l) => l.startsWith('complete -c ascent '))).toBe(true)
    expect(fish.stdout).toContain("-n '__fish_use_subcommand' -a 'publish'")
    expect(fish.stdout).toMatch(/-n '__fish_seen_subcommand_from publish' -l config -r /)
    expect(fish.stdout).toMatch(
      /-n '__fish_seen_subcommand_from keys; and not __fish_seen_subcommand_from add list test remove' -a 'add'/,
    )
    const bad = await runCli(['completion', 'tcsh'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('ascent: completion: no script for "tcsh"; choose bash, zsh or fish')
  })
})
