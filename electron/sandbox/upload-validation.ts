import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BuildSummary, Problem } from '../../shared/build-summary'
import { inspectBuild } from '../ipa'

/** One refusal as App Store Connect reports it on a buildUpload: the bare ITMS number and Apple's words. */
export type ProcessingError = { readonly code: string; readonly description: string }
/**
 * What processing learned: the refusals, the device families the build runs on, and the export compliance
 * answer its Info.plist gives (ITSAppUsesNonExemptEncryption; App Store Connect takes it as the build's answer,
 * so such a build never waits for compliance). Null: not a build it read, or no answer in it.
 */
type ProcessingResult = {
  readonly errors: ProcessingError[]
  readonly deviceFamilies: string[] | null
  readonly usesNonExemptEncryption: boolean | null
}
const UNREAD: ProcessingResult = { errors: [], deviceFamilies: null, usesNonExemptEncryption: null }

/**
 * Apple's processing of an uploaded build, as the sandbox plays it: the same validation `inspect` runs,
 * on the bytes that arrived, so a build sent by another tool is refused as App Store Connect would. The
 * sandbox keeps the bytes of small files only (large ones are hashed as they stream), so larger builds
 * pass unchecked, and so do files that are not builds at all. Resolves with the refusals (empty: the build
 * is valid) and the build's device families, never rejects.
 */
async function validateUploadedBuild(
  fileName: string,
  chunks: readonly Buffer[],
  now: number,
): Promise<ProcessingResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ascent-sandbox-processing-'))
  try {
    const file = path.join(dir, path.basename(fileName) || 'upload.ipa')
    await writeFile(file, Buffer.concat(chunks))
    let summary: BuildSummary
    try {
      summary = await inspectBuild(file, { now: () => now })
    } catch {
      // Not a build at all (the upload tests send random bytes): the sandbox judges builds, not bytes.
      return UNREAD
    }
    const errors = summary.problems
      .filter((p) => p.severity === 'error' && p.itms !== undefined)
      .map((p) => ({ code: (p.itms ?? '').replace(/^ITMS-/, ''), description: appleWords(p, summary) }))
    return {
      errors,
      deviceFamilies: [...summary.deviceFamilies],
      usesNonExemptEncryption: summary.usesNonExemptEncryption ?? null,
    }
  } catch {
    // The sandbox could not write its scratch copy: it cannot judge the build, so it does not refuse it.
    return UNREAD
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function captured(message: string, pattern: RegExp): string {
  return pattern.exec(message)?.[1] ?? ''
}

/** The value a message quotes as JSON ("5.0.0-beta1"). */
function quoted(message: string, key: string): string {
  const raw = new RegExp(`${key} ("(?:[^"\\\\]|\\\\.)*")`).exec(message)?.[1]
  try {
    return raw ? (JSON.parse(raw) as string) : ''
  } catch {
    return ''
  }
}

const ALL_ORIENTATIONS =
  'UIInterfaceOrientationPortrait,UIInterfaceOrientationPortraitUpsideDown,UIInterfaceOrientationLandscapeLeft,UIInterfaceOrientationLandscapeRight'

/**
 * App Store Connect's own sentences for the refusals it reports most (as they appear in its e-mails and
 * in altool's output); anything else keeps Ascent's message after Apple's code.
 */
function appleWords(problem: Problem, summary: BuildSummary): string {
  const bundle = `Payload/${problem.bundle ?? ''}`
  const message = problem.message
  switch (problem.code) {
    case 'SDK_TOO_OLD': {
      const platform = captured(message, /built with the (\w+) [\d.]+ SDK/)
      const sdk = captured(message, /built with the \w+ ([\d.]+) SDK/)
      const apps = platform === 'iOS' ? 'iOS and iPadOS' : platform
      return `SDK version issue. This app was built with the ${platform} ${sdk} SDK. All ${apps} apps must be built with the ${platform} 26 SDK or later, included in Xcode 26 or later, in order to be uploaded to App Store Connect or submitted for distribution.`
    }
    case 'APP_ICON_NAME_MISSING':
      return `Missing Info.plist value. A value for the Info.plist key 'CFBundleIconName' is missing in the bundle '${summary.bundleId}'. Apps built with iOS 11 or later SDK must supply app icons in an asset catalog and must also provide a value for this Info.plist key.`
    case 'IPAD_ORIENTATIONS':
      return `Invalid bundle. You need to include all of the "${ALL_ORIENTATIONS}" orientations to support iPad multitasking in the ${summary.bundleId} bundle.`
    case 'SIMULATOR_SLICE':
      return `Unsupported Architectures. The executable for ${bundle} contains unsupported architectures '${captured(message, /architectures '(\[[^\]]*\])'/) || '[arm64 (simulator)]'}'.`
    case 'VERSION_FORMAT':
      return `This bundle is invalid. The value for key CFBundleShortVersionString '${quoted(message, 'CFBundleShortVersionString')}' in the Info.plist file of ${bundle} must be a period-separated list of at most three non-negative integers.`
    case 'BUILD_NUMBER_FORMAT':
      return `This bundle is invalid. The value for key CFBundleVersion [${quoted(message, 'CFBundleVersion')}] in the Info.plist file of ${bundle} must be a period-separated list of at most three non-negative integers.`
    case 'BUILD_NUMBER_TOO_LONG':
    case 'BUILD_NUMBER_UNEXPANDED':
      return `This bundle is invalid. The value for key CFBundleVersion [${quoted(message, 'CFBundleVersion')}] in the Info.plist file of ${bundle} must be no longer than 18 characters.`
    case 'PRIVACY_MANIFEST_MISSING': {
      const framework = bundle.split('/').pop() ?? ''
      const binary = framework.replace(/\.framework$/, '')
      return `Missing privacy manifest - Your app includes "Frameworks/${framework}/${binary}", which includes ${binary}, an SDK that was identified in the documentation as a commonly used third-party SDK. Starting February 12, 2025, if a new app includes a privacy-impacting SDK, or an app update adds a new privacy-impacting SDK, the SDK must include a privacy manifest file.`
    }
    case 'BITCODE':
      return `Invalid Executable. The executable '${bundle}' contains bitcode.`
    default:
      return `${problem.itms ?? ''}: ${message}`
  }
}

/** The processing check of one buildUpload: `errors` is null while it runs. */
export class ProcessingCheck {
  errors: ProcessingError[] | null = null
  deviceFamilies: string[] | null = null
  usesNonExemptEncryption: boolean | null = null

  constructor(work: Promise<ProcessingResult>) {
    void work.then((result) => {
      this.errors = result.errors
      this.deviceFamilies = result.deviceFamilies
      this.usesNonExemptEncryption = result.usesNonExemptEncryption
    })
  }

  static passed(): ProcessingCheck {
    const check = new ProcessingCheck(Promise.resolve(UNREAD))
    check.errors = []
    return check
  }
}

/** Starts Apple's checks on a committed upload's build file, when the sandbox kept its bytes. */
export function checkUploadedFiles(
  files: readonly {
    readonly fileName: string
    readonly assetType: string
    readonly retained: readonly (readonly Buffer[] | undefined)[] | null
  }[],
  now: number,
): ProcessingCheck {
  const asset = files.find((f) => f.assetType === 'ASSET')
  const retained = asset?.retained
  if (!asset || !retained || retained.some((part) => part === undefined)) return ProcessingCheck.passed()
  const chunks = retained.flatMap((part) => part ?? [])
  return new ProcessingCheck(validateUploadedBuild(asset.fileName, chunks, now))
}
