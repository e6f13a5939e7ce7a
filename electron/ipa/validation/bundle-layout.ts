export type BundleKind = 'app' | 'extension' | 'framework'

/** One bundle of the app as its zip entries describe it; only names are kept, and a few entries. */
export interface BundleEntries {
  readonly kind: BundleKind
  /** Path from the app folder: '' for the app, `PlugIns/W.appex`, `Frameworks/K.framework`. */
  readonly dir: string
  infoPlist: string | undefined
  /** Files right inside the bundle without a dot in their name: the executable is one of them. */
  readonly executableCandidates: Set<string>
  hasPrivacyManifest: boolean
  /** App only: a compiled asset catalog at the top level. */
  hasAssetCatalog: boolean
  /** Extension only: a `Frameworks/` folder inside it (Apple keeps frameworks in the app). */
  hasFrameworksFolder: boolean
}

/** A handful of examples is enough to name the problem; the count says how many there are. */
const MAX_LOOSE_EXAMPLES = 5

/**
 * Sorts the entry names of one app (paths relative to `Payload/X.app/`) into bundles as the central
 * directory is walked, deciding for each whether its entry must be kept for reading. Memory grows with
 * the number of bundles, not files.
 */
export class BundleCollector {
  readonly app: BundleEntries = newBundle('app', '')
  private readonly bundles = new Map<string, BundleEntries>()
  readonly looseBinaries: string[] = []
  looseBinaryCount = 0

  /** Says whether the entry `rest` (path inside the app folder) must be kept. */
  note(rest: string): boolean {
    if (isLooseBinary(rest)) {
      this.looseBinaryCount++
      if (this.looseBinaries.length < MAX_LOOSE_EXAMPLES) this.looseBinaries.push(rest)
    }
    const slash = rest.indexOf('/')
    if (slash === -1) return this.noteInside(this.app, rest)
    if (rest.startsWith('Frameworks/') || rest.startsWith('PlugIns/')) {
      const end = rest.indexOf('/', slash + 1)
      if (end === -1) return false
      const dir = rest.slice(0, end)
      const kind = dir.endsWith('.framework') ? 'framework' : dir.endsWith('.appex') ? 'extension' : null
      if (kind === null) return false
      let bundle = this.bundles.get(dir)
      if (!bundle) {
        bundle = newBundle(kind, dir)
        this.bundles.set(dir, bundle)
      }
      return this.noteInside(bundle, rest.slice(end + 1))
    }
    return false
  }

  private noteInside(bundle: BundleEntries, inner: string): boolean {
    if (inner.endsWith('PrivacyInfo.xcprivacy')) {
      // The app's own sits at its top; an SDK may keep it in a resource bundle inside its framework.
      if (bundle.kind !== 'app' || inner === 'PrivacyInfo.xcprivacy') bundle.hasPrivacyManifest = true
      return false
    }
    if (inner.includes('/')) {
      if (bundle.kind === 'extension' && inner.startsWith('Frameworks/')) bundle.hasFrameworksFolder = true
      return false
    }
    if (inner === 'Info.plist') {
      bundle.infoPlist = inner
      return true
    }
    if (inner === 'Assets.car') bundle.hasAssetCatalog = true
    if (inner !== '' && !inner.includes('.')) {
      bundle.executableCandidates.add(inner)
      return true
    }
    return false
  }

  /** The app's extensions and the frameworks in its Frameworks folder, in path order. */
  nested(): BundleEntries[] {
    return [...this.bundles.values()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
  }
}

function newBundle(kind: BundleKind, dir: string): BundleEntries {
  return {
    kind,
    dir,
    infoPlist: undefined,
    executableCandidates: new Set(),
    hasPrivacyManifest: false,
    hasAssetCatalog: false,
    hasFrameworksFolder: false,
  }
}

/**
 * Static libraries, object files and standalone dylibs are not part of any bundle, and App Store Connect refuses
 * them (ITMS-90171 "Your app can't contain standalone executables or libraries"): a dylib in Frameworks/ too, such
 * as the Address Sanitizer's libclang_rt.asan_ios_dynamic.dylib that an archive made with it on carries. Only
 * Swift's own runtime libraries (libswift*.dylib) may sit directly in Frameworks/.
 */
function isLooseBinary(rest: string): boolean {
  if (rest.endsWith('.a') || rest.endsWith('.o')) return !rest.endsWith('/.a') && !rest.endsWith('/.o')
  if (!rest.endsWith('.dylib')) return false
  return !/^Frameworks\/libswift[^/]*\.dylib$/.test(rest)
}
