import * as asn1js from 'asn1js'
import { Certificate, ContentInfo, IssuerAndSerialNumber, SignedData } from 'pkijs'
import type { ProfileType } from '../../shared/build-summary'
import { badBuild } from './bad-build'
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

export interface ProfileSigner {
  readonly subject: string
  readonly issuer: string
  /** Subject and issuer both name Apple Inc.; the chain to Apple's root is NOT verified (DESIGN.md). */
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

function distinguishedName(attributes: Certificate['subject']['typesAndValues']): string {
  return attributes
    .map((attribute) => {
      const label =
        attribute.type === COMMON_NAME_OID ? 'CN' : attribute.type === ORGANIZATION_OID ? 'O' : attribute.type
      return `${label}=${String(attribute.value.valueBlock.value)}`
    })
    .join(', ')
}

function organizationOf(attributes: Certificate['subject']['typesAndValues']): string | undefined {
  const found = attributes.find((attribute) => attribute.type === ORGANIZATION_OID)
  return found ? String(found.value.valueBlock.value) : undefined
}

function signerOf(signedData: SignedData): ProfileSigner | null {
  const sid = signedData.signerInfos[0]?.sid
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is Certificate => c instanceof Certificate,
  )
  const certificate =
    sid instanceof IssuerAndSerialNumber
      ? certificates.find((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer))
      : certificates[0]
  if (!certificate) return null
  return {
    subject: distinguishedName(certificate.subject.typesAndValues),
    issuer: distinguishedName(certificate.issuer.typesAndValues),
    namesApple:
      organizationOf(certificate.subject.typesAndValues) === 'Apple Inc.' &&
      organizationOf(certificate.issuer.typesAndValues) === 'Apple Inc.',
  }
}

/** The signed content of a CMS SignedData (DER or BER, definite or chunked octet string). */
function signedContent(der: Uint8Array, what: string): { content: Uint8Array; signedData: SignedData } {
  const asn1 = asn1js.fromBER(der)
  if (asn1.offset === -1)
    throw badBuild(`${what} is not a provisioning profile (not DER/CMS data: ${asn1.result.error})`)
  let signedData: SignedData
  try {
    const contentInfo = new ContentInfo({ schema: asn1.result })
    if (contentInfo.contentType !== SIGNED_DATA_OID)
      throw new Error(`content type ${contentInfo.contentType} is not SignedData`)
    signedData = new SignedData({ schema: contentInfo.content })
  } catch (error) {
    throw badBuild(`${what} is not a provisioning profile (not a CMS SignedData structure)`, error)
  }
  const eContent = signedData.encapContentInfo.eContent
  if (!eContent)
    throw badBuild(`${what} has no signed content (a detached CMS signature, not a provisioning profile)`)
  const content = new Uint8Array(eContent.getValue())
  if (content.length === 0) throw badBuild(`${what} has empty signed content`)
  return { content, signedData }
}

/** Parses `embedded.mobileprovision` / `embedded.provisionprofile`: CMS SignedData around an XML or binary plist. */
export function parseProvisioningProfile(der: Uint8Array, what: string): ProvisioningProfile {
  const { content, signedData } = signedContent(der, what)
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
    signer: signerOf(signedData),
  }
}
