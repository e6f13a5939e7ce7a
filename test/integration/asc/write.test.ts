import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AscApiError } from '../../../electron/asc/api-error'
import { findAppByBundleId } from '../../../electron/asc/apps'
import {
  addBuildToBetaGroups,
  listBetaGroups,
  listBetaGroupsOfBuild,
  listBuildsOfBetaGroup,
  removeBuildFromBetaGroups,
} from '../../../electron/asc/beta-groups'
import { findBetaBuildLocalizations, setWhatsNew } from '../../../electron/asc/beta-build-localizations'
import { findBetaReviewSubmission, submitForBetaReview } from '../../../electron/asc/beta-review'
import {
  commitBuildUploadFile,
  createBuildUpload,
  deleteBuildUpload,
  findBuildUploads,
  getBuildUploadFile,
  reserveBuildUploadFile,
  waitForBuildUpload,
} from '../../../electron/asc/build-uploads'
import { findBuilds, getBuild, patchBuild } from '../../../electron/asc/builds'
import type { AscClient } from '../../../electron/asc/client'
import {
  createPhasedRelease,
  deletePhasedRelease,
  getPhasedRelease,
  updatePhasedRelease,
} from '../../../electron/asc/phased-releases'
import { sleepWithSignal } from '../../../electron/asc/retry'
import { listVersionLocalizations, updateWhatsNew } from '../../../electron/asc/version-localizations'
import {
  addVersionToReviewSubmission,
  cancelReviewSubmission,
  createReviewSubmission,
  listReviewSubmissionItems,
  listReviewSubmissions,
  submitReviewSubmission,
} from '../../../electron/asc/review'
import {
  attachBuildToVersion,
  createAppStoreVersion,
  getVersionBuild,
  listAppStoreVersions,
  updateAppStoreVersion,
} from '../../../electron/asc/versions'
import { waitFor, withSandbox } from '../../support/sandbox'
import { clientFor } from './sandbox-client'

/** Uploads `bytes` through the Build Upload API as the upload helper will: parts to presigned URLs, no token. */
async function uploadBuild(client: AscClient, appId: string, bytes: Buffer): Promise<string> {
  const upload = await createBuildUpload(client, {
    appId,
    version: '1.1.0',
    buildNumber: '2',
    platform: 'IOS',
  })
  expect(upload.state).toBe('AWAITING_UPLOAD')
  const file = await reserveBuildUploadFile(client, {
    uploadId: upload.id,
    fileName: 'Demo.ipa',
    fileSize: bytes.length,
    uti: 'com.apple.ipa',
  })
  expect(file.uploadOperations.length).toBeGreaterThan(0)
  for (const op of file.uploadOperations) {
    const res = await fetch(op.url, {
      method: op.method,
      headers: Object.fromEntries(op.requestHeaders.map((h) => [h.name, h.value])),
      body: bytes.subarray(op.offset, op.offset + op.length),
    })
    expect(res.status, await res.text()).toBeLessThan(300)
  }
  const hash = createHash('sha256').update(bytes).digest('hex')
  const committed = await commitBuildUploadFile(client, {
    id: file.id,
    checksum: { hash, algorithm: 'SHA_256' },
  })
  expect(committed.deliveryState).not.toBe('AWAITING_UPLOAD')
  expect((await getBuildUploadFile(client, file.id)).uploadOperations).toEqual([])
  const done = await waitForBuildUpload(client, upload.id, {
    sleep: sleepWithSignal,
    now: Date.now,
    intervalMs: 20,
  })
  expect(done.buildId).not.toBeNull()
  return done.buildId ?? ''
}

