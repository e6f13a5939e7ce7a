// Runs one Build Upload API upload in its own process so a test can SIGKILL it mid-way (bundled by the test
// with esbuild). Input: ASCENT_UPLOAD_CHILD (JSON). Output lines: `part <offset> <length>` after each journaled part.
import { createAscClient } from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import { createApiUploader, createAscBuildUploadApi, type UploadBuild } from '../../../electron/upload'

interface ChildInput {
  readonly url: string
  readonly keyId: string
  readonly issuerId: string
  readonly pem: string
  readonly journalDir: string
  readonly build: UploadBuild
  readonly concurrency: number
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
    journalDir: input.journalDir,
    concurrency: input.concurrency,
    pollIntervalMs: 20,
    onPartDone: (part) => process.stdout.write(`part ${part.offset} ${part.length}\n`),
  })
  const result = await uploader.upload(input.build)
  process.stdout.write(`done ${JSON.stringify(result)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
