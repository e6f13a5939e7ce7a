import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ApiError, attributeInvalid, conflict, otherStateInvalid, relationshipNotFound } from './errors'
import type { SandboxPlatform } from './seed'
import { iso, type SandboxStore } from './store'
import { hashChunks, PartVerifier } from './upload-hash'
import { checkUploadedFiles, ProcessingCheck } from './upload-validation'
import { versionTrainRefusals } from './version-train'
import { compareVersionStrings } from '../asc/version-order'

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
  /** Apple's validation of the uploaded build, started when the last file is committed. */
  processing: ProcessingCheck | null
}
type Part = {
  number: number
  offset: number
  length: number
  token: string
  expiresAt: number
  received: boolean
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
  /** SHA-256 of the parts in file order, hashed as they arrive: the sandbox stores no uploaded bytes. */
  verifier: PartVerifier
  /**
   * Small files only (<= RETAIN_FILE_BYTES): the last complete bytes of each part, so an MD5 commit or a part
   * sent again with other bytes can still be checked exactly. Dropped once the upload is processed.
   */
  retained: (Buffer[] | undefined)[] | null
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
/**
 * Parts after a gap wait in memory until the gap closes (4 in flight x 16 MiB needs 48 MiB at most); a PUT
 * that does not fit is answered 503 (a storage host's "slow down"), and the uploader retries it later.
 */
const MAX_BUFFERED_BYTES = 128 * 1024 * 1024
/** Files up to this size keep their bytes in memory so every checksum can be checked exactly. */
const RETAIN_FILE_BYTES = 64 * 1024 * 1024

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
    private readonly base: () => string,
    private readonly partSize: number,
  ) {}

  /** macOS takes only a build number higher than every earlier upload (ITMS-90061): the one it is not higher than. */
  private macBuildNotHigher(appId: string, platform: SandboxPlatform, bundleVersion: string): string | null {
    if (platform !== 'MAC_OS') return null
    const highest = this.store.highestBuildNumber(appId, platform)
    return highest !== null && compareVersionStrings(bundleVersion, highest) <= 0 ? highest : null
  }

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
      throw attributeInvalid(
        `The app '${app.bundleId}' is not available on ${platform}.`,
        '/data/attributes/platform',
      )
    }
    if (this.store.findBuild(appId, platform, shortVersion, bundleVersion))
      throw redundantBinary(shortVersion, bundleVersion, 'conflict')
    const notHigher = this.macBuildNotHigher(appId, platform, bundleVersion)
    if (notHigher !== null) throw buildNotHigher(bundleVersion, notHigher, 'conflict')
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
      processing: null,
    }
    this.uploads.set(upload.id, upload)
    return upload
  }

  createFile(
    uploadId: string,
    a: { fileName: string; fileSize: number; uti: string; assetType: BuildUploadFile['assetType'] },
  ): BuildUploadFile {
    const upload = this.uploads.get(uploadId)
    if (!upload) {
      throw relationshipNotFound('buildUploads', uploadId, '/data/relationships/buildUpload')
    }
    if (
      upload.state !== 'AWAITING_UPLOAD' ||
      this.filesOf(uploadId).some((f) => f.assetType === a.assetType)
    ) {
      throw otherStateInvalid(
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
      })
    }
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
      verifier: new PartVerifier(parts, MAX_BUFFERED_BYTES),
      retained: a.fileSize <= RETAIN_FILE_BYTES ? [] : null,
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
    await this.injectPartFailure(fileId, partNumber, req, (n) => (file.bytesTransferred += n))
    const index = file.parts.indexOf(part)
    const receipt = file.verifier.begin(index)
    if (!receipt) {
      for await (const chunk of req as AsyncIterable<Buffer>) file.bytesTransferred += chunk.length
      throw new ApiError(
        503,
        [
          {
            code: 'SERVICE_UNAVAILABLE',
            title: 'Slow down',
            detail: `Too many parts after a gap are waiting for part ${file.parts[file.verifier.nextIndex]?.number ?? '?'}; send that one first, then this one again.`,
          },
        ],
        { 'Retry-After': '1' },
      )
    }
    const kept: Buffer[] | null = file.retained ? [] : null
    let received: number
    try {
      received = await streamPart(req, part.length, (chunk) => {
        file.bytesTransferred += chunk.length
        receipt.write(chunk)
        kept?.push(chunk)
      })
    } catch {
      received = -1
    }
    if (received !== part.length) {
      // Nothing half-written to undo: a broken PUT leaves the part as it was.
      receipt.abort()
      throw partError(
        400,
        `Part ${partNumber} carried ${received < 0 ? 'an incomplete body' : `${received} bytes`}; expected ${part.length}.`,
      )
    }
    receipt.finish()
    if (file.retained && kept) file.retained[index] = kept
    if (!part.received) file.bytesReceived += part.length
    part.received = true
  }

  /**
   * Fails this PUT when a POST /__sandbox/fail-part rule asks for it (builds and screenshots alike): like a
   * storage host that fails after taking the body, so the client sees the answer, not a reset.
   */
  async injectPartFailure(
    fileId: string,
    partNumber: number,
    req: IncomingMessage,
    onBytes: (n: number) => void = () => undefined,
  ): Promise<void> {
    const failure = this.partFailures.find(
      (f) => f.partNumber === partNumber && (f.fileId === null || f.fileId === fileId) && f.remaining > 0,
    )
    if (!failure) return
    for await (const chunk of req as AsyncIterable<Buffer>) onBytes(chunk.length)
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
  commit(
    file: BuildUploadFile,
    uploaded: boolean | null | undefined,
    checksums: Checksums | null | undefined,
  ): void {
    const missing = file.parts.filter((p) => !p.received).map((p) => p.number)
    const missingParts = (): ApiError =>
      conflict(
        'STATE_ERROR.ENTITY_STATE_INVALID',
        'The request cannot be fulfilled because of the state of the resource.',
        `Parts ${missing.join(', ')} of ${file.fileName} have not been uploaded.`,
      )
    if (checksums) {
      const { hash, algorithm } = checksums.file ?? {}
      if (hash && algorithm) {
        // A checksum of a file with gaps cannot match anything: name the gaps instead.
        if (missing.length > 0) throw missingParts()
        const actual = fileDigest(file, algorithm)
        if (typeof actual !== 'string') {
          throw attributeInvalid(
            `The sandbox cannot check the ${algorithm} checksum of ${file.fileName}: ${actual.reason}.`,
            '/data/attributes/sourceFileChecksums',
          )
        }
        if (actual !== hash.toLowerCase()) {
          throw attributeInvalid(
            `The ${algorithm} checksum ${hash} does not match the uploaded file (${actual}).`,
            '/data/attributes/sourceFileChecksums',
          )
        }
      }
      file.checksums = checksums
    }
    if (!uploaded || file.state !== 'AWAITING_UPLOAD') return
    if (missing.length > 0) throw missingParts()
    file.state = 'UPLOAD_COMPLETE'
    const upload = this.uploads.get(file.uploadId)
    if (
      upload &&
      upload.state === 'AWAITING_UPLOAD' &&
      this.filesOf(upload.id).every((f) => f.state !== 'AWAITING_UPLOAD')
    ) {
      upload.state = 'PROCESSING'
      upload.uploadedAt = this.store.now()
      upload.processing = checkUploadedFiles(this.filesOf(upload.id), upload.uploadedAt)
    }
  }

  /** Processing of a committed upload: after a quarter of processingMs it becomes a build (or fails as a redundant binary). */
  advance(): void {
    const now = this.store.now()
    const { processingMs } = this.store.timers
    for (const u of this.uploads.values()) {
      if (u.state !== 'PROCESSING' || u.uploadedAt === null || now < u.uploadedAt + processingMs / 4) continue
      // Apple is still reading the build: it stays PROCESSING until the checks are done.
      if (u.processing && u.processing.errors === null) continue
      const app = this.store.apps.get(u.appId)
      const files = this.filesOf(u.id)
      if (
        !app ||
        this.store.findBuild(u.appId, u.platform, u.cfBundleShortVersionString, u.cfBundleVersion)
      ) {
        u.state = 'FAILED'
        u.errors = [redundantBinary(u.cfBundleShortVersionString, u.cfBundleVersion, 'detail')]
        for (const f of files) Object.assign(f, { state: 'FAILED', retained: null })
        continue
      }
      const notHigher = this.macBuildNotHigher(u.appId, u.platform, u.cfBundleVersion)
      if (notHigher !== null) {
        u.state = 'FAILED'
        u.errors = [buildNotHigher(u.cfBundleVersion, notHigher, 'detail')]
        for (const f of files) Object.assign(f, { state: 'FAILED', retained: null })
        continue
      }
      // Apple's upload validation: the version train, then what the build itself breaks.
      const refusals = [...versionTrainRefusals(this.store, u), ...(u.processing?.errors ?? [])]
      const build = this.store.addBuild(
        app,
        u.platform,
        u.cfBundleShortVersionString,
        u.cfBundleVersion,
        u.uploadedAt,
        u.uploadedAt + processingMs,
        refusals.length > 0 ? 'INVALID' : app.uploadOutcome,
        u.id,
      )
      build.deviceFamilies = u.processing?.deviceFamilies ?? null
      build.usesNonExemptEncryption = u.processing?.usesNonExemptEncryption ?? null
      if (refusals.length > 0) {
        // Refused by validation: the build exists (its number is used) and is INVALID; the upload says why.
        u.buildId = build.id
        u.state = 'FAILED'
        u.errors = [...refusals]
        for (const f of files) Object.assign(f, { state: 'FAILED', retained: null })
        continue
      }
      u.buildId = build.id
      u.state = 'COMPLETE'
      for (const f of files) Object.assign(f, { state: 'COMPLETE', retained: null })
    }
  }
}