describe('asc client against the sandbox: a whole release', () => {
  it('uploads, sets up TestFlight and the App Store version, submits for review; every body matches Apple', async () => {
    // Reviews stay pending (long timers) so each state can be observed; processing stays fast.
    await withSandbox({ betaReviewMs: 600_000, reviewMs: 600_000 }, async (sandbox) => {
      const { client, checkRequestBodies } = clientFor(sandbox)
      const app = await findAppByBundleId(client, 'com.example.ascent.demo')
      if (!app) throw new Error('demo app missing')

      // Upload → build.
      const buildId = await uploadBuild(client, app.id, randomBytes(300_000))
      const [found] = await findBuilds(client, {
        appId: app.id,
        version: '1.1.0',
        buildNumber: '2',
        platform: 'IOS',
      })
      expect(found?.id).toBe(buildId)
      expect(found?.preReleaseVersion).toMatchObject({ version: '1.1.0', platform: 'IOS' })

      // Export compliance and processing.
      const valid = await waitFor(async () => {
        const b = await getBuild(client, buildId)
        return b.processingState === 'VALID' ? b : null
      }, 'build processing')
      if (valid.usesNonExemptEncryption === null) {
        const patched = await patchBuild(client, buildId, { usesNonExemptEncryption: false })
        expect(patched.usesNonExemptEncryption).toBe(false)
      }

      // What to Test: create, no-op, update.
      const created = await setWhatsNew(client, {
        buildId,
        locale: 'en-US',
        whatsNew: 'Try the new onboarding.',
      })
      const writesBefore = sandbox.state().requests.total
      expect(
        await setWhatsNew(client, { buildId, locale: 'en-US', whatsNew: 'Try the new onboarding.' }),
      ).toEqual(created)
      expect(sandbox.state().requests.total - writesBefore).toBe(1)
      await setWhatsNew(client, { buildId, locale: 'en-US', whatsNew: 'Try the new settings.' })
      expect((await findBetaBuildLocalizations(client, buildId)).map((l) => l.whatsNew)).toEqual([
        'Try the new settings.',
      ])

      // Groups: add to all in one call, read back, remove one.
      const groups = await listBetaGroups(client, app.id)
      await addBuildToBetaGroups(client, { appId: app.id, buildId, groupIds: groups.map((g) => g.id) })
      expect((await listBetaGroupsOfBuild(client, app.id, buildId)).map((g) => g.id).sort()).toEqual(
        groups.map((g) => g.id).sort(),
      )
      const first = groups[0]
      if (!first) throw new Error('no groups')
      expect((await listBuildsOfBetaGroup(client, first.id)).map((b) => b.id)).toContain(buildId)
      await removeBuildFromBetaGroups(client, { appId: app.id, buildId, groupIds: [first.id] })
      expect((await listBetaGroupsOfBuild(client, app.id, buildId)).map((g) => g.id)).not.toContain(first.id)

      // External beta review.
      await waitFor(
        async () =>
          (await getBuild(client, buildId)).betaDetail?.externalBuildState === 'READY_FOR_BETA_SUBMISSION',
        'beta detail',
      )
      const beta = await submitForBetaReview(client, buildId)
      expect(beta.state).toBe('WAITING_FOR_REVIEW')
      expect((await findBetaReviewSubmission(client, buildId))?.id).toBe(beta.id)
      expect((await getBuild(client, buildId)).betaReview?.id).toBe(beta.id)

      // App Store version: create with settings and build in one call, then change it.
      const nextHour = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000)
        .toISOString()
        .replace('.000Z', 'Z')
      const version = await createAppStoreVersion(client, {
        appId: app.id,
        platform: 'IOS',
        versionString: '1.1.0',
        copyright: '2026 Example Inc.',
        releaseType: 'SCHEDULED',
        earliestReleaseDate: nextHour,
        buildId,
      })
      expect(version).toMatchObject({
        versionString: '1.1.0',
        state: 'PREPARE_FOR_SUBMISSION',
        releaseType: 'SCHEDULED',
      })
      const updated = await updateAppStoreVersion(client, {
        id: version.id,
        releaseType: 'MANUAL',
        earliestReleaseDate: null,
      })
      expect(updated).toMatchObject({ releaseType: 'MANUAL', earliestReleaseDate: null })
      await attachBuildToVersion(client, { versionId: version.id, buildId })
      expect((await getVersionBuild(client, version.id))?.id).toBe(buildId)
      const [listed] = await listAppStoreVersions(client, app.id, { platform: 'IOS', versionString: '1.1.0' })
      expect(listed?.build?.id).toBe(buildId)

      // Phased release on, changed, off.
      const phased = await createPhasedRelease(client, { versionId: version.id })
      expect(phased.state).toBe('INACTIVE')
      expect(
        (await listAppStoreVersions(client, app.id, { versionString: '1.1.0' }))[0]?.phasedRelease?.id,
      ).toBe(phased.id)
      expect(await getPhasedRelease(client, version.id)).toEqual(phased)
      await updatePhasedRelease(client, { id: phased.id, versionId: version.id, state: 'INACTIVE' })
      await deletePhasedRelease(client, { id: phased.id, versionId: version.id })
      expect(await getPhasedRelease(client, version.id)).toBeNull()

      // What's New in every locale (1.1.0 is an update of 1.0.0, so review needs it); setting it twice sends once.
      const [localization] = await listVersionLocalizations(client, version.id)
      expect(localization).toMatchObject({ locale: 'en-US', whatsNew: null })
      const notes = await updateWhatsNew(client, { id: localization!.id, whatsNew: 'Faster sync.' })
      expect(notes).toMatchObject({ locale: 'en-US', whatsNew: 'Faster sync.' })
      expect(await listVersionLocalizations(client, version.id)).toEqual([notes])

      // Review submission: create, add the version, submit, find it open, cancel.
      const submission = await createReviewSubmission(client, { appId: app.id, platform: 'IOS' })
      expect(submission.state).toBe('READY_FOR_REVIEW')
      const item = await addVersionToReviewSubmission(client, {
        submissionId: submission.id,
        versionId: version.id,
      })
      expect(item.appStoreVersionId).toBe(version.id)
      expect((await listReviewSubmissionItems(client, submission.id)).map((i) => i.id)).toEqual([item.id])
      const submitted = await submitReviewSubmission(client, submission.id)
      expect(submitted.state).toBe('WAITING_FOR_REVIEW')
      const open = await listReviewSubmissions(client, { appId: app.id, platform: 'IOS' })
      expect(open.map((s) => s.id)).toEqual([submission.id])
      expect(open[0]?.items?.map((i) => i.id)).toEqual([item.id])
      expect(open[0]?.appStoreVersionId).toBe(version.id)
      const again = await createReviewSubmission(client, { appId: app.id, platform: 'IOS' }).catch(
        (e: unknown) => e,
      )
      expect(again).toBeInstanceOf(AscApiError)
      expect((again as AscApiError).status).toBe(409)
      expect((again as AscApiError).message).toContain(
        `There is another reviewSubmissions with id ${submission.id} still in progress`,
      )
      const canceled = await cancelReviewSubmission(client, submission.id)
      expect(['CANCELING', 'COMPLETE']).toContain(canceled.state)

      // Every write matched Apple's request schema, and every answer Apple's response schema.
      expect(new Set(checkRequestBodies())).toEqual(
        new Set([
          'BuildUploadCreateRequest',
          'BuildUploadFileCreateRequest',
          'BuildUploadFileUpdateRequest',
          'BetaBuildLocalizationCreateRequest',
          'BetaBuildLocalizationUpdateRequest',
          'BuildBetaGroupsLinkagesRequest',
          'BetaGroupBuildsLinkagesRequest',
          'BetaAppReviewSubmissionCreateRequest',
          'AppStoreVersionCreateRequest',
          'AppStoreVersionUpdateRequest',
          'AppStoreVersionBuildLinkageRequest',
          'AppStoreVersionPhasedReleaseCreateRequest',
          'AppStoreVersionPhasedReleaseUpdateRequest',
          'AppStoreVersionLocalizationUpdateRequest',
          'ReviewSubmissionCreateRequest',
          'ReviewSubmissionItemCreateRequest',
          'ReviewSubmissionUpdateRequest',
          ...(valid.usesNonExemptEncryption === null ? ['BuildUpdateRequest'] : []),
        ]),
      )
      expect(sandbox.schemaProblems()).toBe('')
    })
  })

  it('finds and abandons an upload that never got its bytes', async () => {
    await withSandbox({}, async (sandbox) => {
      const { client, checkRequestBodies } = clientFor(sandbox)
      const app = await findAppByBundleId(client, 'com.example.ascent.demo')
      if (!app) throw new Error('demo app missing')
      const upload = await createBuildUpload(client, {
        appId: app.id,
        version: '2.0.0',
        buildNumber: '7',
        platform: 'IOS',
      })
      const [listed] = await findBuildUploads(client, {
        appId: app.id,
        buildNumber: '7',
        states: ['AWAITING_UPLOAD'],
      })
      expect(listed?.id).toBe(upload.id)
      await deleteBuildUpload(client, upload.id)
      expect(await findBuildUploads(client, { appId: app.id, buildNumber: '7' })).toEqual([])
      expect(checkRequestBodies()).toEqual(['BuildUploadCreateRequest'])
      expect(sandbox.schemaProblems()).toBe('')
    })
  })
})
