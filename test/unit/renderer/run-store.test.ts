import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/ipc'
import { outcomeText } from '../../../renderer/src/outcome-text'
import {
  applyEvent,
  emptyRun,
  LOG_LIMIT,
  newWatchedRun,
  runResumed,
  runStateWithEvent,
  watchedRunFromRecord,
  stepAtRunEnd,
  STOPPED_SUMMARY,
  type WatchedRun,
} from '../../../renderer/src/stores/run-store'
import { at, failed, finished, log, progress, runFinished, started } from './events'

const fresh = (): WatchedRun =>
  newWatchedRun('run-1', 'Demo 1.0 (1)', at, [
    { step: 'preflight', title: 'Preflight', actions: ['Check the build'], skipped: false },
    { step: 'app-store', title: 'App Store', actions: [], skipped: true },
  ])

function step(run: WatchedRun, id: string) {
  const found = run.steps.find((s) => s.step === id)
  if (!found) throw new Error(`no step ${id}`)
  return found
}

describe('applyEvent', () => {
  it('starts with every step pending except those the plan skips', () => {
    const run = fresh()
    expect(run.steps.map((s) => s.step)).toEqual([
      'preflight',
      'upload',
      'processing',
      'testflight',
      'app-store',
      'review',
    ])
    expect(step(run, 'preflight')).toMatchObject({ status: 'pending', detail: 'Check the build' })
    expect(step(run, 'app-store').status).toBe('skipped')
  })

  it('follows a step from start through progress to finish', () => {
    let run = fresh()
    run = applyEvent(run, started('upload', 'Upload'))
    expect(step(run, 'upload').status).toBe('running')
    run = applyEvent(
      run,
      progress('upload', { bytesDone: 50, bytesTotal: 200, bytesPerSecond: 25, etaSeconds: 6 }),
    )
    expect(step(run, 'upload').progress).toEqual({
      bytesDone: 50,
      bytesTotal: 200,
      bytesPerSecond: 25,
      etaSeconds: 6,
    })
    run = applyEvent(run, progress('processing', { state: 'PROCESSING' }))
    expect(step(run, 'processing')).toMatchObject({ status: 'running', state: 'PROCESSING' })
    run = applyEvent(run, finished('upload', 'Uploaded 200 B', { at: '2031-01-01T10:00:05.000Z' }))
    expect(step(run, 'upload')).toMatchObject({
      status: 'done',
      summary: 'Uploaded 200 B',
      finishedAt: '2031-01-01T10:00:05.000Z',
    })
    expect(step(run, 'upload').progress?.bytesDone).toBe(200)
  })

  it('logs a step’s result once when its last progress line already said it', () => {
    let run = applyEvent(fresh(), started('upload', 'Upload'))
    run = applyEvent(run, progress('upload', { message: 'uploaded 6.6 KB with the Build Upload API' }))
    run = applyEvent(run, finished('upload', 'uploaded 6.6 KB with the Build Upload API'))
    expect(step(run, 'upload').status).toBe('done')
    expect(run.log.filter((l) => l.message.includes('uploaded 6.6 KB'))).toHaveLength(1)
    run = applyEvent(run, started('processing', 'Processing'))
    run = applyEvent(run, progress('processing', { state: 'VALID' }))
    run = applyEvent(run, finished('processing', 'build 1 processed (VALID)'))
    expect(run.log.map((l) => l.message)).toContain('Processing: build 1 processed (VALID)')
  })

  it('shows a step postponed for a later run as waiting, like its journal, not as skipped or done', () => {
    let run = applyEvent(fresh(), started('testflight', 'TestFlight'))
    const note = 'beta groups: the build is not processed yet'
    run = applyEvent(run, { ...finished('testflight', note), postponed: true })
    expect(step(run, 'testflight')).toMatchObject({ status: 'pending', summary: note })
    run = applyEvent(run, { ...finished('app-store', 'nothing to do'), skipped: true })
    expect(step(run, 'app-store').status).toBe('skipped')
  })

  it('keeps the last rate when a progress event carries only bytes', () => {
    let run = applyEvent(fresh(), progress('upload', { bytesDone: 1, bytesTotal: 10, bytesPerSecond: 7 }))
    run = applyEvent(run, progress('upload', { bytesDone: 2, bytesTotal: 10 }))
    expect(step(run, 'upload').progress).toMatchObject({ bytesDone: 2, bytesPerSecond: 7, etaSeconds: null })
  })

  it('ignores events of another run and returns the same object', () => {
    const run = fresh()
    const next = applyEvent(run, started('upload', 'Upload', { runId: 'other' }))
    expect(next).toBe(run)
  })

  it('does not mutate the run it is given', () => {
    const run = fresh()
    const before = JSON.stringify(run)
    applyEvent(run, log('info', 'hello'))
    applyEvent(run, started('upload', 'Upload'))
    expect(JSON.stringify(run)).toBe(before)
  })

  it('records a failure with Apple’s words in the step and the log', () => {
    const run = applyEvent(
      fresh(),
      failed('testflight', {
        code: 'ASC_ERROR',
        message: 'Beta review refused',
        detail: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
      }),
    )
    expect(step(run, 'testflight')).toMatchObject({
      status: 'failed',
      error: { message: 'Beta review refused' },
    })
    expect(run.log.at(-1)).toMatchObject({ level: 'error', message: 'TestFlight: Beta review refused' })
  })

  it('ends the run with outcome, links and resumability', () => {
    const links = [{ label: 'App Store Connect', url: 'https://appstoreconnect.apple.com' }]
    let run = applyEvent(fresh(), started('upload', 'Upload'))
    run = applyEvent(run, runFinished('canceled', 'Canceled during upload.', links))
    expect(run).toMatchObject({ outcome: 'canceled', resumable: true, message: 'Canceled during upload.' })
    // Canceled is not a failure: the step that was going shows stopped, with what that means.
    expect(step(run, 'upload')).toMatchObject({
      status: 'stopped',
      summary: 'Canceled at this step',
      error: null,
    })
    expect(step(run, 'processing').status).toBe('pending')
    const published = applyEvent(fresh(), runFinished('published', 'Published.', links))
    expect(published.resumable).toBe(false)
  })

  it('shows a step going when the run failed as failed, and one going when it was interrupted as stopped', () => {
    const going = applyEvent(fresh(), started('processing', 'Processing'))
    expect(step(applyEvent(going, runFinished('failed', 'x')), 'processing').status).toBe('failed')
    expect(step(applyEvent(going, runFinished('interrupted', 'x')), 'processing')).toMatchObject({
      status: 'stopped',
      summary: STOPPED_SUMMARY.interrupted,
    })
  })

  it('puts a stopped step back to pending on resume', () => {
    const going = applyEvent(fresh(), started('upload', 'Upload'))
    const canceled = applyEvent(going, runFinished('canceled', 'Canceled.'))
    expect(step(runResumed(canceled, 'run-2'), 'upload')).toMatchObject({ status: 'pending', summary: null })
  })

  it('keeps only the newest log lines', () => {
    let run = fresh()
    for (let i = 0; i < LOG_LIMIT + 5; i++) run = applyEvent(run, log('info', `line ${i}`))
    expect(run.log).toHaveLength(LOG_LIMIT)
    expect(run.log[0]?.message).toBe('line 5')
    expect(run.log.at(-1)?.message).toBe(`line ${LOG_LIMIT + 4}`)
  })
})

