// Runs one Build Upload API upload in its own process, bundled with esbuild: the kill -9 test SIGKILLs it mid-way.
// Input: ASCENT_UPLOAD_CHILD (JSON).
// Output lines: `part <offset> <length>` after each journaled part (unless quiet), then `done <result as JSON>`.
import { createAscClient } from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import { createApiUploader, createAscBuildUploadApi, type UploadBuild } from '../../../electron/upload'

interface ChildInput {
  readonly url: string
  readonly keyId: string
  readonly issuerId: string
  readonly pem: string
  readonly resumeDir?: string
  readonly build: UploadBuild
  readonly concurrency: number
  readonly checksum?: 'none'
  readonly readChunkBytes?: number
  readonly quiet?: boolean
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.ASCENT_UPLOAD_CHILD ?? '{}') as ChildInput
  const client = createAscClient({
    baseUrl: input.url,
    tokens: createTokenSource({
      keyId: input.keyId,
      issuerId: input.issuerId,
      privateKey: parsePrivateKey(input.pem),
    }),
  })
  const uploader = createApiUploader({
    api: createAscBuildUploadApi(client),
    resumeDir: input.resumeDir,
    concurrency: input.concurrency,
    checksum: input.checksum !== 'none',
    readChunkBytes: input.readChunkBytes,
    pollIntervalMs: 20,
    onPartDone: (part) => {
      if (!input.quiet) process.stdout.write(`part ${part.offset} ${part.length}\n`)
    },
  })
  const result = await uploader.upload(input.build)
  process.stdout.write(`done ${JSON.stringify(result)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
