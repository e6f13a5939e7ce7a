import { isAscApiError } from '../asc/api-error'
import {
  commitBuildUploadFile,
  createBuildUpload,
  findBuildUploads,
  getBuildUpload,
  getBuildUploadFile,
  listBuildUploadFiles,
  reserveBuildUploadFile,
  waitForBuildUpload,
  type BuildUpload,
  type BuildUploadFile,
  type StateDetail as AscStateDetail,
} from '../asc/build-uploads'
import type { AscClient } from '../asc/client'
import type {
  BuildUploadApi,
  BuildUploadFileRecord,
  BuildUploadRecord,
  StateDetail,
} from './build-upload-api'

function toDetails(errors: readonly AscStateDetail[]): StateDetail[] {
  return errors.map((e) => ({ code: e.code ?? '', description: e.description ?? '' }))
}

function toRecord(upload: BuildUpload): BuildUploadRecord {
  return {
    id: upload.id,
    state: upload.state ?? 'AWAITING_UPLOAD',
    errors: toDetails(upload.errors),
    buildId: upload.buildId,
  }
}

function toFileRecord(file: BuildUploadFile): BuildUploadFileRecord {
  return {
    id: file.id,
    uploadOperations: file.uploadOperations,
    // Apple's choice wins; without one the uploader uses SHA-256 (the cheaper one to compute).
    checksumAlgorithm: file.checksumAlgorithm,
    deliveryState: file.deliveryState,
    errors: toDetails(file.errors),
  }
}

async function orNullOn404<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

/**
 * BuildUploadApi over the client's build-upload resources (electron/asc/build-uploads.ts): token, retries,
 * Apple's errors verbatim, and for each mutation a check that tells after a lost answer whether Apple already
 * did it, so none is done twice.
 */
export function createAscBuildUploadApi(client: AscClient): BuildUploadApi {
  return {
    createBuildUpload: async (input, signal) => toRecord(await createBuildUpload(client, input, { signal })),
    readBuildUpload: async (id, signal) => {
      const upload = await orNullOn404(getBuildUpload(client, id, { signal }))
      return upload && toRecord(upload)
    },
    findAwaitingUpload: async (input, signal) => {
      const [upload] = await findBuildUploads(client, { ...input, states: ['AWAITING_UPLOAD'], signal })
      if (!upload) return null
      const files = await listBuildUploadFiles(client, upload.id, { signal })
      return {
        upload: toRecord(upload),
        files: files.map((f) => ({
          id: f.id,
          fileName: f.fileName,
          fileSize: f.fileSize,
          deliveryState: f.deliveryState,
        })),
      }
    },
    createBuildUploadFile: async (input, signal) =>
      toFileRecord(
        await reserveBuildUploadFile(
          client,
          {
            uploadId: input.buildUploadId,
            fileName: input.fileName,
            fileSize: input.fileSize,
            uti: input.uti,
            assetType: input.assetType,
          },
          { signal },
        ),
      ),
    readBuildUploadFile: async (id, signal) => {
      const file = await orNullOn404(getBuildUploadFile(client, id, { signal }))
      return file && toFileRecord(file)
    },
    commitBuildUploadFile: async (id, input, signal) =>
      toFileRecord(
        await commitBuildUploadFile(
          client,
          input.checksum
            ? { id, checksum: { hash: input.checksum.hash, algorithm: input.checksum.algorithm } }
            : { id },
          { signal },
        ),
      ),
    waitForBuildUpload: async (id, options) => toRecord(await waitForBuildUpload(client, id, options)),
  }
}
