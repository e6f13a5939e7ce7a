import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import type { ErrorCode } from '../../../shared/errors'
import { defaultReleaseSettings } from '../../../shared/release-settings'
import { postponedSteps, exitCodeForRun } from '../../../electron/cli/commands/publish'
import { emptySteps } from '../../../electron/publish/journal'

function run(outcome: RunRecord['outcome'], failedCode?: ErrorCode): RunRecord {
  return {
    runId: 'r',
    fileName: 'App.ipa',
    bundleId: 'b',
    version: '1',
    buildNumber: '1',
    platform: 'IOS',
    startedAt: '',
    finishedAt: null,
    outcome,
    message: null,
    steps: emptySteps().map((s) =>
      failedCode && s.step === 'upload'
        ? { ...s, status: 'failed' as const, error: { code: failedCode, message: 'x' } }
        : s,
    ),
    links: [],
    resumable: false,
  }
}

describe('ascent publish exit codes', () => {
  it.each([
    ['published', undefined, 0],
    ['testflight', undefined, 0],
    ['uploaded', undefined, 0],
    ['canceled', undefined, 5],
    ['interrupted', undefined, 5],
    ['failed', 'PREFLIGHT_FAILED', 3],
    ['failed', 'ASC_ERROR', 4],
    ['failed', 'FORBIDDEN', 4],
    ['failed', 'NETWORK', 4],
    ['failed', 'BAD_BUILD', 2],
    ['failed', 'NO_CREDENTIALS', 2],
  ] as const)('%s %s → %i', (outcome, code, exit) => {
    expect(exitCodeForRun(run(outcome, code))).toBe(exit)
  })
})

describe('ascent publish exit code when steps were postponed (processing timeout 0)', () => {
  const postponedRun = (): RunRecord => ({
    ...run('uploaded'),
    steps: emptySteps().map((s) =>
      s.step === 'preflight' || s.step === 'upload'
        ? { ...s, status: 'done' as const }
        : s.step === 'processing' || s.step === 'testflight'
          ? { ...s, status: 'pending' as const }
          : { ...s, status: 'skipped' as const },
    ),
  })
  const finished = (): RunRecord => ({
    ...run('uploaded'),
    steps: emptySteps().map((s) => ({ ...s, status: 'done' as const })),
  })

  it('exits 5 when TestFlight was requested and steps wait for a later run', () => {
    const settings = { ...defaultReleaseSettings, submitToTestflight: true }
    expect(postponedSteps(postponedRun(), settings)).toEqual(['processing', 'testflight'])
    expect(exitCodeForRun(postponedRun(), settings)).toBe(5)
  })
  it('exits 5 when App Store review was requested and steps wait for a later run', () => {
    expect(exitCodeForRun(postponedRun(), { ...defaultReleaseSettings, submitToAppStore: true })).toBe(5)
  })
  it('exits 0 for an upload-only run', () => {
    expect(exitCodeForRun(postponedRun(), defaultReleaseSettings)).toBe(0)
  })
  it('exits 0 when every requested step is done', () => {
    expect(exitCodeForRun(finished(), { ...defaultReleaseSettings, submitToTestflight: true })).toBe(0)
  })
})
