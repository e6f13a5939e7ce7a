import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ascKeyEnv } from '../keys/key-fixtures'
import { runCli, type CliResult } from '../../support/cli'

/**
 * Bad input the way a person or a CI script meets it, through the built CLI: every case ends with exit 2
 * and one short line that names the thing, quotes nothing unprintable and never says "undefined". The heap
 * is capped at 256 MiB: a CLI that read /dev/zero or a 50 MB file whole would crash instead.
 */

let dir: string
let env: NodeJS.ProcessEnv
let fifo: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-bad-input-'))
  env = {
    ASCENT_DATA_DIR: join(dir, 'data'),
    ASCENT_CONFIG_DIR: join(dir, 'config'),
    NODE_OPTIONS: '--max-old-space-size=256',
  }
  fifo = join(dir, 'pipe')
  // A FIFO nobody writes to: reading it would wait forever.
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
  await writeFile(
    join(dir, 'binary.yaml'),
    Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256)),
  )
  await writeFile(join(dir, 'huge.yaml'), '')
  await truncate(join(dir, 'huge.yaml'), 50_000_000) // sparse: 50 MB without writing them
  await writeFile(
    join(dir, 'bomb.yaml'),
    [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefghi'.split('').map(
        (n, i) =>
          `${n}: &${n} [${Array(9)
            .fill('*' + 'abcdefghi'[i])
            .join(', ')}]`,
      ),
    ].join('\n'),
  )
  await writeFile(join(dir, 'unknown-anchor.yaml'), 'workflows:\n  ios:\n    publishing: *nowhere\n')
  await writeFile(join(dir, 'deep.yaml'), '['.repeat(500_000))
  await writeFile(join(dir, 'dashes.yaml'), '- '.repeat(300_000))
  await writeFile(join(dir, 'string-groups.yaml'), 'beta_groups: "QA team"\nsubmit_to_testflight: true\n')
  await writeFile(join(dir, 'empty-group.yaml'), 'beta_groups: ["QA", ""]\nsubmit_to_testflight: true\n')
  await writeFile(join(dir, 'no-bundle-id.json'), JSON.stringify({ apps: [{ name: 'X' }] }))
  await writeFile(join(dir, 'junk.json'), '{"apps": [' + '\u0001'.repeat(10) + 'x'.repeat(5000))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function expectBadInput(result: CliResult, message: RegExp): void {
  expect(result.stderr).toMatch(message)
  expect(result.code).toBe(2)
  expect(result.stderr.length).toBeLessThan(600)
  expect(result.stderr).not.toMatch(/undefined|Maximum call stack|at .*\.cjs/)
  // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
  expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000e-\u001f]/)
}

describe('config check: files that are not a codemagic.yaml', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', /: is a device, not a codemagic\.yaml$/m],
    ['a FIFO with no writer', () => fifo, /: is a pipe \(FIFO\), not a codemagic\.yaml$/m],
    ['a directory', () => dir, /: is a directory, not a codemagic\.yaml$/m],
    [
      'a 50 MB file',
      () => join(dir, 'huge.yaml'),
      /is too big to be a codemagic\.yaml: 50\.0 MB, at most 1\.0 MB/,
    ],
    ['binary junk', () => join(dir, 'binary.yaml'), /holds binary data, not a codemagic\.yaml/],
    ['an alias bomb', () => join(dir, 'bomb.yaml'), /\(file\): is not valid YAML: Excessive alias count/],
    [
      'an alias to an undefined anchor',
      () => join(dir, 'unknown-anchor.yaml'),
      /\(file\): is not valid YAML: Unresolved alias .*nowhere/,
    ],
    ['500,000 open brackets', () => join(dir, 'deep.yaml'), /nests deeper than 100 levels/],
    ['300,000 nested dashes', () => join(dir, 'dashes.yaml'), /nests deeper than 100 levels/],
    [
      'beta_groups as one string',
      () => join(dir, 'string-groups.yaml'),
      /beta_groups: must be a list of beta group names, e\.g\. beta_groups: \["QA team"\]/,
    ],
    ['an empty beta group name', () => join(dir, 'empty-group.yaml'), /beta_groups: entry 2 is empty/],
  ])('%s: exit 2, one short line', async (_name, file, message) => {
    const result = await runCli(['config', 'check', file()], { env })
    expectBadInput(result, message)
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(4)
  })

  it('--workflow "" is an error, not "no workflow given"', async () => {
    expectBadInput(
      await runCli(['config', 'check', join(dir, 'string-groups.yaml'), '--workflow', ''], { env }),
      /--workflow is empty/,
    )
  })

  it('publish --config maps the same files to exit 2', async () => {
    for (const file of [fifo, join(dir, 'bomb.yaml'), join(dir, 'deep.yaml')]) {
      expectBadInput(await runCli(['publish', join(dir, 'App.ipa'), '--config', file], { env }), /.+/)
    }
  })
})