describe('the run log', () => {
  it('tells the story of the steps: starts, new App Store Connect states, finishes; not every byte', () => {
    let run = fresh()
    for (const event of [
      started('processing', 'Processing'),
      progress('processing', { state: 'PROCESSING' }),
      progress('processing', { state: 'PROCESSING' }),
      progress('upload', { bytesDone: 5, bytesTotal: 10 }),
      finished('processing', 'build 200 processed (VALID)'),
      runFinished('failed', 'App Store step failed'),
    ])
      run = applyEvent(run, event)
    expect(run.log.map((l) => `${l.level} ${l.message}`)).toEqual([
      'info Processing: started',
      'info Processing: PROCESSING',
      'info Processing: build 200 processed (VALID)',
      'error App Store step failed',
    ])
  })
})

describe('runResumed', () => {
  it('keeps finished steps and resets the rest', () => {
    let run = applyEvent(fresh(), finished('preflight', 'ok'))
    run = applyEvent(run, failed('upload', { code: 'NETWORK', message: 'dropped' }))
    run = applyEvent(run, runFinished('failed', 'Upload failed'))
    const resumed = runResumed(run, 'run-2')
    expect(resumed).toMatchObject({ runId: 'run-2', outcome: null, resumable: false })
    expect(step(resumed, 'preflight').status).toBe('done')
    expect(step(resumed, 'upload')).toMatchObject({ status: 'pending', error: null })
  })
})

