import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultReleaseSettings, type ReleaseSettings } from '../../../shared/release-settings'
import type { VersionRecord } from '../../../electron/publish/asc-gateway'
import {
  emptySteps,
  readAllJournals,
  readJournal,
  runDir,
  writeJournal,
  type RunJournal,
} from '../../../electron/publish/journal'
import { dateProblems, planVersion } from '../../../electron/publish/preflight'
import { createPublisher, isFinished, requiredSubsteps, runKeyOf } from '../../../electron/publish/publisher'

const settings = (s: Partial<ReleaseSettings> = {}): ReleaseSettings => ({ ...defaultReleaseSettings, ...s })
const version = (versionString: string, state: string, id = versionString): VersionRecord => ({
  id,
  versionString,
  platform: 'IOS',
  state,
  copyright: null,
  releaseType: 'MANUAL',
  earliestReleaseDate: null,
})

describe('planVersion: which version gets the build', () => {
  const cases: [string, VersionRecord[], boolean, string][] = [
    ['no versions: create', [], false, 'create'],
    ['only released ones: create', [version('1.0.0', 'READY_FOR_DISTRIBUTION')], false, 'create'],
    ['same string editable: update', [version('1.1.0', 'PREPARE_FOR_SUBMISSION')], false, 'update 1.1.0'],
    ['same string rejected: update', [version('1.1.0', 'DEVELOPER_REJECTED')], false, 'update 1.1.0'],
    ['another open version: rename', [version('1.0.5', 'PREPARE_FOR_SUBMISSION')], false, 'rename 1.0.5'],
    [
      'same string in review, no cancel: refuse',
      [version('1.1.0', 'WAITING_FOR_REVIEW')],
      false,
      'VERSION_IN_REVIEW',
    ],
    [
      'same string in review, cancel: update after cancel',
      [version('1.1.0', 'IN_REVIEW')],
      true,
      'update 1.1.0',
    ],
    [
      'other in review, no cancel: refuse',
      [version('1.0.1', 'WAITING_FOR_REVIEW')],
      false,
      'VERSION_IN_REVIEW',
    ],
    [
      'other in review, cancel: rename after cancel',
      [version('1.0.1', 'WAITING_FOR_REVIEW')],
      true,
      'rename 1.0.1',
    ],
    [
      'pending developer release: locked',
      [version('1.0.1', 'PENDING_DEVELOPER_RELEASE')],
      true,
      'VERSION_LOCKED',
    ],
    [
      'same string released: raise the version',
      [version('1.1.0', 'READY_FOR_DISTRIBUTION')],
      false,
      'VERSION_RELEASED',
    ],
  ]
  for (const [name, versions, canCancel, expected] of cases) {
    it(name, () => {
      const r = planVersion('1.1.0', versions, canCancel)
      const got =
        'problem' in r
          ? r.problem.code
          : r.plan.kind === 'update'
            ? `${r.plan.rename ? 'rename' : 'update'} ${r.plan.version.versionString}`
            : r.plan.kind
      expect(got).toBe(expected)
    })
  }
})

describe('dateProblems: judged by the given (server) clock', () => {
  const now = Date.parse('2030-06-01T12:00:00Z')
  it('accepts a future hour with SCHEDULED', () => {
    expect(
      dateProblems(settings({ releaseType: 'SCHEDULED', earliestReleaseDate: '2030-06-01T13:00:00Z' }), now),
    ).toEqual([])
  })
  it('refuses the current hour and the past', () => {
    expect(
      dateProblems(
        settings({ releaseType: 'SCHEDULED', earliestReleaseDate: '2030-06-01T12:00:00Z' }),
        now,
      ).map((p) => p.code),
    ).toEqual(['RELEASE_DATE_PAST'])
    expect(
      dateProblems(
        settings({ releaseType: 'SCHEDULED', earliestReleaseDate: '2030-06-01T13:00:00+02:00' }),
        now,
      ).map((p) => p.code),
    ).toEqual(['RELEASE_DATE_PAST'])
  })
  it('needs a date with SCHEDULED and SCHEDULED with a date', () => {
    expect(dateProblems(settings({ releaseType: 'SCHEDULED' }), now).map((p) => p.code)).toEqual([
      'RELEASE_DATE_MISSING',
    ])
    expect(
      dateProblems(settings({ earliestReleaseDate: '2031-01-01T00:00:00Z' }), now).map((p) => p.code),
    ).toEqual(['RELEASE_DATE_WITHOUT_SCHEDULED'])
  })
})

