import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { build as esbuild } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createApiUploader,
  createAscBuildUploadApi,
  RESUME_STATE_FILE,
  type BuildUploadApi,
  type UploadResumeState,
  type UploadProgress,
} from '../../../electron/upload'
import { createPartSender, type PartSender } from '../../../electron/upload/part-sender'
import { startTestSandbox, type TestSandbox } from '../../support/sandbox'
import { clientFor, demoAppId, randomBuild, uploadState } from './upload-support'

const PART = 64 * 1024
let dir: string
let sandbox: TestSandbox
let api: BuildUploadApi
let appId: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-upload-test-'))
  sandbox = await startTestSandbox({ partSize: PART, processingMs: 40 })
  const client = clientFor(sandbox)
  api = createAscBuildUploadApi(client)
  appId = await demoAppId(client)
})
afterEach(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})

const fast = { pollIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20 }

describe('Build Upload API uploader against the sandbox', () => {
  it('uploads every byte once, commits the SHA-256 of the file and waits for COMPLETE', async () => {
    const size = 10 * PART + 12_345
    const { build, sha256 } = await randomBuild(dir, size, appId, '101')
    const events: UploadProgress[] = []
    const result = await createApiUploader({ api, ...fast }).upload(build, {
      onProgress: (p) => events.push(p),
    })

    expect(result.method).toBe('api')
    const state = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '')
    expect(state.state).toBe('COMPLETE')
    expect(state.buildId).not.toBeNull()
    const [file] = state.files
    expect(file).toMatchObject({
      fileName: 'App-101.ipa',
      fileSize: size,
      state: 'COMPLETE',
      parts: 11,
      partsReceived: 11,
    })
    expect(file?.bytesReceived).toBe(size)
    expect(file?.bytesTransferred).toBe(size)
    expect(file?.checksums?.file).toEqual({ hash: sha256, algorithm: 'SHA_256' })
    expect(events.at(-1)).toMatchObject({
      bytesDone: size,
      bytesTotal: size,
      etaSeconds: 0,
      phase: 'verifying',
    })
    expect(events.map((e) => e.phase)).toEqual(
      expect.arrayContaining(['preparing', 'sending', 'committing', 'verifying']),
    )
    // The JWT never travels to part URLs: the sandbox would have counted a verified request there otherwise.
    expect(sandbox.schemaProblems()).toBe('')
  })

  it('keeps the configured number of parts in flight', async () => {
    const { build } = await randomBuild(dir, 16 * PART, appId, '102')
    const counted = countingSender(createPartSender())
    await createApiUploader({ api, ...fast, concurrency: 4, partSender: counted.sender }).upload(build)
    expect(counted.maxInFlight()).toBe(4)

    const { build: other } = await randomBuild(dir, 8 * PART, appId, '103')
    const serial = countingSender(createPartSender())
    await createApiUploader({ api, ...fast, concurrency: 1, partSender: serial.sender }).upload(other)
    expect(serial.maxInFlight()).toBe(1)
  })

  it('records parts that finish together in one write of the resume state, and none before it has them', async () => {
    const { build } = await randomBuild(dir, 8 * PART, appId, '109')
    const resumeDir = path.join(dir, 'run')
    // Four parts in flight, each held after Apple's answer until all four have one: they finish in the same tick.
    const inner = createPartSender()
    const held: (() => void)[] = []
    const together: PartSender = {
      async send(file, op, options) {
        const outcome = await inner.send(file, op, options)
        await new Promise<void>((resolve) => {
          held.push(resolve)
          if (held.length % 4 === 0) for (const release of held.splice(0)) release()
        })
        return outcome
      },
      close: () => inner.close(),
    }
    const stateSays: string[] = []
    await createApiUploader({
      api,
      ...fast,
      concurrency: 4,
      resumeDir,
      partSender: together,
      onPartDone: (part) => {
        const state = JSON.parse(
          readFileSync(path.join(resumeDir, RESUME_STATE_FILE), 'utf8'),
        ) as UploadResumeState
        expect(state.doneParts).toContainEqual({ offset: part.offset, length: part.length })
        stateSays.push(state.doneParts.map((p) => p.offset).join(','))
      },
    }).upload(build)
    expect(stateSays).toHaveLength(8)
    // One write per four parts, not one per part.
    expect(new Set(stateSays).size).toBe(2)
  })

  it('retries a part that fails twice, then sends it and finishes', async () => {
    const size = 6 * PART
    const { build, sha256 } = await randomBuild(dir, size, appId, '104')
    sandbox.failPart({ partNumber: 3, times: 2, status: 503 })
    const events: UploadProgress[] = []
    const result = await createApiUploader({ api, ...fast }).upload(build, {
      onProgress: (p) => events.push(p),
    })
    // The failed tries took their bytes back inside the uploader; what it reports never goes back.
    const sent = events.map((e) => e.bytesDone)
    expect(sent).toEqual([...sent].sort((a, b) => a - b))
    expect(sent.at(-1)).toBe(size)
    const state = sandbox.state()
    expect(state.partFailures).toEqual([
      { fileId: null, partNumber: 3, status: 503, remaining: 0, injected: 2 },
    ])
    // Six parts, part 3 three times.
    expect(state.requests.byRoute['PUT /upload/{id}/{part}']).toBe(8)
    const [file] = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '').files
    expect(file?.bytesReceived).toBe(size)
    expect(file?.checksums?.file?.hash).toBe(sha256)
  })

  it('gives up on a part that keeps failing, naming it, and a later run resumes', async () => {
    const size = 6 * PART
    const { build, sha256 } = await randomBuild(dir, size, appId, '105')
    // Through the HTTP control endpoint, as a sandbox in another process is driven.
    const control = await fetch(`${sandbox.url}/__sandbox/fail-part`, {
      method: 'POST',
      body: JSON.stringify({ partNumber: 2, times: 3, status: 500 }),
    })
    expect(control.status).toBe(204)
    const resumeDir = path.join(dir, 'run')
    const error = await createApiUploader({ api, ...fast, partAttempts: 3, resumeDir })
      .upload(build)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NETWORK' })
    expect((error as Error).message).toMatch(/part 2 \(bytes 65536–131071\) failed after 3 tries: HTTP 500/)
    const result = await createApiUploader({ api, ...fast, resumeDir }).upload(build)
    const [file] = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '').files
    expect(file?.state).toBe('COMPLETE')
    expect(file?.checksums?.file?.hash).toBe(sha256)
  })

  it('re-requests expired operations before sending them', async () => {
    const { build } = await randomBuild(dir, 8 * PART, appId, '106')
    let expired = false
    const result = await createApiUploader({
      api,
      ...fast,
      concurrency: 1,
      onPartDone: () => {
        if (expired) return
        expired = true
        sandbox.expireUploadOperations()
      },
    }).upload(build)
    const state = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '')
    expect(state.state).toBe('COMPLETE')
    expect(state.files[0]?.bytesTransferred).toBe(8 * PART)
    expect(sandbox.state().requests.byRoute['GET /v1/buildUploadFiles/{id}']).toBeGreaterThanOrEqual(1)
  })

  it('re-requests an operation the server refuses as expired (403)', async () => {
    const { build } = await randomBuild(dir, 8 * PART, appId, '107')
    let expired = false
    const result = await createApiUploader({
      api,
      ...fast,
      concurrency: 1,
      // Trust the URL until the server says otherwise: the refusal path, not the clock check, is under test.
      expiryMarginMs: -24 * 3_600_000,
      onPartDone: () => {
        if (expired) return
        expired = true
        sandbox.expireUploadOperations()
      },
    }).upload(build)
    const state = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '')
    expect(state.state).toBe('COMPLETE')
    expect(state.files[0]?.bytesReceived).toBe(8 * PART)
    // The refused PUT is counted by the sandbox too: one more part request than parts.
    expect(sandbox.state().requests.byRoute['PUT /upload/{id}/{part}']).toBe(9)
  })

  it('cancel stops the upload; the next run sends only the missing parts', async () => {
    const size = 32 * PART
    const { build, sha256 } = await randomBuild(dir, size, appId, '108')
    const resumeDir = path.join(dir, 'run')
    const controller = new AbortController()
    let parts = 0
    const error = await createApiUploader({
      api,
      ...fast,
      concurrency: 1,
      resumeDir,
      onPartDone: () => {
        if (++parts === 3) controller.abort()
      },
    })
      .upload(build, { signal: controller.signal })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CANCELED' })
    const journal = JSON.parse(
      await readFile(path.join(resumeDir, RESUME_STATE_FILE), 'utf8'),
    ) as UploadResumeState
    expect(journal.doneParts).toHaveLength(3)
    const before = uploadState(sandbox, journal.buildUploadId).files[0]
    expect(before?.bytesReceived).toBe(3 * PART)

    const result = await createApiUploader({ api, ...fast, resumeDir }).upload(build)
    expect(result).toEqual({
      method: 'api',
      buildUploadId: journal.buildUploadId,
      buildId: expect.any(String),
    })
    const after = uploadState(sandbox, journal.buildUploadId).files[0]
    expect(after?.bytesReceived).toBe(size)
    expect((after?.bytesTransferred ?? 0) - (before?.bytesTransferred ?? 0)).toBe(size - 3 * PART)
    expect(after?.checksums?.file?.hash).toBe(sha256)
    expect(sandbox.state().buildUploads).toHaveLength(1)
  })

  it('after kill -9 mid-upload, a new run sends only the missing ranges', async () => {
    const size = 256 * PART
    const { build, sha256 } = await randomBuild(dir, size, appId, '109')
    const resumeDir = path.join(dir, 'run')
    const child = path.join(dir, 'upload-child.cjs')
    await esbuild({
      entryPoints: [path.join(__dirname, 'upload-child.ts')],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    })
    const input = {
      url: sandbox.url,
      keyId: sandbox.keyId,
      issuerId: sandbox.issuerId,
      pem: sandbox.privateKeyPem,
      resumeDir,
      build,
      concurrency: 2,
    }
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, ASCENT_UPLOAD_CHILD: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exit = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.once('exit', (_code, sig) => resolve(sig)),
    )
    let seen = 0
    let buffered = ''
    proc.stdout.setEncoding('utf8')
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk
      seen = buffered.split('\n').filter((l) => l.startsWith('part ')).length
      if (seen >= 5) proc.kill('SIGKILL')
    })
    expect(await exit).toBe('SIGKILL')

    const journal = JSON.parse(
      await readFile(path.join(resumeDir, RESUME_STATE_FILE), 'utf8'),
    ) as UploadResumeState
    const atKill = uploadState(sandbox, journal.buildUploadId).files[0]
    expect(journal.doneParts.length).toBeGreaterThanOrEqual(5)
    expect(atKill?.bytesReceived).toBeLessThan(size)

    const result = await createApiUploader({ api, ...fast, resumeDir }).upload(build)
    expect(result).toEqual({
      method: 'api',
      buildUploadId: journal.buildUploadId,
      buildId: expect.any(String),
    })
    const after = uploadState(sandbox, journal.buildUploadId).files[0]
    expect(after?.bytesReceived).toBe(size)
    // Exactly the ranges the sandbox did not have were sent again, nothing else.
    expect((after?.bytesTransferred ?? 0) - (atKill?.bytesTransferred ?? 0)).toBe(
      size - (atKill?.bytesReceived ?? 0),
    )
    expect(after?.checksums?.file?.hash).toBe(sha256)
    expect(sandbox.state().buildUploads).toHaveLength(1)
  })

  it("shows Apple's FAILED state errors verbatim (90189 redundant binary)", async () => {
    const a = await randomBuild(dir, 2 * PART, appId, '110')
    const b = { ...a.build, file: path.join(dir, 'copy.ipa') }
    await import('node:fs/promises').then((fs) => fs.copyFile(a.build.file, b.file))
    // Both uploads exist before either is processed; the second one to finish is a redundant binary.
    const results = await Promise.allSettled([
      createApiUploader({ api, ...fast }).upload(a.build),
      createApiUploader({ api, ...fast }).upload(b),
    ])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    expect(failed[0]?.reason).toMatchObject({ code: 'ASC_ERROR' })
    expect(String((failed[0]?.reason as Error).message)).toMatch(
      /^App Store Connect rejected the upload of 2\.0\.0 \(110\): 90189: Redundant Binary Upload\. You've already uploaded a build with build number '110'/,
    )
  })

  it('uses MD5 when that is the algorithm App Store Connect names', async () => {
    const { build, md5 } = await randomBuild(dir, 3 * PART, appId, '111')
    // Apple names the algorithm in the reservation's sourceFileChecksums; the sandbox names none, so its answer
    // is given that field on the way to the client (the adapter and the client's parsing are what is tested).
    const namingMd5: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (init?.method !== 'POST' || !String(input).endsWith('/v1/buildUploadFiles')) return response
      const doc = (await response.json()) as { data: { attributes: Record<string, unknown> } }
      doc.data.attributes.sourceFileChecksums = { file: { hash: null, algorithm: 'MD5' } }
      return new Response(JSON.stringify(doc), { status: response.status, headers: response.headers })
    }
    const md5Api = createAscBuildUploadApi(clientFor(sandbox, namingMd5))
    const result = await createApiUploader({ api: md5Api, ...fast }).upload(build)
    const [file] = uploadState(sandbox, result.method === 'api' ? result.buildUploadId : '').files
    expect(file?.checksums?.file).toEqual({ hash: md5, algorithm: 'MD5' })
  })

  it('refuses a build without an app id before calling App Store Connect', async () => {
    const { build } = await randomBuild(dir, PART, appId, '112')
    const { appId: _omitted, ...withoutApp } = build
    await expect(createApiUploader({ api }).upload(withoutApp)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    expect(sandbox.state().buildUploads).toHaveLength(0)
  })
})

function countingSender(inner: PartSender): { sender: PartSender; maxInFlight: () => number } {
  let inFlight = 0
  let max = 0
  return {
    sender: {
      async send(file, op, options) {
        inFlight++
        max = Math.max(max, inFlight)
        try {
          return await inner.send(file, op, options)
        } finally {
          inFlight--
        }
      },
      close: () => inner.close(),
    },
    maxInFlight: () => max,
  }
}
