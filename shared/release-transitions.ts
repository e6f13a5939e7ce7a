import * as z from 'zod'
import { PHASED_PERCENT, stateInWords, type AppStatus, type VersionStatus } from './release-status'

/** One change a release manager cares about, with what happened and what to do next. */
export const ReleaseTransition = z.object({
  bundleId: z.string(),
  appName: z.string(),
  /** ISO time it was seen. */
  at: z.string(),
  subject: z.enum(['version', 'build']),
  /** "1.1.0" for a version, "1.1.0 (7)" for a build. */
  name: z.string(),
  field: z.enum([
    'appStoreState',
    'reviewSubmissionState',
    'phasedRelease',
    'betaReviewState',
    'processingState',
  ]),
  from: z.string().nullable(),
  to: z.string(),
  /** What happened ("Approved"). */
  title: z.string(),
  /** What it means and what to do next. */
  body: z.string(),
})
export type ReleaseTransition = z.infer<typeof ReleaseTransition>

type Words = { readonly title: string; readonly body: string }

function versionWords(app: AppStatus, v: VersionStatus): Words | null {
  const cli = `ascent release ${app.bundleId} --app-version ${v.versionString}`
  switch (v.appStoreState) {
    case 'WAITING_FOR_REVIEW':
      return {
        title: 'Waiting for review',
        body: 'Submitted to App Review. Nothing to do: you hear from Ascent when review starts.',
      }
    case 'IN_REVIEW':
      return { title: 'In review', body: 'App Review is looking at it now. Nothing to do yet.' }
    case 'PENDING_DEVELOPER_RELEASE':
      return v.releaseType === 'SCHEDULED' && v.earliestReleaseDate
        ? {
            title: 'Approved',
            body: `App Review approved it; it goes on sale on ${v.earliestReleaseDate}, or earlier with Release now (${cli} --now).`,
          }
        : {
            title: 'Approved: ready to release',
            body: `App Review approved it. Release it when you are ready: Release now in Releases, or ${cli} --now.`,
          }
    case 'READY_FOR_SALE':
      return v.phasedRelease && v.phasedRelease.state !== 'COMPLETE'
        ? {
            title: 'On the App Store (phased release)',
            body: `Automatic updates reach ${PHASED_PERCENT[0]}% of users on day 1, more each day for 7 days. Pause it or release to all from Releases.`,
          }
        : { title: 'On the App Store', body: 'Everyone can download it now. Nothing left to do.' }
    case 'REJECTED':
    case 'METADATA_REJECTED':
      return {
        title: v.appStoreState === 'REJECTED' ? 'Rejected' : 'Metadata rejected',
        body: 'App Review rejected it. Read why in App Store Connect’s Resolution Center, fix it and submit again, or Cancel review.',
      }
    case 'DEVELOPER_REJECTED':
      return { title: 'Withdrawn from review', body: 'It is editable again; publish it again to submit it.' }
    case 'INVALID_BINARY':
      return {
        title: 'Invalid binary',
        body: 'Apple refused the build: upload a new build and submit again.',
      }
    default:
      return {
        title: stateInWords(v.appStoreState),
        body: `${v.versionString} is now ${stateInWords(v.appStoreState).toLowerCase()}.`,
      }
  }
}

function phasedWords(v: VersionStatus): Words {
  const p = v.phasedRelease
  if (!p) return { title: 'Phased release off', body: 'Every user gets automatic updates at once.' }
  if (p.state === 'PAUSED')
    return {
      title: `Phased release paused on day ${p.currentDayNumber}`,
      body: 'No more users get the automatic update until you resume it (it resumes by itself after 30 days of pauses).',
    }
  if (p.state === 'COMPLETE') return { title: 'Released to all', body: 'Every user gets the update now.' }
  if (p.state === 'ACTIVE')
    return {
      title: `Phased release day ${p.currentDayNumber}`,
      body: `Automatic updates reach ${PHASED_PERCENT[p.currentDayNumber - 1] ?? 100}% of users. Pause it if something is wrong, or release to all.`,
    }
  return {
    title: `Phased release ${p.state.toLowerCase()}`,
    body: 'It starts when the version goes on sale.',
  }
}