describe('numeric options: whole numbers in range, the same rule in every command', () => {
  it.each([
    ['sandbox', '--port', '1.5'],
    ['sandbox', '--port', ''],
    ['sandbox', '--faults', ''],
    ['sandbox', '--processing-ms', '-1'],
    ['sandbox', '--latency-ms', '0.3'],
    ['sandbox', '--latency-ms', '60001'],
    ['web', '--port', ''],
  ])('%s %s "%s" exits 2', async (command, flag, value) => {
    const result = await runCli([command, `${flag}=${value}`], { env })
    expectBadInput(result, new RegExp(`${flag} must be a (whole )?number from`))
  })

  // The fault generator keeps 32 bits of its seed: 2^32 would quietly be seed 0 again.
  it.each([
    ['--fault-seed', '4294967296', '0 to 4294967295'],
    ['--fault-seed', '-1', '0 to 4294967295'],
    ['--fault-seed', '1.5', '0 to 4294967295'],
    ['--fault-seed', '1e3', '0 to 4294967295'],
    ['--fault-seed', 'NaN', '0 to 4294967295'],
    ['--faults', '1.5', '0 to 1'],
    ['--faults', '-0.1', '0 to 1'],
    ['--faults', '1e-1', '0 to 1'],
    ['--faults', 'NaN', '0 to 1'],
    ['--port', '65536', '0 to 65535'],
    ['--port', '1e3', '0 to 65535'],
    ['--processing-ms', '3600001', '0 to 3600000'],
    ['--review-ms', 'Infinity', '0 to 3600000'],
    ['--beta-review-ms', '-5', '0 to 3600000'],
    ['--part-size', '1023', '1024 to'],
    ['--part-size', '1e6', '1024 to'],
    ['--latency-ms', '0x10', '0 to 60000'],
  ])('sandbox %s "%s" exits 2 naming the range (%s)', async (flag, value, range) => {
    // With a valid --faults beside it, so only the value under test can be refused.
    const others = flag === '--faults' ? [] : ['--faults=0.1']
    const result = await runCli(['sandbox', ...others, `${flag}=${value}`], { env })
    expectBadInput(result, new RegExp(`^ascent: ${flag} must be a (whole )?number from ${range}`))
  })

  it('sandbox --fault-seed without --faults says it seeds nothing (exit 2)', async () => {
    expectBadInput(
      await runCli(['sandbox', '--fault-seed', '7'], { env }),
      /^ascent: --fault-seed seeds the faults --faults RATE injects: give --faults too/,
    )
  })

  it.each([
    [['publish', 'App.ipa', '--testflight', '--processing-timeout', '1.5'], '--processing-timeout'],
    [['publish', 'App.ipa', '--testflight', '--processing-timeout', '-1'], '--processing-timeout'],
    [['publish', 'App.ipa', '--testflight', '--processing-timeout', '1e3'], '--processing-timeout'],
    [['publish', 'App.ipa', '--testflight', '--processing-timeout', 'NaN'], '--processing-timeout'],
    [['publish', 'App.ipa', '--testflight', '--processing-timeout', '604801'], '--processing-timeout'],
    [['upload', 'App.ipa', '--concurrency', '2.5'], '--concurrency'],
  ])('%j exits 2', async (args, flag) => {
    expectBadInput(await runCli(args, { env, cwd: dir }), new RegExp(`${flag} must be a whole number from`))
  })
})

describe('seed files and keys', () => {
  it('a seed without a bundle id says what is missing', async () => {
    expectBadInput(
      await runCli(['sandbox', '--seed', join(dir, 'no-bundle-id.json')], { env }),
      /no-bundle-id\.json: apps\.0\.bundleId: is missing \(expected text\)/,
    )
  })

  it.each([
    ['/dev/zero', () => '/dev/zero', /is a device, not a seed file/],
    ['a FIFO', () => fifo, /is a pipe \(FIFO\), not a seed file/],
    ['junk JSON', () => join(dir, 'junk.json'), /not valid JSON/],
  ])('a seed that is %s exits 2', async (_name, file, message) => {
    expectBadInput(await runCli(['sandbox', '--seed', file()], { env }), message)
  })

  it.each([
    ['/dev/zero', () => '/dev/zero', /is a device/],
    ['a FIFO', () => fifo, /is a pipe \(FIFO\)/],
    [
      'a 50 MB file',
      () => join(dir, 'huge.yaml'),
      /is too big to be an App Store Connect key \(\.p8\): 50\.0 MB/,
    ],
  ])('APP_STORE_CONNECT_PRIVATE_KEY=@file: naming %s exits 2', async (_name, file, message) => {
    const result = await runCli(['groups', 'com.example.x', '--api-url', 'http://127.0.0.1:9'], {
      env: { ...env, ...ascKeyEnv(`@file:${file()}`) },
    })
    expectBadInput(result, message)
  })

  it('keys add --private-key-stdin stops reading a stream far bigger than a key', async () => {
    const result = await runCli(
      ['keys', 'add', '--name', 'big', '--key-id', 'ABCDE12345', '--individual', '--private-key-stdin'],
      { env, input: 'x'.repeat(2_000_000) },
    )
    expectBadInput(result, /standard input is larger than an App Store Connect key/)
  })
})
