import { describe, expect, it } from 'vitest'
import type { BuildSummary } from '../../../shared/build-summary'
import type { AppInfo, BetaGroup, FileRef, KeyMetadata, PublishPlan, RunRecord } from '../../../shared/ipc'
import {
  appLookupFinished,
  emptyBuild,
  inspectFailed,
  inspectStarted,
  inspectSucceeded,
} from '../../../renderer/src/stores/build-store'
import {
  emptyGroups,
  filterGroups,
  groupsLoaded,
  groupsRequested,
  unknownGroupNames,
} from '../../../renderer/src/stores/groups-store'
import {
  emptyPlan,
  planFailed,
  planReceived,
  planRequested,
  publishBlockers,
  checkPublish,
  waitsOnlyForPlan,
} from '../../../renderer/src/stores/plan-store'
import {
  emptyKeys,
  keyAdded,
  keyIdFromFileName,
  keyRemoved,
  keysLoaded,
  keyStatus,
  keyTested,
} from '../../../renderer/src/stores/keys-store'
import {
  emptyHistory,
  historyLoaded,
  outcomeLabel,
  runDurationMs,
  runOpened,
  runOpening,
} from '../../../renderer/src/stores/history-store'
import {
  emptyConfig,
  importFinished,
  importStarted,
  needsWorkflowChoice,
} from '../../../renderer/src/stores/config-store'
import { connectionBadge } from '../../../renderer/src/stores/navigation-store'
import { initialRelease } from '../../../renderer/src/stores/release-store'

const file = (id: string): FileRef => ({ id, name: `${id}.ipa`, path: `/tmp/${id}.ipa`, sizeBytes: 10 })
const summary = (over: Partial<BuildSummary> = {}): BuildSummary => ({
  file: 'a.ipa',
  kind: 'ipa',
  bundleId: 'com.example.demo',
  version: '1.0',
  buildNumber: '1',
  platform: 'IOS',
  minimumOSVersion: '15.0',
  deviceFamilies: ['iphone'],
  sizeBytes: 10,
  profile: null,
  extensions: [],
  frameworks: [],
  problems: [],
  ...over,
})

describe('build store', () => {
  it('drops an inspection result for a file that is no longer current', () => {
    let s = inspectStarted(emptyBuild, file('a'))
    s = inspectStarted(s, file('b'))
    expect(inspectSucceeded(s, file('a'), summary())).toBe(s)
    expect(inspectFailed(s, file('a'), 'x')).toBe(s)
    s = inspectSucceeded(s, file('b'), summary())
    expect(s).toMatchObject({ phase: 'ready', file: { id: 'b' } })
  })
  it('records whether the app exists, for the current bundle id only', () => {
    const s = inspectSucceeded(inspectStarted(emptyBuild, file('a')), file('a'), summary())
    const app = { id: '1', name: 'Demo' } as AppInfo
    expect(appLookupFinished(s, 'com.other', app)).toBe(s)
    expect(appLookupFinished(s, 'com.example.demo', null)).toMatchObject({ appPhase: 'missing', app: null })
    expect(appLookupFinished(s, 'com.example.demo', app)).toMatchObject({ appPhase: 'found', app })
  })
})

describe('groups store', () => {
  const groups: BetaGroup[] = [
    { id: '3', name: 'Zeta external', isInternal: false },
    { id: '1', name: 'beta', isInternal: false },
    { id: '2', name: 'QA team', isInternal: true },
  ]
  it('sorts internal first, then by name, and ignores replies for another app', () => {
    let s = groupsRequested(emptyGroups, 'app1')
    expect(groupsLoaded(s, 'app2', groups)).toBe(s)
    s = groupsLoaded(s, 'app1', groups)
    expect(s.groups.map((g) => g.name)).toEqual(['QA team', 'beta', 'Zeta external'])
  })
  it('filters by name or kind and reports chosen names App Store Connect lacks', () => {
    expect(filterGroups(groups, 'TEAM').map((g) => g.id)).toEqual(['2'])
    expect(filterGroups(groups, 'external').map((g) => g.id)).toEqual(['3', '1'])
    expect(filterGroups(groups, '  ')).toBe(groups)
    expect(unknownGroupNames(groups, ['QA team', 'Gone'])).toEqual(['Gone'])
  })
  it('filters a thousand groups quickly', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: String(i),
      name: `Group ${i}`,
      isInternal: i % 2 === 0,
    }))
    const start = performance.now()
    for (let i = 0; i < 100; i++) filterGroups(many, `group ${i}`)
    expect(performance.now() - start).toBeLessThan(500)
    expect(filterGroups(many, 'group 999')).toHaveLength(1)
  })
})

