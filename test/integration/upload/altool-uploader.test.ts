import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAltoolUploader, createUploader, type UploadProgress } from '../../../electron/upload'

const STANDIN_BIN = path.resolve(__dirname, '../../fixtures/bin')
const KEY_ID = 'ABCDE12345'
const ISSUER = '69a6de70-0000-47e3-e053-5b8c7c11a4d1'
const PEM = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString()

let dir: string
let tempKeys: string
let argvFile: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ascent-altool-test-'))
  tempKeys = path.join(dir, 'keys-parent')
  await import('node:fs/promises').then((fs) => fs.mkdir(tempKeys))
  argvFile = path.join(dir, 'argv.ndjson')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function buildFile(name: string): Promise<{ file: string; size: number }> {
  const file = path.join(dir, name)
  const bytes = Buffer.alloc(2_500_000, 7)
  await writeFile(file, bytes)
  return { file, size: bytes.length }
}

function uploaderFor(
  extraEnv: Record<string, string>,
  overrides: { watchdogMs?: number; attempts?: number } = {},
) {
  return createAltoolUploader({
    credentials: { keyId: KEY_ID, issuerId: ISSUER, privateKeyPem: async () => PEM },
    env: {
      ...process.env,
      PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      XCRUN_STANDIN_ARGV_FILE: argvFile,
      ...extraEnv,
    },
    tempDir: tempKeys,
    retryWaitMs: 1,
    watchdogMs: overrides.watchdogMs ?? 10_000,
    attempts: overrides.attempts ?? 3,
    killGraceMs: 200,
  })
}

async function recordedRuns(): Promise<{ argv: string[]; keyFileFound: boolean; keysDir: string }[]> {
  const text = await readFile(argvFile, 'utf8')
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { argv: string[]; keyFileFound: boolean; keysDir: string })
}

/** A zombie (dead, not yet reaped by init in a container) counts as dead. */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return !/^\d+ \(.*\) Z/.test(stat)
}

const buildOf = (file: string, size: number, appId?: string) => ({
  file,
  kind: 'ipa' as const,
  bundleId: 'com.example.ascent.demo',
  version: '1.2.3',
  buildNumber: '45',
  platform: 'IOS' as const,
  sizeBytes: size,
  ...(appId ? { appId } : {}),
})

