import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AscentError } from '../../shared/errors'
import type { Platform } from '../../shared/build-summary'
import { describeAltoolFailure, judgeAltoolOutput, parseAltoolProgress } from './altool-output'
import { sleepWithSignal } from '../asc/retry'
import { createProgressMeter } from './progress'
import { runSubprocess, type SpawnFunction } from './subprocess'
import type { UploadBuild, UploadOptions, UploadResult, Uploader } from './types'

export interface AltoolCredentials {
  readonly keyId: string
  /** null for an individual key. */
  readonly issuerId: string | null
  /** The .p8 PEM, asked for only when altool is about to run (main process only); never logged. */
  readonly privateKeyPem: () => Promise<string>
}

export interface AltoolUploaderOptions {
  readonly credentials: AltoolCredentials
  /** `xcrun` by default; tests put a stand-in first on PATH or name it here. */
  readonly xcrun?: string
  /** Environment for altool (PATH, HOME…); API_PRIVATE_KEYS_DIR is added per run. */
  readonly env?: NodeJS.ProcessEnv
  /** Stop altool when it printed nothing for this long. */
  readonly watchdogMs?: number
  /** After a cancel or the watchdog: SIGTERM, then SIGKILL after this long. */
  readonly killGraceMs?: number
  /** Runs in total for a failure altool or Apple calls temporary. */
  readonly attempts?: number
  readonly retryWaitMs?: number
  /** Parent of the private key directory; the OS temp dir by default. */
  readonly tempDir?: string
  readonly spawn?: SpawnFunction
  /** Every altool output line (already free of secrets: altool never prints the key). */
  readonly onLine?: (line: string) => void
}

const ALTOOL_PLATFORM: Record<Platform, string> = {
  IOS: 'ios',
  TV_OS: 'appletvos',
  MAC_OS: 'macos',
  VISION_OS: 'visionos',
}

/** Whether `xcrun altool --version` runs here (macOS with Xcode or its command line tools). */
export async function altoolAvailable(
  options: { readonly xcrun?: string; readonly env?: NodeJS.ProcessEnv; readonly spawn?: SpawnFunction } = {},
): Promise<boolean> {
  try {
    const result = await runSubprocess({
      command: options.xcrun ?? 'xcrun',
      args: ['altool', '--version'],
      env: options.env,
      watchdogMs: 15_000,
      spawn: options.spawn,
    })
    return result.exitCode === 0
  } catch {
    return false
  }
}

/** The argv for one upload: the modern --upload-package form when the app id is known (altool(1), Xcode 26). */
function altoolArguments(build: UploadBuild, keyId: string, issuerId: string | null): string[] {
  const platform = ALTOOL_PLATFORM[build.platform]
  const target = build.appId
    ? [
        '--upload-package',
        build.file,
        '--platform',
        platform,
        '--apple-id',
        build.appId,
        '--bundle-id',
        build.bundleId,
        '--bundle-version',
        build.buildNumber,
        '--bundle-short-version-string',
        build.version,
      ]
    : ['--upload-app', '-f', build.file, '--type', platform]
  // An individual key has no issuer; altool still requires --api-issuer (fastlane passes the key id) plus subject user.
  const auth = issuerId
    ? ['--api-key', keyId, '--api-issuer', issuerId]
    : ['--api-key', keyId, '--api-issuer', keyId, '--api-key-subject', 'user']
  return ['altool', ...target, ...auth, '--output-format', 'json', '--show-progress']
}

/**
 * Uploads with `xcrun altool` and an API key. The key is written as AuthKey_<KEY_ID>.p8 into a fresh private
 * directory (0700, file 0600) handed to altool as API_PRIVATE_KEYS_DIR, never into the user's own
 * ~/.appstoreconnect/private_keys, and removed when the run ends however it ends.
 */
export function createAltoolUploader(options: AltoolUploaderOptions): Uploader {
  const attempts = Math.max(1, options.attempts ?? 3)
  const retryWaitMs = options.retryWaitMs ?? 5000
  const watchdogMs = options.watchdogMs ?? 10 * 60_000

  async function upload(build: UploadBuild, uploadOptions: UploadOptions = {}): Promise<UploadResult> {
    const { signal } = uploadOptions
    if (signal?.aborted) throw new AscentError('CANCELED', 'the upload was canceled')
    const { keyId, issuerId } = options.credentials
    if (!/^[A-Z0-9]{6,20}$/i.test(keyId))
      throw new AscentError('BAD_KEY', `"${keyId}" is not an App Store Connect key id`)
    // altool's progress lines are already coarse (a few per part): every one is passed on.
    const meter = createProgressMeter({
      bytesTotal: build.sizeBytes,
      onProgress: uploadOptions.onProgress,
      intervalMs: 0,
    })
    meter.flush('preparing')

    const keyDir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'ascent-altool-'))
    // If this process exits while altool runs (a quit, an uncaught error), the key still goes.
    const removeKey = (): void => rmSync(keyDir, { recursive: true, force: true })
    process.once('exit', removeKey)
    try {
      const pem = await options.credentials.privateKeyPem()
      await writeFile(path.join(keyDir, `AuthKey_${keyId}.p8`), pem, { mode: 0o600, flag: 'wx' })
      const env = { ...(options.env ?? process.env), API_PRIVATE_KEYS_DIR: keyDir }
      const args = altoolArguments(build, keyId, issuerId)

      for (let attempt = 1; ; attempt++) {
        meter.update(0, 'sending')
        const result = await runSubprocess({
          command: options.xcrun ?? 'xcrun',
          args,
          env,
          expectedExitCodes: 'any',
          signal,
          watchdogMs,
          killGraceMs: options.killGraceMs,
          secrets: [pem.trim()],
          onLine: (line) => {
            options.onLine?.(line)
            const p = parseAltoolProgress(line)
            if (!p) return
            if (p.bytesDone !== null) meter.update(p.bytesDone)
            else if (p.percent !== null) meter.update(Math.round((p.percent / 100) * build.sizeBytes))
          },
        })
        const verdict = judgeAltoolOutput(result)
        if (verdict.success) {
          meter.update(build.sizeBytes)
          meter.flush('verifying')
          return { method: 'altool', deliveryId: verdict.deliveryId ?? '' }
        }
        const reason = describeAltoolFailure(verdict, result.exitCode)
        if (verdict.retryable && attempt < attempts) {
          await sleepWithSignal(retryWaitMs * attempt, signal)
          continue
        }
        if (verdict.authFailed) {
          throw new AscentError(
            'BAD_KEY',
            `altool could not authenticate with key ${keyId}: ${reason}. Check the key id, the issuer id and that the key is not revoked.`,
          )
        }
        throw new AscentError(
          'ASC_ERROR',
          `altool could not upload ${path.basename(build.file)}: ${reason}`,
          {
            detail: verdict.errorLines.join('\n') || undefined,
          },
        )
      }
    } finally {
      process.removeListener('exit', removeKey)
      removeKey()
    }
  }

  return { method: 'altool', upload }
}
