import type { DeviceFamily, Platform, Problem } from '../../../shared/build-summary'
import { AscentError } from '../../../shared/errors'
import { throwIfAborted } from '../bad-build'
import type { EntryReader } from '../entry-reader'
import { parseMachO, type MachOFile } from '../macho'
import { parsePlistDict, plistString, type PlistDict } from '../plist-reader'
import type { ZipEntry } from '../zip-reader'
import {
  appPrivacyManifestFindings,
  iPadMultitaskingFindings,
  iconFindings,
  minimumOsFindings,
  sdkFindings,
} from './app-rules'
import { executableFindings, purposeStringFindings } from './binary-rules'
import type { BundleCollector, BundleEntries } from './bundle-layout'
import { commonSdkNamed } from './common-sdks'
import { bundleProblem, quote, type Finding } from './problem'
import { compareVersions, extensionVersionFindings, versionFindings } from './version-rules'

/** Real Info.plists are a few KiB. */
const MAX_BUNDLE_PLIST_BYTES = 1024 * 1024
/** Enough for a thin header and its load commands most of the time; more is read only when the header asks for it. */
const FIRST_HEAD_BYTES = 4 * 1024
/** Load commands are never this large; a slice whose commands lie further is judged by its cpu type. */
const MAX_HEAD_BYTES = 2 * 1024 * 1024
/** Reads in flight at once: enough to keep the disk and the thread pool busy, few enough to stay small. */
const CONCURRENCY = 8

export interface ValidationInput {
  /** `Payload/X.app`: entry names and messages start with it. */
  readonly appDir: string
  readonly collector: BundleCollector
  /** The entries the collector kept, by path inside the app folder. */
  readonly entries: ReadonlyMap<string, ZipEntry>
  readonly appInfo: PlistDict
  readonly platform: Platform
  readonly deviceFamilies: readonly DeviceFamily[]
  readonly reader: EntryReader
  readonly now: number
  readonly signal?: AbortSignal
}

