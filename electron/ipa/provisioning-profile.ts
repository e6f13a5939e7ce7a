import type { ProfileType } from '../../shared/build-summary'
import { badBuild } from './bad-build'
import {
  childrenOf,
  DerError,
  isContext,
  isOid,
  isSequence,
  isUniversal,
  octetString,
  oidText,
  readDer,
  stringText,
  type Node,
} from './der'
import {
  parsePlistDict,
  plistArray,
  plistBoolean,
  plistDate,
  plistDict,
  plistString,
  type PlistDict,
} from './plist-reader'

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2'
const ORGANIZATION_OID = '2.5.4.10'
const COMMON_NAME_OID = '2.5.4.3'
const TAG_INTEGER = 2

interface ProfileSigner {
  readonly subject: string
  readonly issuer: string
  /** Subject and issuer both name Apple Inc.; the chain to Apple's root is NOT verified: Apple re-validates on upload, and test profiles are self-signed. */
  readonly namesApple: boolean
}

export interface ProvisioningProfile {
  readonly type: Exclude<ProfileType, 'none'>
  readonly name: string
  readonly uuid: string
  readonly teamId: string
  readonly teamName: string
  readonly appIdName: string
  readonly expiresAt: Date
  /** `TEAMID.com.example.app` or `TEAMID.*` as in the entitlements. */
  readonly applicationIdentifier: string
  /** The bundle id pattern without the team prefix, e.g. `com.example.*`. */
  readonly appIdPattern: string
  readonly platforms: readonly string[]
  readonly signer: ProfileSigner | null
}

/**
 * Apple's rule (Xcode, `security cms -D` users, Codemagic's ProvisioningProfile): devices for every
 * device → enterprise (in-house); a device list with get-task-allow → development; a device list
 * without → ad-hoc; no device list → App Store distribution.
 */
export function profileTypeOf(content: PlistDict): ProvisioningProfile['type'] {
  if (plistBoolean(content, 'ProvisionsAllDevices') === true) return 'enterprise'
  if (plistArray(content, 'ProvisionedDevices') !== undefined) {
    return plistBoolean(plistDict(content, 'Entitlements'), 'get-task-allow') === true
      ? 'development'
      : 'ad-hoc'
  }
  return 'app-store'
}

/** Apple wildcard App IDs: `*` or `com.example.*` (the star stands for one or more characters). */
export function appIdMatchesBundleId(appIdPattern: string, bundleId: string): boolean {
  if (appIdPattern === '*') return bundleId.length > 0
  if (appIdPattern.endsWith('*')) {
    const prefix = appIdPattern.slice(0, -1)
    return bundleId.startsWith(prefix) && bundleId.length > prefix.length
  }
  return appIdPattern === bundleId
}

function hex(node: Node | undefined): string {
  return node ? Buffer.from(node.encoded).toString('hex') : ''
}

/** X.501 Name → `CN=..., O=...` (other attributes by OID); strings of any ASN.1 string type. */
function readName(name: Node | undefined): { text: string; organization: string | undefined } {
  const parts: string[] = []
  let organization: string | undefined
  for (const rdn of childrenOf(name)) {
    for (const attribute of childrenOf(rdn)) {
      const [type, value] = childrenOf(attribute)
      const oid = type && isOid(type) ? oidText(type) : '?'
      const text = stringText(value)
      if (oid === ORGANIZATION_OID) organization = text
      parts.push(`${oid === COMMON_NAME_OID ? 'CN' : oid === ORGANIZATION_OID ? 'O' : oid}=${text}`)
    }
  }
  return { text: parts.join(', '), organization }
}

/** tbsCertificate: [0] version?, serialNumber, signature, issuer, validity, subject, ... */
function certificateNames(certificate: Node): {
  serial: string
  issuer: Node | undefined
  subject: Node | undefined
} {
  const tbs = childrenOf(childrenOf(certificate)[0])
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs
  return { serial: hex(fields[0]), issuer: fields[2], subject: fields[4] }
}

function signerOf(certificates: readonly Node[], signerInfos: Node | undefined): ProfileSigner | null {
  // SignerInfo: version, sid (IssuerAndSerialNumber = SEQUENCE { issuer, serialNumber } or [0] keyId), ...
  const sid = childrenOf(childrenOf(signerInfos)[0])[1]
  const sidSerial = isSequence(sid) ? hex(childrenOf(sid)[1]) : undefined
  const names = certificates.map(certificateNames)
  const signer = names.find((n) => sidSerial !== undefined && n.serial === sidSerial) ?? names[0]
  if (!signer) return null
  const subject = readName(signer.subject)
  const issuer = readName(signer.issuer)
  return {
    subject: subject.text,
    issuer: issuer.text,
    namesApple: subject.organization === 'Apple Inc.' && issuer.organization === 'Apple Inc.',
  }
}