function phasedKey(v: VersionStatus): string | null {
  return v.phasedRelease ? `${v.phasedRelease.state} day ${v.phasedRelease.currentDayNumber}` : null
}

/** What changed between two reads of an app, in the order a person would tell it. */
export function diffStatus(prev: AppStatus | null, next: AppStatus, at: string): ReleaseTransition[] {
  if (prev === null) return []
  const out: ReleaseTransition[] = []
  const base = { bundleId: next.bundleId, appName: next.appName, at }
  for (const v of next.versions) {
    const before = prev.versions.find((p) => p.platform === v.platform && p.versionString === v.versionString)
    if (!before) continue
    if (before.appStoreState !== v.appStoreState) {
      const words = versionWords(next, v)
      if (words)
        out.push({
          ...base,
          subject: 'version',
          name: v.versionString,
          field: 'appStoreState',
          from: before.appStoreState,
          to: v.appStoreState,
          ...words,
        })
    } else if (v.reviewSubmissionState !== null && before.reviewSubmissionState !== v.reviewSubmissionState) {
      out.push({
        ...base,
        subject: 'version',
        name: v.versionString,
        field: 'reviewSubmissionState',
        from: before.reviewSubmissionState,
        to: v.reviewSubmissionState,
        title: `Review submission ${v.reviewSubmissionState.toLowerCase().replace(/_/g, ' ')}`,
        body: `The review submission of ${v.versionString} is now ${stateInWords(v.reviewSubmissionState).toLowerCase()}.`,
      })
    }
    const was = phasedKey(before)
    const now = phasedKey(v)
    // Going on sale already says the phased release started.
    if (
      was !== now &&
      now !== null &&
      !(
        before.appStoreState !== v.appStoreState &&
        v.phasedRelease?.state === 'ACTIVE' &&
        v.phasedRelease.currentDayNumber <= 1
      )
    )
      out.push({
        ...base,
        subject: 'version',
        name: v.versionString,
        field: 'phasedRelease',
        from: was,
        to: now,
        ...phasedWords(v),
      })
  }
  for (const b of next.builds) {
    const before = prev.builds.find((p) => p.version === b.version && p.buildNumber === b.buildNumber)
    if (!before) continue
    const name = `${b.version} (${b.buildNumber})`
    if (b.betaReviewState !== null && before.betaReviewState !== b.betaReviewState) {
      const words: Words =
        b.betaReviewState === 'APPROVED'
          ? {
              title: 'Beta review approved',
              body: `External testers${b.groups.length > 0 ? ` in ${b.groups.join(', ')}` : ''} can install ${name} now.`,
            }
          : b.betaReviewState === 'REJECTED'
            ? {
                title: 'Beta review rejected',
                body: 'Read why in App Store Connect, fix it, and upload a new build for beta review.',
              }
            : b.betaReviewState === 'IN_REVIEW'
              ? {
                  title: 'In beta review',
                  body: 'Apple is reviewing the build for external testing. Nothing to do yet.',
                }
              : {
                  title: stateInWords(b.betaReviewState),
                  body: `Beta review of ${name} is ${b.betaReviewState}.`,
                }
      out.push({
        ...base,
        subject: 'build',
        name,
        field: 'betaReviewState',
        from: before.betaReviewState,
        to: b.betaReviewState,
        ...words,
      })
    }
    if (before.processingState !== b.processingState && b.processingState !== 'PROCESSING') {
      out.push({
        ...base,
        subject: 'build',
        name,
        field: 'processingState',
        from: before.processingState,
        to: b.processingState,
        ...(b.processingState === 'VALID'
          ? { title: 'Build processed', body: `${name} is ready for TestFlight and the App Store.` }
          : {
              title: 'Build processing failed',
              body: `Apple could not process ${name}: upload a new build.`,
            }),
      })
    }
  }
  return out
}