describe('altool uploader with the stand-in xcrun', () => {
  it('uploads, parses progress lines into bytes, and passes the key only as a file in a private directory', async () => {
    const { file, size } = await buildFile('App.ipa')
    const events: UploadProgress[] = []
    const result = await uploaderFor({}).upload(buildOf(file, size, '1234567890'), {
      onProgress: (p) => events.push(p),
    })

    expect(result).toEqual({ method: 'altool', deliveryId: '20d105d6-1244-4846-8813-6d7d2bac535d' })
    const sending = events.filter((e) => e.phase === 'sending' && e.bytesDone > 0)
    expect(sending.length).toBeGreaterThan(0)
    expect(events.at(-1)?.bytesDone).toBe(size)
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone)

    const [run] = await recordedRuns()
    expect(run?.keyFileFound).toBe(true)
    expect(run?.argv).toEqual([
      'altool',
      '--upload-package',
      file,
      '--platform',
      'ios',
      '--apple-id',
      '1234567890',
      '--bundle-id',
      'com.example.ascent.demo',
      '--bundle-version',
      '45',
      '--bundle-short-version-string',
      '1.2.3',
      '--api-key',
      KEY_ID,
      '--api-issuer',
      ISSUER,
      '--output-format',
      'json',
      '--show-progress',
    ])
    expect(run?.argv.join(' ')).not.toContain('PRIVATE KEY')
    expect(run?.keysDir.startsWith(tempKeys)).toBe(true)
    // The private key directory is gone once the upload returns.
    expect(await readdir(tempKeys)).toEqual([])
  })

  it('falls back to --upload-app -f with --type when the app id is unknown', async () => {
    const { file, size } = await buildFile('App.ipa')
    await uploaderFor({}).upload({ ...buildOf(file, size), platform: 'TV_OS' })
    const [run] = await recordedRuns()
    expect(run?.argv.slice(0, 5)).toEqual(['altool', '--upload-app', '-f', file, '--type'])
    expect(run?.argv[5]).toBe('appletvos')
  })

  it("reports an authentication failure with Apple's words after retrying it", async () => {
    const { file, size } = await buildFile('App.ipa')
    const error = await uploaderFor({ XCRUN_STANDIN_MODE: 'auth' }, { attempts: 2 })
      .upload(buildOf(file, size))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'BAD_KEY' })
    expect((error as Error).message).toContain('Unable to authenticate.')
    expect((error as Error).message).toContain(KEY_ID)
    expect((error as Error).message).not.toContain('BEGIN')
    expect(await recordedRuns()).toHaveLength(2)
    expect(await readdir(tempKeys)).toEqual([])
  })

  it('retries a transient authentication failure and then succeeds', async () => {
    const { file, size } = await buildFile('App.ipa')
    const counter = path.join(dir, 'runs')
    const result = await uploaderFor({
      XCRUN_STANDIN_MODE: 'flaky-auth',
      XCRUN_STANDIN_COUNTER: counter,
    }).upload(buildOf(file, size))
    expect(result.method).toBe('altool')
    expect(await recordedRuns()).toHaveLength(2)
  })

  it('detects a duplicate build although altool exits 0 (Xcode 26)', async () => {
    const { file, size } = await buildFile('App-duplicate.ipa')
    const error = await uploaderFor({})
      .upload(buildOf(file, size))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ASC_ERROR' })
    expect((error as Error).message).toContain(
      'The bundle version must be higher than the previously uploaded version.',
    )
    expect((error as Error).message).toContain('ENTITY_ERROR.ATTRIBUTE.INVALID.DUPLICATE')
    // Not a retryable failure: one run only.
    expect(await recordedRuns()).toHaveLength(1)
  })

  it('kills a run that prints nothing for the watchdog time, with its helper process', async () => {
    const { file, size } = await buildFile('App-hang.ipa')
    const pidFile = path.join(dir, 'pids')
    // Long enough for the stand-in to start, record its pids and print its banner on a loaded machine first.
    const error = await uploaderFor({ XCRUN_STANDIN_PID_FILE: pidFile }, { watchdogMs: 3000 })
      .upload(buildOf(file, size))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NETWORK' })
    expect((error as Error).message).toMatch(/printed nothing for/)
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number)
    expect(pids).toHaveLength(2)
    for (const pid of pids) expect(await alive(pid)).toBe(false)
    expect(await readdir(tempKeys)).toEqual([])
  })

  it('cancel kills the process group and leaves no temp key file', async () => {
    const { file, size } = await buildFile('App-hang.ipa')
    const pidFile = path.join(dir, 'pids')
    const controller = new AbortController()
    const uploader = createAltoolUploader({
      credentials: { keyId: KEY_ID, issuerId: ISSUER, privateKeyPem: async () => PEM },
      env: {
        ...process.env,
        PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
        XCRUN_STANDIN_PID_FILE: pidFile,
      },
      tempDir: tempKeys,
      killGraceMs: 200,
      // The first line altool prints means it is running (and its helper started before it): cancel then.
      onLine: () => controller.abort(),
    })
    const error = await uploader
      .upload(buildOf(file, size), { signal: controller.signal })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CANCELED' })
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number)
    for (const pid of pids) expect(await alive(pid)).toBe(false)
    expect(await readdir(tempKeys)).toEqual([])
  })

  it('auto picks altool when `xcrun altool --version` works', async () => {
    const uploader = await createUploader({
      method: 'auto',
      altool: {
        credentials: { keyId: KEY_ID, issuerId: ISSUER, privateKeyPem: async () => PEM },
        env: { ...process.env, PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}` },
      },
      api: { api: unusedApi() },
    })
    expect(uploader.method).toBe('altool')
    const without = await createUploader({
      method: 'auto',
      altool: {
        credentials: { keyId: KEY_ID, issuerId: ISSUER, privateKeyPem: async () => PEM },
        env: { ...process.env, PATH: '/nonexistent' },
      },
      api: { api: unusedApi() },
    })
    expect(without.method).toBe('api')
  })
})

function unusedApi() {
  const fail = (): never => {
    throw new Error('not used')
  }
  return {
    createBuildUpload: fail,
    readBuildUpload: fail,
    findAwaitingUpload: fail,
    createBuildUploadFile: fail,
    readBuildUploadFile: fail,
    commitBuildUploadFile: fail,
    waitForBuildUpload: fail,
  }
}