describe('watchedRunFromRecord', () => {
  it('builds the timeline of a past run', () => {
    const record: RunRecord = {
      runId: 'r9',
      fileName: 'Demo.ipa',
      bundleId: 'com.example.demo',
      version: '2.4.0',
      buildNumber: '42',
      platform: 'IOS',
      startedAt: at,
      finishedAt: '2031-01-01T10:01:00.000Z',
      outcome: 'failed',
      message: 'Processing failed',
      steps: [
        { step: 'upload', status: 'done', summary: 'Uploaded', startedAt: at, finishedAt: at, error: null },
      ],
      links: [],
      resumable: true,
    }
    const view = watchedRunFromRecord(record)
    expect(view.title).toBe('Demo.ipa 2.4.0 (42)')
    expect(step(view, 'upload').status).toBe('done')
    expect(step(view, 'review').status).toBe('pending')
    expect(view.resumable).toBe(true)
  })

  it('titles a run with its app and keeps what it was asked for, so History says the same outcome', () => {
    const record: RunRecord = {
      runId: 'r11',
      fileName: 'Release.ipa',
      bundleId: 'com.example.demo',
      version: '1.1.0',
      buildNumber: '200',
      platform: 'IOS',
      startedAt: at,
      finishedAt: at,
      outcome: 'submitted-for-review',
      message: 'Submitted for review.',
      steps: [],
      links: [],
      resumable: false,
      appName: 'Holdout',
      release: {
        submitToTestflight: true,
        submitToAppStore: true,
        releaseType: 'SCHEDULED',
        earliestReleaseDate: '2031-12-01T14:00:00+02:00',
        phasedRelease: true,
        groups: [
          { name: 'QA', isInternal: true },
          { name: 'Public Beta', isInternal: false },
        ],
      },
    }
    const view = watchedRunFromRecord(record)
    expect(view.title).toBe('Holdout 1.1.0 (200)')
    expect(
      outcomeText({
        outcome: 'submitted-for-review',
        version: view.version,
        buildNumber: view.buildNumber,
        steps: view.steps,
        facts: view.facts,
        message: view.message,
      }).sentence,
    ).toBe(
      'Testers in QA can install 1.1.0 (200) now; Public Beta after beta review. 1.1.0 goes on the App Store on 1 Dec 2031, 14:00 (UTC+02:00) at the earliest, once Apple approves it, in a 7-day phased release.',
    )
    // An older record without them: the file's name and the pipeline's own message.
    const old = watchedRunFromRecord({ ...record, appName: undefined, release: undefined })
    expect(old.title).toBe('Release.ipa 1.1.0 (200)')
    expect(old.facts).toBeNull()
  })

  it('shows the step a canceled run stopped in as stopped, not failed', () => {
    const record: RunRecord = {
      runId: 'r10',
      fileName: 'Demo.ipa',
      bundleId: 'com.example.demo',
      version: '2.4.0',
      buildNumber: '42',
      platform: 'IOS',
      startedAt: at,
      finishedAt: at,
      outcome: 'canceled',
      message: 'Canceled at a safe point.',
      steps: [
        { step: 'preflight', status: 'done', summary: 'ready', startedAt: at, finishedAt: at, error: null },
        {
          step: 'upload',
          status: 'pending',
          summary: null,
          startedAt: at,
          finishedAt: at,
          error: { code: 'CANCELED', message: 'canceled at a safe point' },
        },
      ],
      links: [],
      resumable: true,
    }
    const view = watchedRunFromRecord(record)
    expect(step(view, 'upload')).toMatchObject({
      status: 'stopped',
      summary: 'Canceled at this step',
      error: null,
    })
    expect(step(view, 'processing').status).toBe('pending')
  })
})

describe('a run refused by preflight', () => {
  const reasons =
    'Refused by preflight, nothing was sent: the build is signed with an ad-hoc profile; export it with an App Store profile'

  it('from History: headline Refused, preflight’s reasons, no Resume', () => {
    const record: RunRecord = {
      runId: 'r11',
      fileName: 'store-adhoc.ipa',
      bundleId: 'com.example.demo',
      version: '2.4.0',
      buildNumber: '42',
      platform: 'IOS',
      startedAt: at,
      finishedAt: at,
      outcome: 'refused',
      message: reasons,
      steps: [
        {
          step: 'preflight',
          status: 'failed',
          summary: null,
          startedAt: at,
          finishedAt: at,
          error: { code: 'PREFLIGHT_FAILED', message: 'the build is signed with an ad-hoc profile' },
        },
      ],
      links: [],
      resumable: false,
    }
    const view = watchedRunFromRecord(record)
    expect(view.resumable).toBe(false)
    expect(step(view, 'preflight').status).toBe('failed')
    expect(outcomeText({ ...view, outcome: 'refused', facts: null })).toEqual({
      headline: 'Refused',
      sentence: reasons,
    })
  })

  it('live: the run ends refused, its log line an error, and nothing to resume', () => {
    let run = applyEvent(fresh(), started('preflight', 'Preflight'))
    run = applyEvent(run, runFinished('refused', reasons, []))
    expect(run).toMatchObject({ outcome: 'refused', resumable: false })
    expect(step(run, 'preflight').status).toBe('failed')
    expect(run.log.at(-1)).toMatchObject({ level: 'error', message: reasons })
  })
})

describe('stepAtRunEnd', () => {
  it('leaves steps that are not going alone', () => {
    const done = { ...step(fresh(), 'upload'), status: 'done' as const }
    expect(stepAtRunEnd(done, 'canceled')).toBe(done)
  })
})

describe('runStateWithEvent', () => {
  it('leaves the state alone without a current run and clears busy at the end', () => {
    const event = runFinished('published', 'Published.')
    expect(runStateWithEvent(emptyRun, event)).toBe(emptyRun)
    const next = runStateWithEvent({ current: fresh(), busy: 'canceling', error: null }, event)
    expect(next.busy).toBeNull()
    expect(next.current?.outcome).toBe('published')
  })
})
