import { z } from 'zod'
import { AscApiError } from '../asc/api-error'
import { applied, notApplied, type AscClient } from '../asc/client'
import {
  BuildUploadFileResponse,
  BuildUploadResponse,
  toBuildUploadFileRecord,
  toBuildUploadRecord,
  type BuildUploadApi,
  type BuildUploadFileRecord,
} from './build-upload-api'

const BuildUploadList = z.object({ data: z.array(BuildUploadResponse.shape.data) })
const BuildUploadFileList = z.object({ data: z.array(BuildUploadFileResponse.shape.data) })

function isNotFound(error: unknown): boolean {
  return error instanceof AscApiError && error.status === 404
}

/**
 * BuildUploadApi over Ascent's App Store Connect client (token, retries, Apple's errors verbatim).
 * Each mutation says how to tell, after a lost answer, whether Apple already did it, so none is done twice.
 */
export function createAscBuildUploadApi(client: AscClient): BuildUploadApi {
  async function readFile(id: string, signal?: AbortSignal): Promise<BuildUploadFileRecord | null> {
    try {
      const body = await client.request('GET', `/v1/buildUploadFiles/${encodeURIComponent(id)}`, {
        schema: BuildUploadFileResponse,
        signal,
      })
      return toBuildUploadFileRecord(body)
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  return {
    async createBuildUpload(input, signal) {
      const body = await client.mutate({
        method: 'POST',
        path: '/v1/buildUploads',
        body: {
          data: {
            type: 'buildUploads',
            attributes: {
              cfBundleShortVersionString: input.version,
              cfBundleVersion: input.buildNumber,
              platform: input.platform,
            },
            relationships: { app: { data: { type: 'apps', id: input.appId } } },
          },
        },
        schema: BuildUploadResponse,
        signal,
        alreadyApplied: async (checkSignal) => {
          const list = await client.request(
            'GET',
            `/v1/apps/${encodeURIComponent(input.appId)}/buildUploads`,
            {
              query: {
                'filter[cfBundleShortVersionString]': input.version,
                'filter[cfBundleVersion]': input.buildNumber,
                'filter[platform]': input.platform,
                'filter[state]': 'AWAITING_UPLOAD',
              },
              schema: BuildUploadList,
              signal: checkSignal,
            },
          )
          const found = list.data[0]
          return found ? applied({ data: found }) : notApplied
        },
      })
      return toBuildUploadRecord(body)
    },

    async readBuildUpload(id, signal) {
      try {
        const body = await client.request('GET', `/v1/buildUploads/${encodeURIComponent(id)}`, {
          query: { include: 'build' },
          schema: BuildUploadResponse,
          signal,
        })
        return toBuildUploadRecord(body)
      } catch (error) {
        if (isNotFound(error)) return null
        throw error
      }
    },

    async createBuildUploadFile(input, signal) {
      const body = await client.mutate({
        method: 'POST',
        path: '/v1/buildUploadFiles',
        body: {
          data: {
            type: 'buildUploadFiles',
            attributes: {
              fileName: input.fileName,
              fileSize: input.fileSize,
              uti: input.uti,
              assetType: input.assetType,
            },
            relationships: { buildUpload: { data: { type: 'buildUploads', id: input.buildUploadId } } },
          },
        },
        schema: BuildUploadFileResponse,
        signal,
        alreadyApplied: async (checkSignal) => {
          const list = await client.request(
            'GET',
            `/v1/buildUploads/${encodeURIComponent(input.buildUploadId)}/buildUploadFiles`,
            { schema: BuildUploadFileList, signal: checkSignal },
          )
          const found = list.data.find((f) => f.attributes?.uploadOperations !== undefined)
          return found ? applied({ data: found }) : notApplied
        },
      })
      return toBuildUploadFileRecord(body)
    },

    readBuildUploadFile: readFile,

    async commitBuildUploadFile(id, input, signal) {
      const body = await client.mutate({
        method: 'PATCH',
        path: `/v1/buildUploadFiles/${encodeURIComponent(id)}`,
        body: {
          data: {
            type: 'buildUploadFiles',
            id,
            attributes: {
              uploaded: true,
              ...(input.checksum
                ? {
                    sourceFileChecksums: {
                      file: { hash: input.checksum.hash, algorithm: input.checksum.algorithm },
                    },
                  }
                : {}),
            },
          },
        },
        schema: BuildUploadFileResponse,
        signal,
        alreadyApplied: async (checkSignal) => {
          const record = await readFile(id, checkSignal)
          const state = record?.deliveryState
          if (record && state && state !== 'AWAITING_UPLOAD') {
            // Committed already: answer with the current document.
            const again = await client.request('GET', `/v1/buildUploadFiles/${encodeURIComponent(id)}`, {
              schema: BuildUploadFileResponse,
              signal: checkSignal,
            })
            return applied(again)
          }
          return notApplied
        },
      })
      return toBuildUploadFileRecord(body)
    },
  }
}
