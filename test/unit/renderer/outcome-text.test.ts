import { describe, expect, it } from 'vitest'
import { OUTCOME_HEADLINES, type RunOutcome } from '../../../shared/publish-events'
import {
  nameList,
  outcomeText,
  outcomeTone,
  releaseDateText,
  releaseFacts,
  type OutcomeInput,
  type OutcomeStep,
  type ReleaseFacts,
} from '../../../renderer/src/outcome-text'

const done = (step: OutcomeStep['step'], title: string): OutcomeStep => ({
  step,
  title,
  status: 'done',
  error: null,
})

const ALL_DONE: readonly OutcomeStep[] = [
  done('preflight', 'Preflight'),
  done('upload', 'Upload'),
  done('processing', 'Processing'),
  done('testflight', 'TestFlight'),
  done('app-store', 'App Store'),
  done('review', 'App Store review'),
]

const groups = [
  { name: 'Core Team', isInternal: true },
  { name: 'QA', isInternal: true },
  { name: 'Public Beta', isInternal: false },
  { name: 'Friends & Family', isInternal: false },
]

function facts(over: Partial<ReleaseFacts> = {}): ReleaseFacts {
  return {
    ...releaseFacts(
      {
        betaGroups: ['QA', 'Public Beta'],
        submitToTestflight: true,
        submitToAppStore: true,
        releaseType: 'MANUAL',
        earliestReleaseDate: null,
        phasedRelease: null,
      },
      groups,
      'Europe/Riga',
    ),
    ...over,
  }
}

function input(over: Partial<OutcomeInput> = {}): OutcomeInput {
  return {
    outcome: 'submitted-for-review',
    version: '1.1.0',
    buildNumber: '100',
    steps: ALL_DONE,
    facts: facts(),
    message: 'Published com.example 1.1.0 (100)',
    ...over,
  }
}

function line(over: Partial<OutcomeInput> = {}): string {
  const text = outcomeText(input(over))
  return `${text.headline}. ${text.sentence}`
}

