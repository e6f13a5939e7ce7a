import { randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { ApiError, conflict, relationshipNotFound } from './errors'
import type { SandboxPlatform } from './seed'
import { iso, type SandboxStore } from './store'
import { hashFile, RunningHash } from './upload-hash'

export type StateDetail = { readonly code: string; readonly description: string }
export type BuildUpload = {
  id: string
  appId: string
  cfBundleShortVersionString: string
  cfBundleVersion: string
  platform: SandboxPlatform
  createdAt: number
  uploadedAt: number | null
  state: 'AWAITING_UPLOAD' | 'PROCESSING' | 'FAILED' | 'COMPLETE'
  errors: StateDetail[]
  buildId: string | null
}
export type Part = {
  number: number
  offset: number
  length: number
  token: string
  expiresAt: number
  received: boolean
  /** PUTs streaming into this range right now. */
  writers: number
}
export type Checksums = {
  file?: { hash?: string; algorithm?: 'MD5' | 'SHA_256' }
  composite?: { hash?: string; algorithm?: 'MD5' }
}
export type BuildUploadFile = {
  id: string
  uploadId: string
  fileName: string
  fileSize: number
  uti: string
  assetType: 'ASSET' | 'ASSET_DESCRIPTION' | 'ASSET_SPI'
  assetToken: string
  state: 'AWAITING_UPLOAD' | 'UPLOAD_COMPLETE' | 'COMPLETE' | 'FAILED'
  errors: StateDetail[]
  checksums: Checksums | null
  parts: Part[]
  /** Bytes of distinct parts stored, and every byte that arrived (repeats and refused parts too). */
  bytesReceived: number
  bytesTransferred: number
  path: string
  /** SHA-256 of the settled prefix, kept current as parts land so commit need not re-read the file. */
  sha256: RunningHash
}

/** Test control (POST /__sandbox/fail-part): the next `remaining` PUTs of a part are answered with `status`. */
export type PartFailure = {
  readonly fileId: string | null
  readonly partNumber: number
  readonly status: number
  remaining: number
  injected: number
}

/** Presigned part URLs are good for an hour, like the ones App Store Connect hands out. */
const OPERATION_TTL_MS = 3_600_000
const PART_CONTENT_TYPE = 'application/octet-stream'
/** Bytes buffered between the socket and the file: the socket keeps reading while a write is in progress. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024

function partError(status: number, detail: string): ApiError {
  return new ApiError(status, [
    {
      code: status === 403 ? 'FORBIDDEN_ERROR' : 'PARAMETER_ERROR.INVALID',
      title: 'The upload part was refused',
      detail,
    },
  ])
}

export class UploadStore {
  readonly uploads = new Map<string, BuildUpload>()
  readonly files = new Map<string, BuildUploadFile>()
  readonly partFailures: PartFailure[] = []

  constructor(
    private readonly store: SandboxStore,
    private readonly dir: string,
    private readonly base: () => string,
    private readonly partSize: number,
  ) {}

  filesOf(uploadId: string): BuildUploadFile[] {
    return [...this.files.values()].filter((f) => f.uploadId === uploadId)
  }

  createUpload(
    appId: string,
    platform: SandboxPlatform,
    shortVersion: string,
    bundleVersion: string,
  ): BuildUpload {
    const app = this.store.apps.get(appId)
    if (!app) {
      throw relationshipNotFound('app', appId, '/data/relationships/app')
    }
    if (!app.platforms.includes(platform)) {
      throw conflict(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        'The provided entity includes an attribute with an invalid value',
        `The app '${app.bundleId}' is not available on ${platform}.`,
        '/data/attributes/platform',
      )
    }
    if (this.store.findBuild(appId, platform, shortVersion, bundleVersion))
      throw redundantBinary(shortVersion, bundleVersion, 'conflict')
    const upload: BuildUpload = {
      id: randomUUID(),
      appId,
      cfBundleShortVersionString: shortVersion,
      cfBundleVersion: bundleVersion,
      platform,
      createdAt: this.store.now(),
      uploadedAt: null,
      state: 'AWAITING_UPLOAD',
      errors: [],
      buildId: null,
    }
    this.uploads.set(upload.id, upload)
    return upload
  }

  async createFile(
    uploadId: string,
    a: { fileName: string; fileSize: number; uti: string; assetType: BuildUploadFile['assetType'] },
  ): Promise<BuildUploadFile> {
    const upload = this.uploads.get(uploadId)
    if (!upload) {
      throw relationshipNotFound('buildUploads', uploadId, '/data/relationships/buildUpload')
    }
    if (
      upload.state !== 'AWAITING_UPLOAD' ||
      this.filesOf(uploadId).some((f) => f.assetType === a.assetType)
    ) {
      throw conflict(
        'STATE_ERROR.ENTITY_STATE_INVALID',
        'The request cannot be fulfilled because of the state of another resource.',
        `buildUploads with id '${uploadId}' does not accept another ${a.assetType} file.`,
      )
    }
    const id = randomUUID()
    const now = this.store.now()
    const parts: Part[] = []
    for (let offset = 0, n = 1; offset < a.fileSize; offset += this.partSize, n++) {
      parts.push({
        number: n,
        offset,
        length: Math.min(this.partSize, a.fileSize - offset),
        token: randomBytes(12).toString('hex'),
        expiresAt: now + OPERATION_TTL_MS,
        received: false,
        writers: 0,
      })
    }
    const path = join(this.dir, `${id}.bin`)
    await writeFile(path, '')
    const file: BuildUploadFile = {
      id,
      uploadId,
      ...a,
      assetToken: `sandbox-asset-${id}`,
      state: 'AWAITING_UPLOAD',
      errors: [],
      checksums: null,
      parts,
      bytesReceived: 0,
      bytesTransferred: 0,
      path,
      sha256: new RunningHash(path, a.fileSize, () => parts),
    }
    this.files.set(id, file)
    return file
  }

  /** Operations for the parts not yet received (all of them right after the reservation). */
  pendingOperations(f: BuildUploadFile): object[] {
    if (f.state !== 'AWAITING_UPLOAD') return []
    return f.parts
      .filter((p) => !p.received)
      .map((p) => ({
        method: 'PUT',
        url: `${this.base()}/upload/${f.id}/${p.number}?signature=${p.token}`,
        length: p.length,
        offset: p.offset,
        partNumber: p.number,
        requestHeaders: [{ name: 'Content-Type', value: PART_CONTENT_TYPE }],
        expiration: iso(p.expiresAt),
      }))
  }

  /** Re-signs expired operations when the file is read again (a client's recovery path). */
  renewExpired(f: BuildUploadFile): void {
    const now = this.store.now()
    for (const p of f.parts) {
      if (p.expiresAt <= now)
        Object.assign(p, { token: randomBytes(12).toString('hex'), expiresAt: now + OPERATION_TTL_MS })
    }
  }

  /** Test control: every operation handed out so far is expired. */
  expireOperations(): void {
    const past = this.store.now() - 1000
    for (const f of this.files.values()) for (const p of f.parts) p.expiresAt = past
  }

  /** PUT of one part: checks signature, expiry, headers and byte count, then stores the bytes at their offset. */
  async receivePart(
    fileId: string,
    partNumber: number,
    signature: string | null,
    req: IncomingMessage,
  ): Promise<void> {
    const file = this.files.get(fileId)
    const part = file?.parts.find((p) => p.number === partNumber)
    if (!file || !part)
      throw new ApiError(404, [
        {
          code: 'NOT_FOUND',
          title: 'The upload part does not exist',
          detail: `No part ${partNumber} of file ${fileId}`,
        },
      ])
    if (signature !== part.token) throw partError(403, 'The request signature does not match this part.')
    if (part.expiresAt <= this.store.now())
      throw partError(
        403,
        'The upload operation has expired; read the buildUploadFile again for fresh operations.',
      )
    if (file.state !== 'AWAITING_UPLOAD')
      throw partError(409, `The file is ${file.state} and takes no more parts.`)
    if (req.headers['content-type'] !== PART_CONTENT_TYPE)
      throw partError(400, `Send the requestHeaders of the operation (Content-Type: ${PART_CONTENT_TYPE}).`)
    const declared = Number(req.headers['content-length'])
    if (!Number.isInteger(declared) || declared !== part.length) {
      throw partError(
        400,
        `Content-Length must be ${part.length} for part ${partNumber} (bytes ${part.offset}-${part.offset + part.length - 1}), got ${req.headers['content-length'] ?? 'none'}.`,
      )
    }
    const failure = this.partFailures.find(
      (f) => f.partNumber === partNumber && (f.fileId === null || f.fileId === fileId) && f.remaining > 0,
    )
    if (failure) {
      // Like a storage host that fails after taking the body: the client sees the answer, not a reset.
      for await (const chunk of req as AsyncIterable<Buffer>) file.bytesTransferred += chunk.length
      failure.remaining--
      failure.injected++
      throw new ApiError(failure.status, [
        {
          code: 'SANDBOX_INJECTED_FAILURE',
          title: 'The upload part failed',
          detail: `Injected failure of part ${partNumber} (POST /__sandbox/fail-part).`,
        },
      ])
    }
    file.sha256.touched(part.offset)
    const wasReceived = part.received
    part.writers++
    let received = 0
    // One write stream per part: the socket keeps flowing while earlier chunks are written, and buffered
    // chunks go down in one writev. Content-Length was checked, so the parser delivers at most part.length.
    req.on('data', (chunk: Buffer) => {
      file.bytesTransferred += chunk.length
      received += chunk.length
      if (received > part.length) req.destroy(new Error('more bytes than the part holds'))
    })
    let ok: boolean
    try {
      await pipeline(
        req,
        createWriteStream(file.path, { flags: 'r+', start: part.offset, highWaterMark: WRITE_BUFFER_BYTES }),
      )
      ok = received === part.length
    } catch {
      ok = false
    } finally {
      part.writers--
    }
    if (!ok) {
      // A broken re-send left the range half overwritten: it is no longer the part that was received.
      if (wasReceived && part.received) {
        part.received = false
        file.bytesReceived -= part.length
      }
      throw partError(400, `Part ${partNumber} carried ${received} bytes; expected ${part.length}.`)
    }
    if (!part.received) file.bytesReceived += part.length
    part.received = true
    void file.sha256.advance()
  }

  /** Test control: fail the next `times` PUTs of a part (of one file, or of any file) with `status`. */
  failPart(rule: { fileId?: string | null; partNumber: number; times: number; status: number }): void {
    this.partFailures.push({
      fileId: rule.fileId ?? null,
      partNumber: rule.partNumber,
      status: rule.status,
      remaining: rule.times,
      injected: 0,
    })
  }

  /** PATCH uploaded:true — every part must be there and the checksum, when given, must match. */
  async commit(
    file: BuildUploadFile,
    uploaded: boolean | null | undefined,
    checksums: Checksums | null | undefined,
  ): Promise<void> {
    if (checksums) {
      const { hash, algorithm } = checksums.file ?? {}
      if (hash && algorithm) {
        const actual =
          (algorithm === 'SHA_256' ? await file.sha256.digest() : null) ??
          (await hashFile(file.path, algorithm === 'MD5' ? 'md5' : 'sha256'))
        if (actual !== hash.toLowerCase()) {
          throw conflict(
            'ENTITY_ERROR.ATTRIBUTE.INVALID',
            'The provided entity includes an attribute with an invalid value',
            `The ${algorithm} checksum ${hash} does not match the uploaded file (${actual}).`,
            '/data/attributes/sourceFileChecksums',
          )
        }
      }
      file.checksums = checksums
    }
    if (!uploaded || file.state !== 'AWAITING_UPLOAD') return
    const missing = file.parts.filter((p) => !p.received).map((p) => p.number)
    if (missing.length > 0) {
      throw conflict(
        'STATE_ERROR.ENTITY_STATE_INVALID',
        'The request cannot be fulfilled because of the state of the resource.',
        `Parts ${missing.join(', ')} of ${file.fileName} have not been uploaded.`,
      )
    }
    file.state = 'UPLOAD_COMPLETE'
    const upload = this.uploads.get(file.uploadId)
    if (
      upload &&
      upload.state === 'AWAITING_UPLOAD' &&
      this.filesOf(upload.id).every((f) => f.state !== 'AWAITING_UPLOAD')
    ) {
      upload.state = 'PROCESSING'
      upload.uploadedAt = this.store.now()
    }
  }

  /** Processing of a committed upload: after a quarter of processingMs it becomes a build (or fails as a redundant binary). */
  advance(): void {
    const now = this.store.now()
    const { processingMs } = this.store.timers
    for (const u of this.uploads.values()) {
      if (u.state !== 'PROCESSING' || u.uploadedAt === null || now < u.uploadedAt + processingMs / 4) continue
      const app = this.store.apps.get(u.appId)
      const files = this.filesOf(u.id)
      if (
        !app ||
        this.store.findBuild(u.appId, u.platform, u.cfBundleShortVersionString, u.cfBundleVersion)
      ) {
        u.state = 'FAILED'
        u.errors = [redundantBinary(u.cfBundleShortVersionString, u.cfBundleVersion, 'detail')]
        for (const f of files) f.state = 'FAILED'
        continue
      }
      const build = this.store.addBuild(
        app,
        u.platform,
        u.cfBundleShortVersionString,
        u.cfBundleVersion,
        u.uploadedAt,
        u.uploadedAt + processingMs,
        app.uploadOutcome,
        u.id,
      )
      u.buildId = build.id
      u.state = 'COMPLETE'
      for (const f of files) f.state = 'COMPLETE'
    }
  }
}

function redundantBinary(version: string, build: string, as: 'detail'): StateDetail
function redundantBinary(version: string, build: string, as: 'conflict'): ApiError
function redundantBinary(version: string, build: string, as: 'detail' | 'conflict'): StateDetail | ApiError {
  // ITMS-90189, Apple's wording for a build number used twice in one version train.
  const description = `Redundant Binary Upload. You've already uploaded a build with build number '${build}' for version number '${version}'. Make sure you increment the build string before you upload your app to App Store Connect.`
  if (as === 'detail') return { code: '90189', description }
  return conflict(
    'STATE_ERROR.VALIDATION_ERROR.90189',
    'Redundant Binary Upload',
    description,
    '/data/attributes/cfBundleVersion',
  )
}