/**
 * The signed content of a CMS SignedData (RFC 5652), read by walking its BER/DER encoding: ContentInfo {
 * contentType, [0] SignedData { version, digestAlgorithms, encapContentInfo { eContentType, [0] eContent },
 * [0] certificates?, [1] crls?, signerInfos } }. Only these nodes and the signer's names are decoded.
 */
function signedContent(der: Uint8Array, what: string): { content: Uint8Array; signer: ProfileSigner | null } {
  const notProfile = (why: string): never => {
    throw badBuild(`${what} is not a provisioning profile (${why})`)
  }
  try {
    // Bytes after the ContentInfo are not read, as iOS and `security cms -D` do not.
    const [contentType, explicitContent] = childrenOf(readDer(der, { trailing: 'ignore' }))
    if (!contentType || !isOid(contentType) || !isContext(explicitContent, 0))
      return notProfile('not a CMS ContentInfo')
    if (oidText(contentType) !== SIGNED_DATA_OID) notProfile('not a CMS SignedData structure')
    const signedData = childrenOf(childrenOf(explicitContent)[0])
    const encapContentInfo = signedData[2]
    if (!isUniversal(signedData[0], TAG_INTEGER) || !isSequence(encapContentInfo))
      notProfile('not a CMS SignedData structure')
    const eContentWrapper = childrenOf(encapContentInfo)[1]
    const content = isContext(eContentWrapper, 0) ? octetString(childrenOf(eContentWrapper)[0]) : null
    if (content === null) {
      throw badBuild(`${what} has no signed content (a detached CMS signature, not a provisioning profile)`)
    }
    if (content.length === 0) throw badBuild(`${what} has empty signed content`)
    const rest = signedData.slice(3)
    const certificates = childrenOf(rest.find((node) => isContext(node, 0)))
    return { content, signer: signerOf(certificates, rest[rest.length - 1]) }
  } catch (error) {
    if (error instanceof DerError) return notProfile(`not DER/CMS data: ${error.message}`)
    throw error
  }
}

/** Parses `embedded.mobileprovision` / `embedded.provisionprofile`: CMS SignedData around an XML or binary plist. */
export function parseProvisioningProfile(der: Uint8Array, what: string): ProvisioningProfile {
  const { content, signer } = signedContent(der, what)
  const dict = parsePlistDict(content, `the content of ${what}`)
  const entitlements = plistDict(dict, 'Entitlements')
  const teamIds = plistArray(dict, 'TeamIdentifier')?.filter((v): v is string => typeof v === 'string') ?? []
  const prefixes =
    plistArray(dict, 'ApplicationIdentifierPrefix')?.filter((v): v is string => typeof v === 'string') ?? []
  const applicationIdentifier =
    plistString(entitlements, 'application-identifier') ??
    plistString(entitlements, 'com.apple.application-identifier') ??
    ''
  const expiresAt = plistDate(dict, 'ExpirationDate')
  const name = plistString(dict, 'Name')
  if (!expiresAt || name === undefined) {
    throw badBuild(`${what} is missing ${!expiresAt ? 'ExpirationDate' : 'Name'}: not a provisioning profile`)
  }
  const teamId =
    teamIds[0] ?? plistString(entitlements, 'com.apple.developer.team-identifier') ?? prefixes[0] ?? ''
  const prefix = [prefixes[0], teamId].find((p) => p && applicationIdentifier.startsWith(`${p}.`))
  const appIdPattern = prefix
    ? applicationIdentifier.slice(prefix.length + 1)
    : applicationIdentifier.replace(/^[^.]*\./, '')
  return {
    type: profileTypeOf(dict),
    name,
    uuid: plistString(dict, 'UUID') ?? '',
    teamId,
    teamName: plistString(dict, 'TeamName') ?? '',
    appIdName: plistString(dict, 'AppIDName') ?? '',
    expiresAt,
    applicationIdentifier,
    appIdPattern,
    platforms: plistArray(dict, 'Platform')?.filter((v): v is string => typeof v === 'string') ?? [],
    signer,
  }
}
