import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import type { ErrorCode } from '../../../shared/errors'
import { exitCodeForRun } from '../../../electron/cli/commands/publish'
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
