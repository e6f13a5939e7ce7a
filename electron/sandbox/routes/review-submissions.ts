import { randomUUID } from 'node:crypto'
import * as z from 'zod'
import { conflict, otherStateInvalid, relationshipInvalid } from '../errors'
import { SandboxPlatform } from '../seed'
import { assertReadyForReview } from '../readiness'
import { OPEN_SUBMISSION } from '../store'
import { insert } from './render'
import { relatedRecord, toOne } from './request-body'
import type { Route } from './call'
import { byId, collection, create, related, update } from './route'

const SUBMISSION_INCLUDES = ['items', 'appStoreVersionForReview']
const CANCELABLE = ['READY_FOR_REVIEW', 'WAITING_FOR_REVIEW', 'IN_REVIEW', 'UNRESOLVED_ISSUES']

const SubmissionCreate = z.strictObject({
  type: z.literal('reviewSubmissions'),
  attributes: z.strictObject({ platform: SandboxPlatform.nullable().optional() }).optional(),
  relationships: z.strictObject({ app: toOne('apps') }),
})
const SubmissionUpdate = z.strictObject({
  type: z.literal('reviewSubmissions'),
  id: z.string(),
  attributes: z
    .strictObject({
      platform: SandboxPlatform.nullable(),
      submitted: z.boolean().nullable(),
      canceled: z.boolean().nullable(),
    })
    .partial()
    .optional(),
})
const ItemCreate = z.strictObject({
  type: z.literal('reviewSubmissionItems'),
  relationships: z.strictObject({
    reviewSubmission: toOne('reviewSubmissions'),
    appStoreVersion: toOne('appStoreVersions'),
  }),
})

export const reviewSubmissionRoutes: readonly Route[] = [
  collection('GET /v1/reviewSubmissions', 'ReviewSubmissionsResponse', {
    paged: true,
    filters: ['app', 'platform', 'state'],
    required: ['app'],
    include: SUBMISSION_INCLUDES,
  }),
  byId('GET /v1/reviewSubmissions/{id}', 'ReviewSubmissionResponse', SUBMISSION_INCLUDES),
  related('GET /v1/reviewSubmissions/{id}/items', 'ReviewSubmissionItemsResponse', {
    query: { paged: true },
  }),
  create('POST /v1/reviewSubmissions', 'ReviewSubmissionResponse', SubmissionCreate, (c, d) => {
    const s = c.ctx.store
    const appId = relatedRecord(s.apps, 'app', d.relationships.app.data.id, '/data/relationships/app').id
    const platform = d.attributes?.platform ?? 'IOS'
    // Only one open review submission per app and platform.
    const open = [...s.reviewSubmissions.values()].find(
      (r) => r.appId === appId && r.platform === platform && OPEN_SUBMISSION.includes(r.state),
    )
    if (open)
      throw conflict(
        'ENTITY_ERROR',
        'The provided entity includes a relationship with an invalid value',
        `There is another reviewSubmissions with id ${open.id} still in progress.`,
        '/data/relationships/app',
      )
    return insert(s.reviewSubmissions, {
      id: randomUUID(),
      appId,
      platform,
      state: 'READY_FOR_REVIEW' as const,
      submittedAt: null,
      changedAt: null,
    })
  }),
  update(
    'PATCH /v1/reviewSubmissions/{id}',
    'ReviewSubmissionResponse',
    (ctx) => ctx.store.reviewSubmissions,
    SubmissionUpdate,
    (c, sub, d) => {
      const s = c.ctx.store
      const a = d.attributes ?? {}
      const versions = s.itemsOf(sub.id).map((i) => s.appStoreVersions.get(i.versionId))
      if (a.canceled) {
        if (!CANCELABLE.includes(sub.state))
          throw otherStateInvalid(
            `reviewSubmissions with id '${sub.id}' is ${sub.state} and cannot be canceled.`,
          )
        sub.state = 'CANCELING'
        sub.changedAt = s.now()
      } else if (a.submitted) {
        // After a rejection the same submission is submitted again once the problems are fixed.
        if (sub.state === 'UNRESOLVED_ISSUES')
          for (const i of s.itemsOf(sub.id)) if (i.state === 'REJECTED') i.state = 'READY_FOR_REVIEW'
        if (sub.state !== 'READY_FOR_REVIEW' && sub.state !== 'UNRESOLVED_ISSUES')
          throw otherStateInvalid(
            `reviewSubmissions with id '${sub.id}' is ${sub.state} and cannot be submitted.`,
          )
        if (versions.length === 0)
          throw otherStateInvalid(
            'This resource cannot be reviewed, please check associated errors to see why. The submission has no items.',
          )
        for (const v of versions) if (v) assertReadyForReview(s, v)
        sub.state = 'WAITING_FOR_REVIEW'
        sub.submittedAt = s.now()
        sub.changedAt = s.now()
        for (const v of versions) if (v) v.state = 'WAITING_FOR_REVIEW'
      }
    },
  ),
  create('POST /v1/reviewSubmissionItems', 'ReviewSubmissionItemResponse', ItemCreate, (c, d) => {
    const s = c.ctx.store
    const sub = relatedRecord(
      s.reviewSubmissions,
      'reviewSubmissions',
      d.relationships.reviewSubmission.data.id,
      '/data/relationships/reviewSubmission',
    )
    const versionId = d.relationships.appStoreVersion.data.id
    const v = s.appStoreVersions.get(versionId)
    if (!v || v.appId !== sub.appId || v.platform !== sub.platform)
      throw relationshipInvalid(
        `appStoreVersions with id '${versionId}' cannot be found for this submission's app and platform`,
        '/data/relationships/appStoreVersion',
      )
    if (sub.state !== 'READY_FOR_REVIEW')
      throw otherStateInvalid(
        `reviewSubmissions with id '${sub.id}' is ${sub.state} and takes no more items.`,
      )
    // A version can be in one open submission only.
    const other = [...s.reviewSubmissionItems.values()].find(
      (i) =>
        i.versionId === v.id &&
        i.state !== 'REMOVED' &&
        OPEN_SUBMISSION.includes(s.reviewSubmissions.get(i.submissionId)?.state ?? 'COMPLETE'),
    )
    if (other)
      throw relationshipInvalid(
        `appStoreVersions with id ${v.id} was already added to another reviewSubmission with id ${other.submissionId}`,
        '/data/relationships/appStoreVersion',
      )
    if (!v.buildId)
      throw otherStateInvalid(
        'This resource cannot be reviewed, please check associated errors to see why. The version has no build.',
      )
    s.assertVersionEditable(v)
    assertReadyForReview(s, v)
    const id = insert(s.reviewSubmissionItems, {
      id: randomUUID(),
      submissionId: sub.id,
      versionId: v.id,
      state: 'READY_FOR_REVIEW' as const,
    })
    v.state = 'READY_FOR_REVIEW'
    return id
  }),
]