describe('plan store and Publish', () => {
  const plan = (problems: PublishPlan['problems'] = []): PublishPlan => ({
    build: summary(),
    app: null,
    steps: [],
    problems,
    resumesRunId: null,
  })
  it('keeps only the reply to the latest request', () => {
    let s = planRequested(emptyPlan)
    const first = s.seq
    s = planRequested(s)
    expect(planReceived(s, first, plan())).toBe(s)
    expect(planFailed(s, first, 'x')).toBe(s)
    s = planReceived(s, s.seq, plan())
    expect(s.phase).toBe('ready')
  })
  it('says why Publish is disabled', () => {
    const ready = planReceived(planRequested(emptyPlan), 1, plan())
    const ok = { build: summary(), plan: ready, schedule: { kind: 'empty' } as const, runActive: false }
    expect(publishBlockers(ok)).toEqual([])
    expect(publishBlockers({ ...ok, build: null })).toEqual(['Choose a build first.'])
    expect(
      publishBlockers({
        ...ok,
        build: summary({
          problems: [{ severity: 'error', code: 'PROFILE_NOT_APP_STORE', message: 'ad hoc' }],
        }),
      })[0],
    ).toMatch(/problems Apple would refuse/)
    expect(
      publishBlockers({
        ...ok,
        build: summary({ problems: [{ severity: 'warning', code: 'W', message: 'w' }] }),
      }),
    ).toEqual([])
    // The reason is the field's to say; beside Publish only where to look.
    expect(publishBlockers({ ...ok, schedule: { kind: 'invalid', reason: 'in the past' } })[0]).toBe(
      'Earliest release date: see the message under the field in the App Store panel.',
    )
    expect(publishBlockers({ ...ok, plan: planRequested(ready) })[0]).toMatch(/Checking the plan/)
    const refused = planReceived(
      planRequested(emptyPlan),
      1,
      plan([{ severity: 'error', code: 'APP_MISSING', message: 'm' }]),
    )
    expect(publishBlockers({ ...ok, plan: refused })[0]).toMatch(/Preflight found problems/)
    expect(publishBlockers({ ...ok, whatsNewMissing: ['en-US', 'de-DE'] })).toEqual([
      'What’s New: this version is an update, and App Store review needs release notes (en-US, de-DE). Fill What’s New in the App Store panel.',
    ])
    expect(publishBlockers({ ...ok, whatToTestMissing: true })[0]).toMatch(
      /^What to Test: beta review needs it/,
    )
    expect(publishBlockers({ ...ok, runActive: true })[0]).toMatch(/in progress/)
  })
  it('lets Publish wait for a plan on its way, and only for that', () => {
    const ready = planReceived(planRequested(emptyPlan), 1, plan())
    const release = initialRelease('Europe/Riga')
    const check = (over: Partial<Parameters<typeof checkPublish>[0]>) =>
      checkPublish({ build: summary(), plan: ready, release, runActive: false, now: 0, ...over }).blockers
    expect(check({})).toEqual([])
    expect(waitsOnlyForPlan(check({ plan: planRequested(ready) }))).toBe(true)
    expect(waitsOnlyForPlan(check({ plan: emptyPlan }))).toBe(true)
    expect(waitsOnlyForPlan(check({}))).toBe(false)
    // A reason of its own (What to Test empty with TestFlight on) is not waited out.
    const testflight = { ...release, settings: { ...release.settings, submitToTestflight: true } }
    expect(waitsOnlyForPlan(check({ plan: planRequested(ready), release: testflight }))).toBe(false)
  })
})

