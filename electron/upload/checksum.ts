import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import { AscentError } from '../../shared/errors'
import type { ChecksumAlgorithm } from '../asc/build-uploads'

/** The two algorithms App Store Connect accepts in `sourceFileChecksums`. */
export type { ChecksumAlgorithm } from '../asc/build-uploads'

export interface FileChecksum {
  readonly algorithm: ChecksumAlgorithm
  /** Lowercase hex of the whole file. */
  readonly hash: string
}

/** 'worker' hashes on another thread (another core) while the main thread streams parts; 'inline' on the main thread. */
export type ChecksumMode = 'worker' | 'inline'

const NODE_ALGORITHM: Record<ChecksumAlgorithm, string> = { SHA_256: 'sha256', MD5: 'md5' }
const CHUNK_BYTES = 4 * 1024 * 1024

/**
 * The whole-file hash is sequential by nature while the parts go out in parallel, so it reads the file a second
 * time, in order, on its own. The second read comes from the page cache; on loopback the hash costs as much as
 * the upload (measured by `npm run bench:upload`), so it must not sit on the upload's critical path: a worker thread puts
 * it on the other core. Memory: one 4 MiB buffer.
 */
// Plain CommonJS so it runs with `eval: true` from a bundle (dist-cli) and from sources (vitest) alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const crypto = require('node:crypto')
try {
  const hash = crypto.createHash(workerData.algorithm)
  const fd = fs.openSync(workerData.file, 'r')
  const buffer = Buffer.allocUnsafe(workerData.chunkBytes)
  let position = 0
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, position)
      if (n === 0) break
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n))
      position += n
    }
  } finally {
    fs.closeSync(fd)
  }
  parentPort.postMessage({ ok: true, hash: hash.digest('hex'), bytes: position })
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error && error.message || error) })
}
`

export function hashFile(
  file: string,
  algorithm: ChecksumAlgorithm,
  options: { readonly signal?: AbortSignal; readonly mode?: ChecksumMode } = {},
): Promise<FileChecksum & { readonly bytes: number }> {
  return options.mode === 'inline'
    ? hashInline(file, algorithm, options.signal)
    : hashInWorker(file, algorithm, options.signal)
}

function canceled(): AscentError {
  return new AscentError('CANCELED', 'the upload was canceled while the checksum was computed')
}

function hashInWorker(
  file: string,
  algorithm: ChecksumAlgorithm,
  signal: AbortSignal | undefined,
): Promise<FileChecksum & { readonly bytes: number }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceled())
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, algorithm: NODE_ALGORITHM[algorithm], chunkBytes: CHUNK_BYTES },
    })
    const onAbort = (): void => {
      void worker.terminate()
      reject(canceled())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.once('message', (message: { ok: boolean; hash?: string; bytes?: number; message?: string }) => {
      signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      if (message.ok && message.hash !== undefined && message.bytes !== undefined) {
        resolve({ algorithm, hash: message.hash, bytes: message.bytes })
      } else {
        reject(
          new AscentError(
            'BAD_BUILD',
            `${file}: could not be read for its checksum: ${message.message ?? 'unknown error'}`,
          ),
        )
      }
    })
    worker.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(new AscentError('INTERNAL', `checksum of ${file} failed: ${error.message}`, { cause: error }))
    })
  })
}

async function hashInline(
  file: string,
  algorithm: ChecksumAlgorithm,
  signal: AbortSignal | undefined,
): Promise<FileChecksum & { readonly bytes: number }> {
  const hash = createHash(NODE_ALGORITHM[algorithm])
  const handle = await open(file, 'r')
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
  let position = 0
  try {
    for (;;) {
      if (signal?.aborted) throw canceled()
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead))
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
  return { algorithm, hash: hash.digest('hex'), bytes: position }
}