/**
 * The file's hash from what the sandbox kept: the streamed SHA-256, else the retained bytes of a small file,
 * else the checksum a commit already verified (after processing dropped the bytes).
 */
function fileDigest(file: BuildUploadFile, algorithm: 'MD5' | 'SHA_256'): string | { reason: string } {
  const streamed = algorithm === 'SHA_256' ? file.verifier.digest() : null
  if (streamed !== null) return streamed
  const retained = file.retained
  if (retained && file.parts.every((_, i) => retained[i] !== undefined)) {
    return hashChunks(
      file.parts.map((_, i) => retained[i] ?? []),
      algorithm === 'MD5' ? 'md5' : 'sha256',
    )
  }
  const verified = file.checksums?.file
  if (verified?.algorithm === algorithm && verified.hash) return verified.hash.toLowerCase()
  return {
    reason:
      file.verifier.problem ??
      `it keeps no bytes of files over ${RETAIN_FILE_BYTES / 1024 / 1024} MiB and checks those with SHA_256 as they arrive`,
  }
}

/** Feeds a request body to `onChunk` as it arrives; resolves with its byte count, rejects if it breaks off. */
function streamPart(req: IncomingMessage, limit: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0
    req.on('data', (chunk: Buffer) => {
      received += chunk.length
      // Content-Length was checked, so the parser should never pass more; refuse rather than trust it.
      if (received > limit) {
        reject(new Error('more bytes than the part holds'))
        req.destroy()
        return
      }
      onChunk(chunk)
    })
    req.once('end', () => resolve(received))
    req.once('error', reject)
    req.once('close', () => reject(new Error('the request closed before its end')))
  })
}

function buildNotHigher(build: string, previous: string, as: 'detail'): StateDetail
function buildNotHigher(build: string, previous: string, as: 'conflict'): ApiError
function buildNotHigher(build: string, previous: string, as: 'detail' | 'conflict'): StateDetail | ApiError {
  // ITMS-90061, Apple's wording for a macOS build number that is not higher than an earlier upload's.
  const description = `This bundle is invalid. The value for key CFBundleVersion [${build}] in the Info.plist file must contain a higher version than that of the previously uploaded version [${previous}].`
  if (as === 'detail') return { code: '90061', description }
  return conflict(
    'STATE_ERROR.VALIDATION_ERROR.90061',
    'Invalid Bundle Version',
    description,
    '/data/attributes/cfBundleVersion',
  )
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
