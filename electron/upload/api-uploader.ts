import { stat } from 'node:fs/promises'
import path from 'node:path'
import { AscentError } from '../../shared/errors'
import { sleepWithSignal } from '../asc/retry'
import type {
  BuildUploadApi,
  BuildUploadFileRecord,
  BuildUploadRecord,
  UploadOperation,
} from './build-upload-api'
import { createFileHash, type ChecksumAlgorithm, type FileHash, type RangeTap } from './checksum'
import { createResumeStateStore, type ResumeStateStore, type UploadResumeState } from './resume-state'
import { createPartSender, type PartOutcome, type PartSender } from './part-sender'
import { createProgressMeter } from './progress'
import type { UploadBuild, UploadOptions, UploadResult, Uploader } from './types'

export interface ApiUploaderOptions {
  readonly api: BuildUploadApi
  /** Where the resume state lives (the pipeline passes its run directory); without it nothing is resumable. */
  readonly resumeDir?: string
  /** Parts in flight at once. */
  readonly concurrency?: number
  /** Attempts per part before the upload fails (the first try included). */
  readonly partAttempts?: number
  readonly retryBaseMs?: number
  readonly retryMaxMs?: number
  readonly pollIntervalMs?: number
  /** How long Apple may take to accept the committed file (state leaves PROCESSING). */
  readonly pollTimeoutMs?: number
  /** false commits without a checksum (Apple accepts that); default true. */
  readonly checksum?: boolean
  /** Refresh an operation this long before its `expiration` instead of sending it. */
  readonly expiryMarginMs?: number
  readonly partSender?: PartSender
  readonly readChunkBytes?: number
  readonly now?: () => number
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly random?: () => number
  /** Called after each part Apple acknowledged (and after it is recorded): logs, tests, the kill-and-resume proof. */
  readonly onPartDone?: (part: {
    readonly offset: number
    readonly length: number
    readonly partNumber: number | null
  }) => void
}

const UTI = { ipa: 'com.apple.ipa', pkg: 'com.apple.pkg' } as const

function canceled(): AscentError {
  return new AscentError('CANCELED', 'the upload was canceled; run it again to send only the missing parts')
}

/** Apple's own words (e.g. "90189: Redundant Binary Upload…") are the message, worded as the client's wait words them. */
function failedUpload(
  build: UploadBuild,
  record: { readonly id: string; readonly errors: BuildUploadRecord['errors'] },
): AscentError {
  const reasons = record.errors.map((e) => [e.code, e.description].filter(Boolean).join(': ')).join('; ')
  return new AscentError(
    'ASC_ERROR',
    `App Store Connect rejected the upload of ${build.version} (${build.buildNumber}): ${reasons || 'no reason given'}`,
    { detail: `buildUpload ${record.id}` },
  )
}

/**
 * Uploads with App Store Connect's Build Upload API: create the buildUpload,
 * reserve the file, PUT each byte range from disk (several at once), commit with the checksum, wait until
 * Apple accepted or refused it. Every acknowledged part is recorded so a new run sends only what is missing.
 */