describe('keys store', () => {
  const key = (name: string, over: Partial<KeyMetadata> = {}): KeyMetadata => ({
    name,
    keyId: `${name.toUpperCase()}KEY01`,
    issuerId: 'issuer',
    individual: false,
    createdAt: '2031-01-01T00:00:00Z',
    lastVerifiedAt: null,
    lastError: null,
    ...over,
  })
  it('lists by name, hides discovered files already stored, replaces a re-added key', () => {
    let s = keysLoaded(emptyKeys, [key('b'), key('a')], { available: true, message: null }, [
      { id: 'd1', keyId: 'AKEY01', fileName: 'AuthKey_AKEY01.p8', folder: '~' },
      { id: 'd2', keyId: 'ZZZ', fileName: 'AuthKey_ZZZ.p8', folder: '~' },
    ])
    expect(s.keys.map((k) => k.name)).toEqual(['a', 'b'])
    expect(s.discovered.map((d) => d.id)).toEqual(['d2'])
    s = keyAdded(s, key('a', { keyId: 'ZZZ' }))
    expect(s.keys).toHaveLength(2)
    expect(s.discovered).toEqual([])
    expect(s.notice).toBe('Key a added.')
    s = keyTested(s, key('b', { lastError: 'revoked' }))
    expect(keyStatus(s.keys[1]!)).toEqual({ tone: 'error', text: 'revoked' })
    expect(keyRemoved(s, 'a').keys.map((k) => k.name)).toEqual(['b'])
  })
  it('reads the key id from Apple’s file name', () => {
    expect(keyIdFromFileName('AuthKey_ABC123DEFG.p8')).toBe('ABC123DEFG')
    expect(keyIdFromFileName('mykey.p8')).toBeNull()
  })
})

describe('history store', () => {
  const record = (runId: string, startedAt: string, finishedAt: string | null): RunRecord => ({
    runId,
    fileName: 'a.ipa',
    bundleId: 'b',
    version: '1',
    buildNumber: '1',
    platform: 'IOS',
    startedAt,
    finishedAt,
    outcome: finishedAt ? 'published' : null,
    message: null,
    steps: [],
    links: [],
    resumable: false,
  })
  it('lists newest first and opens a run', () => {
    let s = historyLoaded(emptyHistory, [
      record('old', '2031-01-01T00:00:00Z', null),
      record('new', '2031-02-01T00:00:00Z', '2031-02-01T00:01:30Z'),
    ])
    expect(s.runs.map((r) => r.runId)).toEqual(['new', 'old'])
    s = runOpening(s, 'new')
    expect(s.openRun?.runId).toBe('new')
    expect(runOpened(s, record('old', 'x', null))).toBe(s)
    expect(runDurationMs(s.runs[0]!)).toBe(90_000)
    expect(runDurationMs(s.runs[1]!)).toBeNull()
    expect(outcomeLabel(null)).toBe('Running')
    expect(outcomeLabel('submitted-for-review')).toBe('Submitted for review')
  })
})

describe('config store and connection badge', () => {
  it('asks for a workflow when the file has several and none was chosen', () => {
    const f = file('cm')
    const s = importFinished(importStarted(emptyConfig, f), {
      file: f,
      workflows: ['ios', 'mac'],
      workflow: null,
      settings: null,
      issues: [],
    })
    expect(needsWorkflowChoice(s)).toBe(true)
    expect(needsWorkflowChoice({ ...s, workflow: 'ios' })).toBe(false)
  })
  it('shows Sandbox or the key', () => {
    const keychain = { available: true, message: null }
    expect(
      connectionBadge({ mode: 'sandbox', apiUrl: 'http://x', keyId: null, keyName: null, keychain }).kind,
    ).toBe('sandbox')
    expect(
      connectionBadge({ mode: 'key', apiUrl: 'https://api', keyId: 'K1', keyName: 'Release', keychain }),
    ).toMatchObject({
      kind: 'connected',
      label: 'Release',
    })
  })
})
