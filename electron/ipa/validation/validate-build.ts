import type { DeviceFamily, Platform, Problem } from '../../../shared/build-summary'
import { AscentError } from '../../../shared/errors'
import { throwIfAborted } from '../bad-build'
import type { EntryReader, PlannedRead } from '../entry-reader'
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
/** A thin header, or a fat header with its slice table; the rest is read as far as the headers ask. */
const FIRST_HEAD_BYTES = 1024
/** Fat header, then slice headers, then their load commands: three rounds at most for a real file. */
const MAX_HEAD_ROUNDS = 4
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
  const source = reader.head(entry)
  let head = await source.bytes(FIRST_HEAD_BYTES)
  let parsed = parseMachO(head, entry.uncompressedSize, MAX_HEAD_BYTES)
  // A fat header names its slices, a slice's header the size of its load commands: each round reads on
  // to what the last one asked for, and stops when the bytes do not grow.
  for (let round = 0; round < MAX_HEAD_ROUNDS && parsed.need && parsed.need.bytes > head.length; round++) {
    throwIfAborted(signal)
    const more = await source.bytes(parsed.need.bytes)
    if (more.length <= head.length) break
    head = more
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

/** `fn` over every item, `limit` at a time, taken in `order` (indexes); results in the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  order: readonly number[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < order.length) {
      const i = order[next++] as number
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/**
 * The entries each bundle will be read from (its Info.plist and, as far as the names tell, its
 * executable), announced to the reader so that neighbours are read together, and the order to read the
 * bundles in: by where their entries lie in the file.
 */
function planReads(input: ValidationInput, bundles: readonly BundleEntries[]): number[] {
  const reads: PlannedRead[] = []
  const firstOffset = bundles.map((bundle) => {
    const named: ZipEntry[] = []
    if (bundle.kind !== 'app' && bundle.infoPlist) {
      const info = input.entries.get(join(bundle.dir, 'Info.plist'))
      if (info) {
        named.push(info)
        reads.push({ entry: info, whole: MAX_BUNDLE_PLIST_BYTES })
      }
    }
    const executable = input.entries.get(
      join(
        bundle.dir,
        bundle.kind === 'app'
          ? (plistString(input.appInfo, 'CFBundleExecutable') ?? stem(input.appDir))
          : stem(bundle.dir),
      ),
    )
    if (executable) {
      named.push(executable)
      reads.push({ entry: executable, head: true })
    }
    return Math.min(Number.MAX_SAFE_INTEGER, ...named.map((e) => e.raw.relativeOffsetOfLocalHeader))
  })
  input.reader.plan(reads)
  return bundles.map((_, i) => i).sort((a, b) => (firstOffset[a] ?? 0) - (firstOffset[b] ?? 0))
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
      fix: `remove static libraries (.a), object files (.o) and stray dylibs from "Copy Bundle Resources"; embed dynamic libraries as frameworks${collector.looseBinaries.some((b) => b.includes('libclang_rt.')) ? '; libclang_rt.* is a sanitizer’s runtime: archive with Address/Thread/Undefined Behavior Sanitizer off in the scheme' : ''}`,
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
  const facts = await mapLimited(bundles, planReads(input, bundles), CONCURRENCY, (b) => {
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
