import * as z from 'zod'
import { otherStateInvalid } from '../errors'
import { idsWhere } from '../resources'
import { SandboxPlatform } from '../seed'
import { renderOne, requireRecord } from './render'
import { toOne } from './request-body'
import type { Route } from './call'
import { byId, create, endpoint, related, remove, update } from './route'

// The Build Upload API: a buildUpload with one buildUploadFile per asset, parts PUT to uploadOperations.
const Checksum = z.strictObject({ hash: z.string(), algorithm: z.enum(['MD5', 'SHA_256']) }).partial()
const UploadCreate = z.strictObject({
  type: z.literal('buildUploads'),
  attributes: z.strictObject({
    cfBundleShortVersionString: z.string().min(1),
    cfBundleVersion: z.string().min(1),
    platform: SandboxPlatform,
  }),
  relationships: z.strictObject({ app: toOne('apps') }),
})
const FileCreate = z.strictObject({
  type: z.literal('buildUploadFiles'),
  attributes: z.strictObject({
    fileName: z.string().min(1),
    fileSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    uti: z.enum([
      'com.apple.binary-property-list',
      'com.apple.ipa',
      'com.apple.pkg',
      'com.apple.xml-property-list',
      'com.pkware.zip-archive',
    ]),
    assetType: z.enum(['ASSET', 'ASSET_DESCRIPTION', 'ASSET_SPI']),
  }),
  relationships: z.strictObject({ buildUpload: toOne('buildUploads') }),
})
const FileUpdate = z.strictObject({
  type: z.literal('buildUploadFiles'),
  id: z.string(),
  attributes: z
    .strictObject({
      uploaded: z.boolean().nullable().optional(),
      sourceFileChecksums: z
        .strictObject({
          file: Checksum.optional(),
          composite: z
            .strictObject({ hash: z.string(), algorithm: z.literal('MD5') })
            .partial()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .optional(),
})

const UPLOAD_INCLUDES = ['build', 'assetFile']

export const buildUploadRoutes: readonly Route[] = [
  related('GET /v1/apps/{id}/buildUploads', 'BuildUploadsResponse', {
    query: {
      paged: true,
      filters: ['cfBundleShortVersionString', 'cfBundleVersion', 'platform', 'state'],
      include: UPLOAD_INCLUDES,
      sort: ['uploadedDate', '-uploadedDate', 'cfBundleVersion', '-cfBundleVersion'],
    },
    type: 'buildUploads',
    ids: (ctx, appId) => idsWhere(ctx.uploads.uploads, (u) => u.appId === appId),
  }),
  byId('GET /v1/buildUploads/{id}', 'BuildUploadResponse', UPLOAD_INCLUDES),
  related('GET /v1/buildUploads/{id}/buildUploadFiles', 'BuildUploadFilesResponse', {
    query: { paged: true },
    type: 'buildUploadFiles',
    ids: (ctx, uploadId) => ctx.uploads.filesOf(uploadId).map((f) => f.id),
  }),
  create('POST /v1/buildUploads', 'BuildUploadResponse', UploadCreate, (c, d) => {
    const a = d.attributes
    return c.ctx.uploads.createUpload(
      d.relationships.app.data.id,
      a.platform,
      a.cfBundleShortVersionString,
      a.cfBundleVersion,
    ).id
  }),
  remove(
    'DELETE /v1/buildUploads/{id}',
    (ctx) => ctx.uploads.uploads,
    (u) => {
      if (u.state !== 'AWAITING_UPLOAD')
        throw otherStateInvalid(`buildUploads with id '${u.id}' is ${u.state} and cannot be deleted.`)
    },
  ),
  create('POST /v1/buildUploadFiles', 'BuildUploadFileResponse', FileCreate, (c, d) => {
    return c.ctx.uploads.createFile(d.relationships.buildUpload.data.id, d.attributes).id
  }),
  endpoint('GET /v1/buildUploadFiles/{id}', (c) => {
    // Reading a file whose upload operations have expired hands out fresh ones, as Apple does.
    const f = requireRecord(c.ctx.uploads.files, 'buildUploadFiles', c.params.id)
    c.ctx.uploads.renewExpired(f)
    return renderOne(c, 'buildUploadFiles', f.id, 'BuildUploadFileResponse')
  }),
  update(
    'PATCH /v1/buildUploadFiles/{id}',
    'BuildUploadFileResponse',
    (ctx) => ctx.uploads.files,
    FileUpdate,
    (c, f, d) => {
      const a = d.attributes ?? {}
      c.ctx.uploads.commit(f, a.uploaded, a.sourceFileChecksums)
    },
  ),
]