export function createApiUploader(options: ApiUploaderOptions): Uploader {
  const api = options.api
  const concurrency = Math.max(1, options.concurrency ?? 4)
  const partAttempts = Math.max(1, options.partAttempts ?? 5)
  const retryBaseMs = options.retryBaseMs ?? 500
  const retryMaxMs = options.retryMaxMs ?? 16_000
  const pollIntervalMs = options.pollIntervalMs ?? 120_000
  const pollTimeoutMs = options.pollTimeoutMs ?? 30 * 60_000
  const withChecksum = options.checksum ?? true
  const expiryMarginMs = options.expiryMarginMs ?? 30_000
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? sleepWithSignal
  const random = options.random ?? Math.random

  async function upload(build: UploadBuild, uploadOptions: UploadOptions = {}): Promise<UploadResult> {
    const signal = uploadOptions.signal
    if (signal?.aborted) throw canceled()
    if (!build.appId) {
      throw new AscentError(
        'BAD_INPUT',
        `no App Store Connect app id for ${build.bundleId}: the Build Upload API needs the app record; create it in App Store Connect first`,
      )
    }
    const appId = build.appId
    let info
    try {
      info = await stat(build.file)
    } catch (error) {
      throw new AscentError('BAD_BUILD', `${build.file}: cannot be read (${(error as Error).message})`, {
        cause: error,
      })
    }
    const fileSize = info.size
    const fileIdentity = { path: path.resolve(build.file), size: fileSize, mtimeMs: info.mtimeMs }
    const resumeStore: ResumeStateStore | null = options.resumeDir
      ? createResumeStateStore(options.resumeDir)
      : null
    const meter = createProgressMeter({ bytesTotal: fileSize, onProgress: uploadOptions.onProgress })
    meter.flush('preparing')

    let resume = await loadMatchingResumeState(resumeStore, build, fileIdentity)
    const save = async (next: UploadResumeState): Promise<void> => {
      resume = next
      if (resumeStore) await resumeStore.write(next)
    }

    // 1. The buildUpload: reuse the recorded one when Apple still has it.
    let buildUpload: BuildUploadRecord | null = null
    if (resume) {
      buildUpload = await api.readBuildUpload(resume.buildUploadId, signal)
      if (buildUpload?.state === 'FAILED') throw failedUpload(build, buildUpload)
      if (buildUpload?.state === 'COMPLETE') {
        meter.update(fileSize)
        meter.flush('verifying')
        return { method: 'api', buildUploadId: buildUpload.id }
      }
      if (buildUpload === null) resume = null
    }
    if (buildUpload === null || resume === null) {
      const target = {
        appId,
        version: build.version,
        buildNumber: build.buildNumber,
        platform: build.platform,
      }
      const earlier = uploadOptions.resumed
        ? await unrecordedUpload(api, target, path.basename(build.file), fileSize, signal)
        : null
      buildUpload = earlier?.upload ?? (await api.createBuildUpload(target, signal))
      await save({
        version: 1,
        file: fileIdentity,
        bundleId: build.bundleId,
        buildVersion: build.version,
        buildNumber: build.buildNumber,
        buildUploadId: buildUpload.id,
        buildUploadFileId: earlier?.fileId ?? null,
        doneParts: [],
        committed: false,
      })
    }
    const buildUploadId = buildUpload.id
    let current: UploadResumeState = resume ?? failInternal('resume state missing after create')
    // When this run sent its commit: Apple has not finished with the file at that instant.
    let committedAt: number | undefined

    if (!current.committed) {
      // 2. The file reservation, reused on resume: its operations come fresh with each read.
      let fileRecord: BuildUploadFileRecord | null = null
      if (current.buildUploadFileId)
        fileRecord = await api.readBuildUploadFile(current.buildUploadFileId, signal)
      if (fileRecord === null) {
        fileRecord = await api.createBuildUploadFile(
          {
            buildUploadId,
            fileName: path.basename(build.file),
            fileSize,
            uti: UTI[build.kind],
            assetType: 'ASSET',
          },
          signal,
        )
        current = { ...current, buildUploadFileId: fileRecord.id, doneParts: [] }
        await save(current)
      }
      if (fileRecord.deliveryState === 'FAILED') throw failedUpload(build, fileRecord)
      const alreadyDelivered =
        fileRecord.deliveryState === 'UPLOAD_COMPLETE' || fileRecord.deliveryState === 'COMPLETE'

      if (!alreadyDelivered) {
        // 3. The parts, with the whole-file checksum computed from the same reads.
        // SHA-256 unless Apple names MD5: it is the cheaper of the two here.
        const algorithm: ChecksumAlgorithm = fileRecord.checksumAlgorithm ?? 'SHA_256'
        const fileHash = withChecksum ? createFileHash(build.file, fileSize, algorithm) : null
        const onOuterAbort = (): void => fileHash?.abort()
        signal?.addEventListener('abort', onOuterAbort, { once: true })
        try {
          current = await sendParts(build.file, fileRecord, current, save, meter, signal, fileHash)
          meter.flush('committing')
          const checksum = fileHash ? await fileHash.digest() : null
          if (checksum && checksum.bytes !== fileSize) {
            throw new AscentError('BAD_BUILD', `${build.file} changed while it was uploaded; upload it again`)
          }
          const sentAt = now()
          const committed = await api.commitBuildUploadFile(
            fileRecord.id,
            { checksum: checksum ? { algorithm: checksum.algorithm, hash: checksum.hash } : null },
            signal,
          )
          if (committed.deliveryState === 'FAILED') throw failedUpload(build, committed)
          committedAt = sentAt
        } finally {
          signal?.removeEventListener('abort', onOuterAbort)
          fileHash?.abort()
        }
      } else {
        meter.update(fileSize)
      }
      current = { ...current, committed: true }
      await save(current)
    } else {
      meter.update(fileSize)
    }

    // 4. Wait until Apple accepted (COMPLETE) or refused (FAILED, with its codes verbatim) the file.
    meter.flush('verifying')
    const settled = await api.waitForBuildUpload(buildUploadId, {
      signal,
      intervalMs: pollIntervalMs,
      timeoutMs: pollTimeoutMs,
      sleep,
      now,
      ...(committedAt !== undefined ? { committedAt } : {}),
    })
    return { method: 'api', buildUploadId, buildId: settled.buildId }
  }

  async function sendParts(
    file: string,
    fileRecord: BuildUploadFileRecord,
    start: UploadResumeState,
    save: (resume: UploadResumeState) => Promise<void>,
    meter: ReturnType<typeof createProgressMeter>,
    signal: AbortSignal | undefined,
    fileHash: FileHash | null,
  ): Promise<UploadResumeState> {
    // No operations left (Apple lists only parts it has not received): straight to the commit, which names any gap.
    const sender =
      options.partSender ??
      createPartSender({ maxSockets: concurrency, readChunkBytes: options.readChunkBytes })
    let resume = start
    const doneKeys = new Set(resume.doneParts.map((p) => `${p.offset}:${p.length}`))
    let operations = fileRecord.uploadOperations
    const pending = [...operations]
      .filter((op) => !doneKeys.has(`${op.offset}:${op.length}`))
      .sort((a, b) => a.offset - b.offset)
    // Each part feeds the whole-file hash as it reads; the hash waits for a part's bytes rather than reading them.
    const taps = new Map<string, RangeTap>()
    if (fileHash) for (const op of pending) taps.set(`${op.offset}:${op.length}`, fileHash.tap(op.offset))
    let doneBytes = resume.doneParts.reduce((sum, p) => sum + p.length, 0)
    let inFlightBytes = 0
    meter.update(doneBytes, 'sending')

    // One refresh at a time: several parts may find their operation expired together.
    let refreshing: Promise<readonly UploadOperation[]> | null = null
    const refresh = (): Promise<readonly UploadOperation[]> => {
      refreshing ??= api
        .readBuildUploadFile(fileRecord.id, signal)
        .then((fresh) => {
          if (fresh === null)
            throw new AscentError(
              'ASC_ERROR',
              `App Store Connect no longer knows upload file ${fileRecord.id}; upload again`,
            )
          operations = fresh.uploadOperations
          return operations
        })
        .finally(() => {
          refreshing = null
        })
      return refreshing
    }
    const freshFor = async (op: UploadOperation): Promise<UploadOperation> => {
      const ops = await refresh()
      const match = ops.find((o) => o.offset === op.offset && o.length === op.length)
      if (!match)
        throw new AscentError(
          'ASC_ERROR',
          `App Store Connect no longer offers the part at byte ${op.offset}; upload again`,
        )
      return match
    }
    const isExpired = (op: UploadOperation): boolean =>
      op.expiration !== null && Date.parse(op.expiration) - expiryMarginMs <= now()

    const failure = new AbortController()
    const onOuterAbort = (): void => failure.abort()
    signal?.addEventListener('abort', onOuterAbort, { once: true })
    let firstError: unknown = null

    async function sendOne(initial: UploadOperation): Promise<void> {
      let op = operations.find((o) => o.offset === initial.offset && o.length === initial.length) ?? initial
      for (let attempt = 1; ; attempt++) {
        if (failure.signal.aborted)
          throw signal?.aborted
            ? canceled()
            : new AscentError('CANCELED', 'stopped after another part failed')
        if (isExpired(op)) op = await freshFor(op)
        let sent = 0
        const tap = taps.get(`${op.offset}:${op.length}`)
        const outcome: PartOutcome = await sender.send(file, op, {
          signal: failure.signal,
          onChunk: tap ? (offset, data, release) => tap.chunk(offset, data, release) : undefined,
          onBytes: (bytes) => {
            sent += bytes
            inFlightBytes += bytes
            meter.update(doneBytes + inFlightBytes)
          },
        })
        inFlightBytes -= sent
        if (outcome.kind === 'ok') {
          tap?.close()
          doneBytes += op.length
          meter.update(doneBytes + inFlightBytes)
          const part = { offset: op.offset, length: op.length }
          // Parts that finish together go into one write (the store keeps only the newest waiting state).
          resume = { ...resume, doneParts: [...resume.doneParts, part] }
          await save(resume)
          options.onPartDone?.({ ...part, partNumber: op.partNumber })
          return
        }
        meter.update(doneBytes + inFlightBytes)
        if (outcome.kind === 'canceled')
          throw signal?.aborted
            ? canceled()
            : new AscentError('CANCELED', 'stopped after another part failed')
        const where = `part ${op.partNumber ?? '?'} (bytes ${op.offset}–${op.offset + op.length - 1})`
        // A presigned URL that stopped working (expired signature) is re-requested, not retried as is.
        if (outcome.kind === 'http' && (outcome.status === 403 || outcome.status === 410)) {
          if (attempt >= partAttempts) {
            throw new AscentError(
              'NETWORK',
              `${where} was refused with HTTP ${outcome.status} even with a fresh upload URL`,
              {
                detail: outcome.body,
              },
            )
          }
          op = await freshFor(op)
          continue
        }
        const retryable =
          outcome.kind === 'network' ||
          outcome.status === 429 ||
          outcome.status === 408 ||
          outcome.status >= 500
        if (!retryable || attempt >= partAttempts) {
          const reason = outcome.kind === 'network' ? outcome.message : `HTTP ${outcome.status}`
          throw new AscentError(
            'NETWORK',
            `${where} failed after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${reason}; run the upload again to resume`,
            { detail: outcome.kind === 'http' ? outcome.body : undefined },
          )
        }
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1)) * (0.5 + random() / 2)
        const wait =
          outcome.kind === 'http' && outcome.retryAfterMs !== null
            ? Math.max(outcome.retryAfterMs, backoff)
            : backoff
        await sleep(wait, failure.signal).catch(() => undefined)
      }
    }

    let next = 0
    async function lane(): Promise<void> {
      while (next < pending.length && !failure.signal.aborted) {
        const op = pending[next++]
        if (!op) return
        try {
          await sendOne(op)
        } catch (error) {
          // The first real failure wins; the others are its consequence (aborted by it).
          if (firstError === null) firstError = error
          failure.abort()
          return
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, () => lane()))
    } finally {
      signal?.removeEventListener('abort', onOuterAbort)
      if (!options.partSender) sender.close()
    }
    if (signal?.aborted) throw canceled()
    if (firstError !== null) throw firstError
    meter.flush('sending')
    return resume
  }

  return { method: 'api', upload }
}

