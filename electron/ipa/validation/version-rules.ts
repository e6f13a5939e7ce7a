import type { PlistDict, PlistValue } from '../plist-reader'
import type { BundleKind } from './bundle-layout'
import { quote, type Finding } from './problem'

/** ITMS-90060: "a period-separated list of at most three non-negative integers". */
const SHORT_VERSION = /^\d+(\.\d+){0,2}$/
/** ITMS-90058: digits and periods; four or more parts are accepted in practice (e.g. 24.1.0.0). */
const BUNDLE_VERSION = /^\d+(\.\d+)*$/
/** ITMS-90059: "must be no longer than 18 characters". A version string that long is never real. */
const MAX_VERSION_LENGTH = 18

function typeName(value: PlistValue): string {
  if (typeof value === 'number') return Number.isInteger(value) ? '<integer>' : '<real>'
  if (typeof value === 'boolean') return '<true/> or <false/>'
  if (Array.isArray(value)) return '<array>'
  if (value instanceof Date) return '<date>'
  if (value instanceof Uint8Array) return '<data>'
  return '<dict>'
}

function shortVersionFindings(value: PlistValue | undefined, kind: BundleKind): Finding[] {
  if (value === undefined)
    return [
      {
        severity: 'error',
        code: 'VERSION_MISSING',
        itms: kind === 'app' ? undefined : 90057,
        what: 'Info.plist has no CFBundleShortVersionString',
        fix: 'set the version (e.g. 1.0.0) in Xcode and rebuild',
      },
    ]
  if (typeof value !== 'string')
    return [
      {
        severity: 'error',
        code: 'VERSION_NOT_STRING',
        itms: 90060,
        what: `CFBundleShortVersionString is ${typeName(value)} ${quote(value)}, not a <string>`,
        fix: 'write it as a string (e.g. <string>1.0.0</string>) in Info.plist and rebuild',
      },
    ]
  if (value.length > MAX_VERSION_LENGTH || !SHORT_VERSION.test(value))
    return [
      {
        severity: 'error',
        code: 'VERSION_FORMAT',
        itms: 90060,
        what: `CFBundleShortVersionString ${quote(value)} is not one to three period-separated integers`,
        fix:
          kind === 'framework'
            ? 'use a version such as 5.0.0 (no suffix like -beta) in the framework, or update it to a release that does'
            : 'use a version such as 1.2.0 and rebuild',
      },
    ]
  return []
}

function bundleVersionFindings(value: PlistValue | undefined, kind: BundleKind): Finding[] {
  if (value === undefined)
    return [
      {
        severity: 'error',
        code: 'BUILD_NUMBER_MISSING',
        itms: kind === 'app' ? undefined : 90056,
        what: 'Info.plist has no CFBundleVersion',
        fix: 'set the build number (e.g. 100) in Xcode and rebuild',
      },
    ]
  if (typeof value !== 'string')
    return [
      {
        severity: 'error',
        code: 'BUILD_NUMBER_NOT_STRING',
        itms: 90058,
        what: `CFBundleVersion is ${typeName(value)} ${quote(value)}, not a <string>`,
        fix: 'write it as a string (e.g. <string>100</string>) in Info.plist and rebuild',
      },
    ]
  if (value.includes('$(') || value.includes('${'))
    return [
      {
        severity: 'error',
        code: 'BUILD_NUMBER_UNEXPANDED',
        itms: 90059,
        what: `CFBundleVersion ${quote(value)} is a build setting that was never expanded`,
        fix: 'define the setting (e.g. CURRENT_PROJECT_VERSION) in the target that builds this bundle, or write the number itself',
      },
    ]
  if (value.length > MAX_VERSION_LENGTH)
    return [
      {
        severity: 'error',
        code: 'BUILD_NUMBER_TOO_LONG',
        itms: 90059,
        what: `CFBundleVersion ${quote(value)} is ${value.length} characters long, more than 18`,
        fix: 'use a shorter build number (e.g. 100 or 1.2.3)',
      },
    ]
  if (!BUNDLE_VERSION.test(value))
    return [
      {
        severity: 'error',
        code: 'BUILD_NUMBER_FORMAT',
        itms: 90058,
        what: `CFBundleVersion ${quote(value)} is not period-separated integers`,
        fix:
          kind === 'framework'
            ? 'use a build number such as 1 or 8.22.3 (no suffix like -beta) in the framework, or update it to a release that does'
            : 'use a build number such as 100 or 1.2.3 and rebuild',
      },
    ]
  if (value.split('.').length > 3)
    return [
      {
        severity: 'warning',
        code: 'BUILD_NUMBER_PARTS',
        itms: 90058,
        what: `CFBundleVersion ${quote(value)} has more than three parts; Apple documents at most three`,
        fix: 'App Store Connect accepts four numeric parts today, but use one to three (e.g. 100 or 1.2.3) to be safe',
      },
    ]
  return []
}

/** CFBundleShortVersionString and CFBundleVersion of any bundle: the app, an extension, a framework. */
export function versionFindings(info: PlistDict, kind: BundleKind): Finding[] {
  return [
    ...shortVersionFindings(info['CFBundleShortVersionString'], kind),
    ...bundleVersionFindings(info['CFBundleVersion'], kind),
  ]
}

/** ITMS-90473 (a warning mail): an extension's versions must equal its app's. */
export function extensionVersionFindings(extension: PlistDict, app: PlistDict): Finding[] {
  const findings: Finding[] = []
  for (const key of ['CFBundleShortVersionString', 'CFBundleVersion'] as const) {
    const mine = extension[key]
    const theirs = app[key]
    if (typeof mine === 'string' && typeof theirs === 'string' && mine !== theirs)
      findings.push({
        severity: 'warning',
        code: 'EXTENSION_VERSION_MISMATCH',
        itms: 90473,
        what: `${key} ${quote(mine)} does not match the app's ${quote(theirs)}`,
        fix: `give the extension the app's ${key} (Xcode: same version and build in every target)`,
      })
  }
  return findings
}

/** Numeric, part by part: 1.5 < 1.46, and 1.0 equals 1.0.0. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((p) => Number.parseInt(p, 10) || 0)
  const right = b.split('.').map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const d = (left[i] ?? 0) - (right[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}