describe('run identity and completion', () => {
  const build = { bundleId: 'com.example.app', platform: 'IOS', version: '1.0', buildNumber: '7' } as const
  it('same build and settings give the same key wherever the file is; any change gives another', () => {
    const key = runKeyOf(build, settings({ betaGroups: ['QA'] }))
    expect(runKeyOf({ ...build }, settings({ betaGroups: ['QA'] }))).toBe(key)
    expect(runKeyOf({ ...build, buildNumber: '8' }, settings({ betaGroups: ['QA'] }))).not.toBe(key)
    expect(runKeyOf({ ...build, platform: 'MAC_OS' }, settings({ betaGroups: ['QA'] }))).not.toBe(key)
    expect(runKeyOf(build, settings({ betaGroups: ['QA', 'Core Team'] }))).not.toBe(key)
  })
  it('requires exactly the sub-steps the settings ask for', () => {
    expect(requiredSubsteps(settings())).toEqual(['upload', 'processing', 'export-compliance'])
    expect(requiredSubsteps(settings({ submitToAppStore: true, phasedRelease: null }))).not.toContain(
      'phased-release',
    )
    expect(requiredSubsteps(settings({ submitToAppStore: true, phasedRelease: false }))).toContain(
      'phased-release',
    )
    expect(requiredSubsteps(settings({ submitToAppStore: true }))).not.toContain('metadata')
    expect(requiredSubsteps(settings({ submitToAppStore: true, metadataPath: '/work/fastlane' }))).toContain(
      'metadata',
    )
    expect(
      requiredSubsteps(settings({ submitToTestflight: true, expireBuildSubmittedForReview: true })),
    ).toEqual(['upload', 'processing', 'export-compliance', 'expire-previous', 'beta-review'])
  })
})

describe('journal', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  function journal(runId: string, startedAt: string): RunJournal {
    return {
      schema: 1,
      runId,
      runKey: 'k',
      file: { path: '/b/App.ipa', name: 'App.ipa', sizeBytes: 1, mtimeMs: 1 },
      settings: settings({ betaGroups: ['QA'] }),
      options: { uploadMethod: 'api', processingTimeoutMs: 0 },
      build: {
        file: '/b/App.ipa',
        kind: 'ipa',
        bundleId: 'com.example.app',
        version: '1.0',
        buildNumber: '1',
        platform: 'IOS',
        minimumOSVersion: null,
        deviceFamilies: [],
        sizeBytes: 1,
        profile: null,
        extensions: [],
        frameworks: [],
        problems: [],
      },
      pid: null,
      startedAt,
      finishedAt: null,
      outcome: null,
      message: null,
      steps: emptySteps(),
      substeps: {},
      ids: {},
      links: [],
      requests: 0,
    }
  }

  it('writes atomically, reads back, lists newest first and skips damaged files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ascent-journal-'))
    await writeJournal(dir, journal('20260101T000000Z-aaaaaa', '2026-01-01T00:00:00.000Z'))
    const later = journal('20260102T000000Z-bbbbbb', '2026-01-02T00:00:00.000Z')
    later.substeps.upload = { status: 'done', at: '2026-01-02T00:00:01.000Z', note: 'uploaded' }
    later.outcome = 'uploaded'
    await writeJournal(dir, later)
    await writeJournal(dir, later)
    expect(await readdir(runDir(dir, later.runId))).toEqual(['journal.json'])
    expect((await readJournal(dir, later.runId))?.substeps.upload?.note).toBe('uploaded')
    const { writeFile, mkdir } = await import('node:fs/promises')
    await mkdir(runDir(dir, 'broken'), { recursive: true })
    await writeFile(join(runDir(dir, 'broken'), 'journal.json'), '{"schema": 1, "runId": ')
    expect((await readAllJournals(dir)).map((j) => j.runId)).toEqual([later.runId, '20260101T000000Z-aaaaaa'])
    expect(isFinished(later)).toBe(false) // processing and export compliance are not done
  })

  it('fsyncs the temp journal before renaming it into place', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ascent-journal-'))
    const probe = await open(join(dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> }
    await probe.close()
    const sync = vi.spyOn(proto, 'sync')
    try {
      await writeJournal(dir, journal('20260101T000000Z-aaaaaa', '2026-01-01T00:00:00.000Z'))
      expect(sync).toHaveBeenCalledTimes(1)
    } finally {
      sync.mockRestore()
    }
  })

  it('History shows a damaged journal as a failed run saying what to do', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ascent-journal-'))
    await writeJournal(dir, journal('20260101T000000Z-aaaaaa', '2026-01-01T00:00:00.000Z'))
    const broken = runDir(dir, '20260103T101500Z-cccccc')
    await mkdir(broken, { recursive: true })
    await writeFile(join(broken, 'journal.json'), '{"schema": 1, "runId": ')
    await mkdir(runDir(dir, '20260104T000000Z-dddddd'), { recursive: true }) // being created: no journal yet
    const publisher = createPublisher({
      dataDir: dir,
      credentials: () => Promise.reject(new Error('not used')),
      uploaderFactory: { create: () => Promise.reject(new Error('not used')) } as never,
      inspect: () => Promise.reject(new Error('not used')),
    })
    const runs = await publisher.listRuns()
    expect(runs.map((r) => [r.runId, r.outcome])).toEqual([
      ['20260103T101500Z-cccccc', 'failed'],
      ['20260101T000000Z-aaaaaa', 'interrupted'],
    ])
    expect(runs[0]).toMatchObject({
      message: `damaged journal: ${join(broken, 'journal.json')}; delete the folder to forget it`,
      startedAt: '2026-01-03T10:15:00.000Z',
      resumable: false,
    })
  })

  it('refuses a run id that could leave the runs folder', () => {
    expect(() => runDir('/data', '../etc')).toThrow(/not a run id/)
  })
})
