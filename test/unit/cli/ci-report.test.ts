import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { ciSummaryMarkdown, writeCiReport } from '../../../electron/cli/ci-report'

const run: RunRecord = {
  runId: '20261207T070000Z-abcdef',
  fileName: 'App|<b>.ipa',
  bundleId: 'com.example.app',
  version: '2.0',
  buildNumber: '7',
  platform: 'IOS',
  startedAt: '2026-12-07T07:00:00.000Z',
  finishedAt: '2026-12-07T07:01:00.000Z',
  outcome: 'failed',
  message: 'Failed at preflight',
  steps: [
    {
      step: 'preflight',
      status: 'failed',
      summary: null,
      startedAt: null,
      finishedAt: null,
      error: {
        code: 'PREFLIGHT_FAILED',
        message: 'group "<img src=x onerror=alert(1)>" | not found\nsecond line',
      },
    },
  ],
  links: [],
  resumable: true,
  appName: '*Evil* [app](https://example.com)',
}

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the GitHub job summary', () => {
  it('keeps names and Apple’s words as text: no HTML, no links, no broken table rows', () => {
    const md = ciSummaryMarkdown(run, null)
    expect(md).not.toContain('<img')
    expect(md).not.toContain('<b>')
    expect(md).toContain('| App | \\*Evil\\* \\[app\\](https://example.com) (com.example.app) |')
    const row = md.split('\n').find((l) => l.startsWith('| preflight |'))
    expect(row).toBe(
      '| preflight | ❌ failed | group "&lt;img src=x onerror=alert(1)&gt;" \\| not found second line (PREFLIGHT\\_FAILED) |',
    )
    expect(md).toContain('### ❌ Ascent: publish failed')
  })

  it('links the pages of App Store Connect for a run against Apple, and none for a sandbox run', () => {
    const links = [
      { label: 'Build', url: 'https://appstoreconnect.apple.com/apps/1/testflight/ios/b1' },
      { label: 'App Store', url: 'https://appstoreconnect.apple.com/apps/1/distribution' },
    ]
    const apple = ciSummaryMarkdown({ ...run, links }, null)
    expect(apple).toContain(
      '**App Store Connect:** [Build](https://appstoreconnect.apple.com/apps/1/testflight/ios/b1) · [App Store](https://appstoreconnect.apple.com/apps/1/distribution)',
    )
    expect(ciSummaryMarkdown({ ...run, links, sandbox: true }, null)).not.toContain(
      'appstoreconnect.apple.com',
    )
  })

  it('appends to the runner’s files and writes nothing when they are not named', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ascent-ci-report-'))
    const summary = join(dir, 'summary.md')
    const output = join(dir, 'output')
    await writeFile(summary, 'before\n')
    await writeFile(output, 'other=1\n')
    const warnings: string[] = []
    await writeCiReport(run, null, { GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output }, (w) =>
      warnings.push(w),
    )
    expect(await readFile(summary, 'utf8')).toMatch(/^before\n### ❌/)
    expect(await readFile(output, 'utf8')).toBe(
      'other=1\nrun-id=20261207T070000Z-abcdef\noutcome=failed\nbuild-id=\nversion-id=\nsubmission-id=\nbeta-review-submission-id=\n',
    )
    await writeCiReport(run, null, { GITHUB_OUTPUT: join(dir, 'missing', 'output') }, (w) => warnings.push(w))
    expect(warnings).toEqual([
      expect.stringMatching(/^could not write the step outputs to .*missing\/output: ENOENT/),
    ])
  })
})