describe('outcomeText', () => {
  it('says who can install the build now and who after beta review', () => {
    expect(line({ facts: facts({ submitToAppStore: false }) })).toBe(
      'Submitted for review. Testers in QA can install 1.1.0 (100) now; Public Beta after beta review.',
    )
  })

  it('takes the headline from the reported outcome, whatever it is', () => {
    const outcomes: RunOutcome[] = [
      'published',
      'submitted-for-review',
      'testflight',
      'uploaded',
      'failed',
      'refused',
      'canceled',
      'interrupted',
    ]
    expect(outcomes.map((outcome) => outcomeText(input({ outcome })).headline)).toEqual([
      'Published',
      'Submitted for review',
      'In TestFlight',
      'Uploaded',
      'Failed',
      'Refused',
      'Canceled',
      'Interrupted',
    ])
    expect(Object.keys(OUTCOME_HEADLINES).sort()).toEqual([...outcomes].sort())
  })

  it('says when the App Store version goes out, for each release type', () => {
    expect(outcomeText(input()).sentence).toBe(
      'Testers in QA can install 1.1.0 (100) now; Public Beta after beta review. Once Apple approves 1.1.0, you release it with Release now in Releases.',
    )
    expect(outcomeText(input({ facts: facts({ releaseType: 'AFTER_APPROVAL', groups: [] }) })).sentence).toBe(
      '1.1.0 (100) is in TestFlight, waiting for beta review. 1.1.0 goes on the App Store as soon as Apple approves it.',
    )
    expect(
      outcomeText(
        input({
          facts: facts({
            groups: [],
            submitToTestflight: false,
            releaseType: 'SCHEDULED',
            earliestReleaseDate: '2031-12-01T14:00:00+02:00',
            phasedRelease: true,
          }),
          steps: ALL_DONE.map((s) => (s.step === 'testflight' ? { ...s, status: 'skipped' } : s)),
        }),
      ).sentence,
    ).toBe(
      '1.1.0 goes on the App Store on 1 Dec 2031, 14:00 (Europe/Riga) at the earliest, once Apple approves it, in a 7-day phased release.',
    )
  })

  it('says a published version is on the App Store, and an In TestFlight run says nothing of the App Store', () => {
    expect(line({ outcome: 'published', facts: facts({ phasedRelease: true }) })).toBe(
      'Published. Testers in QA can install 1.1.0 (100) now; Public Beta after beta review. 1.1.0 is on the App Store, in a 7-day phased release.',
    )
    // "published" while the review step says the version waits for review: the sentence says what is true.
    const waiting = ALL_DONE.map((s) =>
      s.step === 'review' ? { ...s, summary: 'version 1.1.0 submitted for review (WAITING_FOR_REVIEW)' } : s,
    )
    expect(outcomeText(input({ outcome: 'published', steps: waiting })).sentence).toMatch(
      /Once Apple approves 1\.1\.0, you release it with Release now in Releases\.$/,
    )
    expect(line({ outcome: 'testflight', facts: facts({ groups: groups.slice(0, 2) }) })).toBe(
      'In TestFlight. Testers in Core Team and QA can install 1.1.0 (100) now.',
    )
    expect(line({ outcome: 'testflight', facts: facts({ groups: groups.slice(2) }) })).toBe(
      'In TestFlight. Testers in Public Beta and Friends & Family can install 1.1.0 (100) after beta review.',
    )
  })

  it('names a few of a thousand groups and counts the rest', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `G${i + 1}`, isInternal: false }))
    expect(outcomeText(input({ outcome: 'testflight', facts: facts({ groups: many }) })).sentence).toBe(
      'Testers in G1, G2, G3 and 997 more groups can install 1.1.0 (100) after beta review.',
    )
  })

  it('names the failed step (its row has the reason) and what to do', () => {
    const steps = ALL_DONE.map((s) =>
      s.step === 'upload'
        ? { ...s, status: 'failed' as const, error: { message: 'part 1 refused (HTTP 400).' } }
        : s,
    )
    expect(line({ outcome: 'failed', steps })).toBe(
      'Failed. Upload failed: the reason is under the step. Resume continues from there; nothing done already is done again.',
    )
    expect(line({ outcome: 'failed', steps: [], message: 'could not write the run journal' })).toBe(
      'Failed. Could not write the run journal. Resume continues from there; nothing done already is done again.',
    )
  })

  it('says where a canceled or interrupted run stopped, neutrally', () => {
    const steps: OutcomeStep[] = [
      done('preflight', 'Preflight'),
      { step: 'upload', title: 'Upload', status: 'stopped', error: null },
      { step: 'processing', title: 'Processing', status: 'pending', error: null },
    ]
    // What reached App Store Connect is the pipeline's to say: its message is the sentence.
    const said =
      'Canceled at a safe point. Done: all of build 100 reached App Store Connect before the cancel. Publish the same build again to continue.'
    expect(line({ outcome: 'canceled', steps, message: said })).toBe(`Canceled. ${said}`)
    expect(line({ outcome: 'canceled', steps, message: null })).toBe(
      'Canceled. Stopped during Upload. Resume picks up where it stopped, without doing anything twice.',
    )
    expect(line({ outcome: 'interrupted', steps })).toBe(
      'Interrupted. Ascent stopped during Upload before the run finished. Resume picks up where it stopped, without doing anything twice.',
    )
    const between: OutcomeStep[] = [done('preflight', 'Preflight'), { ...steps[2]!, status: 'pending' }]
    expect(outcomeText(input({ outcome: 'canceled', steps: between, message: null })).sentence).toMatch(
      /^Stopped before Processing\./,
    )
  })

  it('says a refused run was refused, with preflight’s reasons, and nothing about resuming', () => {
    const reasons = 'Refused by preflight, nothing was sent: the build is signed with an ad-hoc profile'
    const text = outcomeText(input({ outcome: 'refused', message: reasons }))
    expect(text).toEqual({ headline: 'Refused', sentence: reasons })
  })

  it('tells an upload that was not waited for from one that is all that was asked', () => {
    const notProcessed = ALL_DONE.map((s) =>
      s.step === 'upload' || s.step === 'preflight' ? s : { ...s, status: 'skipped' as const },
    )
    expect(outcomeText(input({ outcome: 'uploaded', steps: notProcessed })).sentence).toBe(
      '1.1.0 (100) is in App Store Connect, still processing; publish the same build again once it is processed to do the rest.',
    )
    expect(
      outcomeText(
        input({
          outcome: 'uploaded',
          facts: facts({ groups: [], submitToAppStore: false, submitToTestflight: false }),
        }),
      ).sentence,
    ).toBe('1.1.0 (100) is processed and in App Store Connect.')
  })

  it("falls back to the pipeline's message for a run from History", () => {
    expect(outcomeText(input({ facts: null })).sentence).toBe('Published com.example 1.1.0 (100)')
  })
})

describe('outcome helpers', () => {
  it('tones: green for success, red for failure, grey for stopped', () => {
    expect(outcomeTone('submitted-for-review')).toBe('ok')
    expect(outcomeTone('failed')).toBe('failed')
    expect(outcomeTone('canceled')).toBe('stopped')
    expect(outcomeTone('interrupted')).toBe('stopped')
    expect(outcomeTone(null)).toBe('running')
  })

  it('lists names the way a sentence does', () => {
    expect(nameList(['QA'])).toBe('QA')
    expect(nameList(['QA', 'Beta'])).toBe('QA and Beta')
    expect(nameList(['A', 'B', 'C', 'D'])).toBe('A, B, C and D')
    expect(nameList(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C and 2 more groups')
  })

  it('shows the release date as chosen, in its zone', () => {
    expect(releaseDateText('2031-12-01T14:00:00+02:00', 'Europe/Riga')).toBe(
      '1 Dec 2031, 14:00 (Europe/Riga)',
    )
    expect(releaseDateText('2031-07-09T08:00:00-04:00', null)).toBe('9 Jul 2031, 08:00 (UTC-04:00)')
    expect(releaseDateText('not a date', null)).toBe('not a date')
  })

  it('takes each chosen group with its kind; one App Store Connect does not list counts as external', () => {
    const f = releaseFacts(
      {
        betaGroups: ['QA', 'Gone'],
        submitToTestflight: false,
        submitToAppStore: false,
        releaseType: 'MANUAL',
        earliestReleaseDate: null,
        phasedRelease: null,
      },
      groups,
      null,
    )
    expect(f.groups).toEqual([
      { name: 'QA', isInternal: true },
      { name: 'Gone', isInternal: false },
    ])
  })
})
