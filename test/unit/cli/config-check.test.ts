import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../support/cli'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ascent-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

describe('ascent config check', () => {
  it('exits 0 and says valid for a good file', async () => {
    const path = await file(
      'ok.yaml',
      'workflows:\n  w:\n    publishing:\n      app_store_connect:\n        auth: integration\n        release_type: MANUAL\n',
    )
    const result = await runCli(['config', 'check', path, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, errors: [] })
  })

  it('exits 2 with every error as { path, message }', async () => {
    const path = await file(
      'bad.yaml',
      'workflows:\n  w:\n    publishing:\n      app_store_connect:\n        release_type: NOPE\n        submit_to_testfligth: true\n',
    )
    const result = await runCli(['config', 'check', path, '--json'])
    expect(result.code).toBe(2)
    const out = JSON.parse(result.stdout) as { valid: boolean; errors: { path: string; message: string }[] }
    expect(out.valid).toBe(false)
    expect(out.errors.map((e) => e.path)).toEqual([
      'workflows.w.publishing.app_store_connect.release_type',
      'workflows.w.publishing.app_store_connect.submit_to_testfligth',
    ])
  })

  it('prints human errors on stderr without --json', async () => {
    const path = await file(
      'bad.yaml',
      'workflows:\n  w:\n    publishing:\n      app_store_connect:\n        phased_release: sometimes\n',
    )
    const result = await runCli(['config', 'check', path])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('phased_release: must be true or false')
  })

  it('chooses a workflow with --workflow', async () => {
    const text =
      'workflows:\n  a:\n    publishing:\n      app_store_connect:\n        release_type: NOPE\n  b:\n    publishing:\n      app_store_connect:\n        submit_to_testflight: true\n'
    const path = await file('two.yaml', text)
    expect((await runCli(['config', 'check', path])).code).toBe(2)
    expect((await runCli(['config', 'check', path, '--workflow', 'b'])).code).toBe(0)
  })

  it.each([
    ['a missing file', async () => join(dir, 'nope.yaml'), /no such file/],
    [
      'a directory',
      async () => {
        const d = join(dir, 'sub')
        await mkdir(d)
        return d
      },
      /is a directory/,
    ],
  ])('refuses %s with one line and exit 2', async (_name, make, reason) => {
    const path = await make()
    const result = await runCli(['config', 'check', path])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(reason)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('reads merge keys (<<: *anchor) as Codemagic does: shared settings count, and their errors are found', async () => {
    const text = [
      'definitions:',
      '  asc: &asc',
      '    auth: integration',
      '    submit_to_testflight: true',
      '    beta_groups: [QA]',
      '  base: &base',
      '    publishing:',
      '      app_store_connect:',
      '        <<: *asc',
      '        release_type: after_approval',
      'workflows:',
      '  ios:',
      '    publishing:',
      '      app_store_connect:',
      '        <<: *asc',
      '        submit_to_app_store: true',
      '  tvos:',
      '    <<: *base',
      '    name: tvOS release',
      '',
    ].join('\n')
    const path = await file('merge.yaml', text)
    const ios = await runCli(['config', 'check', path, '--workflow', 'ios', '--json'])
    expect(JSON.parse(ios.stdout)).toMatchObject({ valid: true, errors: [] })
    expect(ios.code).toBe(0)
    const tvos = await runCli(['config', 'check', path, '--workflow', 'tvos'])
    expect(tvos.stderr).toBe('')
    expect(tvos.code).toBe(0)
    // Without --workflow both are named: the merged-in section counts as one.
    expect((await runCli(['config', 'check', path])).stderr).toContain('(ios, tvos)')

    const bad = await file('merge-bad.yaml', text.replace('beta_groups: [QA]', 'beta_groups: QA'))
    const result = await runCli(['config', 'check', bad, '--workflow', 'ios', '--json'])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout).errors).toEqual([
      expect.objectContaining({ path: 'workflows.ios.publishing.app_store_connect.beta_groups' }),
    ])
  })

  it('refuses release notes YAML reads as a number (1.10 would be sent as "1.1"), naming the fix', async () => {
    const one = await file('number.yaml', 'submit_to_app_store: true\nwhats_new: 1.10\n')
    const result = await runCli(['config', 'check', one, '--json'])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout).errors).toEqual([
      { path: 'app_store_connect.whats_new', message: 'must be text (put it in quotes), found 1.1' },
    ])
    const perLocale = await file(
      'per-locale.yaml',
      'submit_to_app_store: true\nwhats_new:\n  en-US: Faster sync.\n  de-DE: 2.0\n',
    )
    const map = await runCli(['config', 'check', perLocale, '--json'])
    expect(map.code).toBe(2)
    expect(JSON.parse(map.stdout).errors).toEqual([
      { path: 'app_store_connect.whats_new.de-DE', message: 'must be text (put it in quotes), found 2' },
    ])
    const quoted = await file('quoted.yaml', 'submit_to_app_store: true\nwhats_new: "1.10"\n')
    expect((await runCli(['config', 'check', quoted])).code).toBe(0)
  })

  it('refuses an empty copyright or What to Test (nothing to send is not a way to clear it)', async () => {
    const path = await file('empty.yaml', 'submit_to_app_store: true\ncopyright: ""\nwhat_to_test: "  "\n')
    const result = await runCli(['config', 'check', path, '--json'])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout).errors).toEqual([
      {
        path: 'app_store_connect.copyright',
        message: 'is empty: write the copyright line (e.g. 2031 Example Inc.), or leave it out',
      },
      {
        path: 'app_store_connect.what_to_test',
        message: 'is empty: write the notes for testers, or leave it out',
      },
    ])
    const flag = await runCli(['publish', path, '--app-store', '--copyright', '', '--plan'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--copyright: is empty: write the copyright line')
  })

  it('reports malformed YAML with its line, exit 2, no stack', async () => {
    const path = await file('broken.yaml', 'workflows:\n  w:\n    publishing: [\n')
    const result = await runCli(['config', 'check', path, '--json'])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout).errors[0].message).toMatch(/line \d+, column \d+/)
  })
})