interface BundleFacts {
  readonly entries: BundleEntries
  /** `X.app`, `X.app/Frameworks/K.framework`: how problems name the bundle. */
  readonly label: string
  /** Null when the bundle has no Info.plist or it could not be read (a problem says which). */
  readonly info: PlistDict | null
  readonly executableName: string | null
  readonly executable: MachOFile | null
  readonly problems: Problem[]
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

function stem(dir: string): string {
  const last = dir.slice(dir.lastIndexOf('/') + 1)
  return last.slice(0, last.lastIndexOf('.') === -1 ? last.length : last.lastIndexOf('.'))
}

async function readExecutable(
  reader: EntryReader,
  entry: ZipEntry,
  signal: AbortSignal | undefined,
): Promise<MachOFile> {
  let head = await reader.readHead(entry, FIRST_HEAD_BYTES)
  let parsed = parseMachO(head, entry.uncompressedSize, MAX_HEAD_BYTES)
  if (parsed.need && parsed.need.bytes > head.length) {
    throwIfAborted(signal)
    head = await reader.readHead(entry, parsed.need.bytes)
    parsed = parseMachO(head, entry.uncompressedSize, MAX_HEAD_BYTES)
  }
  return parsed.file
}

/** Reads one bundle's Info.plist and executable head: the only bytes the rules need. */
async function readBundle(input: ValidationInput, bundle: BundleEntries): Promise<BundleFacts> {
  const appName = input.appDir.slice(input.appDir.lastIndexOf('/') + 1)
  const label = bundle.dir === '' ? appName : `${appName}/${bundle.dir}`
  const problems: Problem[] = []
  let info: PlistDict
  if (bundle.kind === 'app') info = input.appInfo
  else {
    const entry = bundle.infoPlist ? input.entries.get(join(bundle.dir, 'Info.plist')) : undefined
    if (!entry) {
      // An extension without Info.plist is reported by the extension checks already.
      if (bundle.kind === 'framework')
        problems.push(
          bundleProblem(label, {
            severity: 'error',
            code: 'INFO_PLIST_MISSING',
            itms: 90056,
            what: 'the framework has no Info.plist',
            fix: 'embed the framework as Xcode builds it (with its Info.plist), or update it to a release that has one',
          }),
        )
      return { entries: bundle, label, info: null, executableName: null, executable: null, problems }
    }
    try {
      info = parsePlistDict(
        await input.reader.readWhole(entry, MAX_BUNDLE_PLIST_BYTES),
        `${input.appDir}/${entry.name.slice(input.appDir.length + 1)}`,
      )
    } catch (error) {
      if (!(error instanceof AscentError) || error.code !== 'BAD_BUILD') throw error
      problems.push(
        bundleProblem(label, {
          severity: 'error',
          code: 'INFO_PLIST_INVALID',
          what: `its Info.plist cannot be read (${error.message.replace(/^.*? is not a valid property list \(?/, '').replace(/\)$/, '')})`,
          fix: 'rebuild the bundle so Xcode writes a valid Info.plist, or update the framework',
        }),
      )
      return { entries: bundle, label, info: null, executableName: null, executable: null, problems }
    }
  }
  const declared = plistString(info, 'CFBundleExecutable')
  const executableName = declared ?? stem(bundle.dir === '' ? input.appDir : bundle.dir)
  const executableEntry = input.entries.get(join(bundle.dir, executableName))
  if (!executableEntry) {
    problems.push(
      bundleProblem(label, {
        severity: 'error',
        code: 'EXECUTABLE_MISSING',
        what: `the executable ${quote(executableName)}${declared ? ' named by CFBundleExecutable' : ''} is not in the bundle`,
        fix: 'archive and export again so the bundle holds its binary, or correct CFBundleExecutable',
      }),
    )
    return { entries: bundle, label, info, executableName, executable: null, problems }
  }
  throwIfAborted(input.signal)
  const executable = await readExecutable(input.reader, executableEntry, input.signal)
  return { entries: bundle, label, info, executableName, executable, problems }
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function bundleFindings(facts: BundleFacts, input: ValidationInput): Finding[] {
  const { info, entries } = facts
  const findings: Finding[] = []
  if (info) {
    findings.push(...versionFindings(info, entries.kind))
    if (entries.kind === 'extension') findings.push(...extensionVersionFindings(info, input.appInfo))
  }
  if (facts.executable && facts.executableName)
    findings.push(
      ...executableFindings(facts.executable, input.platform, facts.executableName),
      ...purposeStringFindings(facts.executable, input.appInfo, facts.executableName),
    )
  if (entries.kind === 'app') {
    findings.push(
      ...sdkFindings(input.appInfo, facts.executable, input.platform, input.now),
      ...iconFindings(input.appInfo, input.platform, input.deviceFamilies, entries.hasAssetCatalog),
      ...iPadMultitaskingFindings(input.appInfo, input.platform, input.deviceFamilies),
      ...minimumOsFindings(input.appInfo, input.platform),
      ...appPrivacyManifestFindings(input.platform, entries.hasPrivacyManifest),
    )
  }
  if (entries.kind === 'framework') {
    const sdk = commonSdkNamed(stem(entries.dir))
    if (sdk && !entries.hasPrivacyManifest)
      findings.push({
        severity: 'error',
        code: 'PRIVACY_MANIFEST_MISSING',
        itms: 91061,
        what: `${sdk} is on Apple's list of commonly used third-party SDKs, and its framework has no PrivacyInfo.xcprivacy`,
        fix: `update ${sdk} to a release that ships a privacy manifest (PrivacyInfo.xcprivacy inside the framework or its resource bundle)`,
      })
    const appMinimum = plistString(input.appInfo, 'MinimumOSVersion')
    const minimum = info ? plistString(info, 'MinimumOSVersion') : undefined
    if (appMinimum && minimum && compareVersions(minimum, appMinimum) > 0)
      findings.push({
        severity: 'error',
        code: 'FRAMEWORK_MINIMUM_OS',
        itms: 90208,
        what: `the framework needs ${minimum} (MinimumOSVersion) but the app supports ${appMinimum}`,
        fix: `raise the app's deployment target to ${minimum}, or use a framework release that supports ${appMinimum}`,
      })
  }
  if (entries.kind === 'extension' && entries.hasFrameworksFolder)
    findings.push({
      severity: 'error',
      code: 'EXTENSION_FRAMEWORKS_FOLDER',
      itms: 90206,
      what: "the extension contains a Frameworks folder; frameworks belong in the app's Frameworks folder",
      fix: 'set "Embed" to "Do Not Embed" for frameworks in the extension target and embed them in the app only',
    })
  return findings
}

/** Bundle ids must be unique across the app, its extensions and its frameworks (ITMS-90685). */
function duplicateIdProblems(bundles: readonly BundleFacts[]): Problem[] {
  const byId = new Map<string, string[]>()
  for (const b of bundles) {
    const id = b.info ? plistString(b.info, 'CFBundleIdentifier') : undefined
    if (id) byId.set(id, [...(byId.get(id) ?? []), b.label])
  }
  const problems: Problem[] = []
  for (const [id, labels] of byId) {
    if (labels.length < 2) continue
    problems.push(
      bundleProblem(labels[1] ?? '', {
        severity: 'error',
        code: 'BUNDLE_ID_DUPLICATE',
        itms: 90685,
        what: `its CFBundleIdentifier ${quote(id)} is also used by ${labels.filter((_, i) => i !== 1).join(', ')}; every bundle needs its own`,
        fix: 'give each bundle a unique bundle identifier, and embed a shared framework only once, in the app',
      }),
    )
  }
  return problems
}

function looseBinaryProblems(appLabel: string, collector: BundleCollector): Problem[] {
  if (collector.looseBinaryCount === 0) return []
  const more = collector.looseBinaryCount - collector.looseBinaries.length
  return [
    bundleProblem(appLabel, {
      severity: 'error',
      code: 'LOOSE_BINARY',
      itms: 90171,
      what: `it contains binaries App Store Connect does not permit outside a framework: ${collector.looseBinaries.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      fix: 'remove static libraries (.a), object files (.o) and stray dylibs from "Copy Bundle Resources"; embed dynamic libraries as frameworks',
    }),
  ]
}

/**
 * Apple's upload validation for every bundle of an iOS, tvOS or visionOS app (the app, its extensions,
 * its frameworks), from the Info.plists, the first bytes of each executable and the names of the
 * entries: nothing else is read, so the cost does not grow with the size of the build.
 */
export async function validateBuild(input: ValidationInput): Promise<Problem[]> {
  const bundles = [input.collector.app, ...input.collector.nested()]
  const facts = await mapLimited(bundles, CONCURRENCY, (b) => {
    throwIfAborted(input.signal)
    return readBundle(input, b)
  })
  const problems: Problem[] = []
  for (const f of facts) {
    problems.push(...f.problems)
    for (const finding of bundleFindings(f, input)) problems.push(bundleProblem(f.label, finding))
  }
  problems.push(...duplicateIdProblems(facts))
  problems.push(...looseBinaryProblems(facts[0]?.label ?? '', input.collector))
  return problems
}