/**
 * The upload an earlier attempt started but could not write down (killed between App Store Connect's answer and
 * the resume state): awaiting its bytes, with no file or one reservation of this very file. Carrying on with it
 * keeps one upload per build; Apple refuses or piles up a second one. Another file's reservation is not ours.
 */
async function unrecordedUpload(
  api: BuildUploadApi,
  target: Parameters<BuildUploadApi['findAwaitingUpload']>[0],
  fileName: string,
  fileSize: number,
  signal: AbortSignal | undefined,
): Promise<{ readonly upload: BuildUploadRecord; readonly fileId: string | null } | null> {
  const found = await api.findAwaitingUpload(target, signal)
  if (!found) return null
  if (found.files.length === 0) return { upload: found.upload, fileId: null }
  const [file] = found.files
  const same =
    found.files.length === 1 &&
    file !== undefined &&
    file.fileName === fileName &&
    file.fileSize === fileSize &&
    file.deliveryState !== 'FAILED'
  return same ? { upload: found.upload, fileId: file.id } : null
}

async function loadMatchingResumeState(
  store: ResumeStateStore | null,
  build: UploadBuild,
  file: UploadResumeState['file'],
): Promise<UploadResumeState | null> {
  if (!store) return null
  const resume = await store.read()
  if (!resume) return null
  const same =
    resume.file.path === file.path &&
    resume.file.size === file.size &&
    resume.file.mtimeMs === file.mtimeMs &&
    resume.bundleId === build.bundleId &&
    resume.buildVersion === build.version &&
    resume.buildNumber === build.buildNumber
  // The state of another file (or the same path rebuilt) must not be resumed: its parts are other bytes.
  return same ? resume : null
}

function failInternal(message: string): never {
  throw new AscentError('INTERNAL', message)
}
