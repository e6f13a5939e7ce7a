import type { Problem } from '../../shared/build-summary'
import { appIdMatchesBundleId, type ProvisioningProfile } from './provisioning-profile'
import { versionFindings } from './validation/version-rules'

/** Profiles expiring this soon still upload, but processing or review may outlast them. */
const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000

export function error(code: string, message: string): Problem {
  return { severity: 'error', code, message }
}

export function warning(code: string, message: string): Problem {
  return { severity: 'warning', code, message }
}

/** The version rules every bundle follows (see validation/version-rules), for a build with one bundle. */
export function versionProblems(version: string | undefined, buildNumber: string | undefined): Problem[] {
  const info: Record<string, string> = {}
  if (version !== undefined) info['CFBundleShortVersionString'] = version
  if (buildNumber !== undefined) info['CFBundleVersion'] = buildNumber
  return versionFindings(info, 'app').map((f) => ({
    severity: f.severity,
    code: f.code,
    message: `${f.what}${f.itms ? ` (ITMS-${f.itms})` : ''}: ${f.fix}`,
    ...(f.itms ? { itms: `ITMS-${f.itms}` } : {}),
    fix: f.fix,
  }))
}

/** `subject` is `''` for the app and e.g. `extension com.example.app.widget: ` for an extension. */
export function profileProblems(
  profile: ProvisioningProfile,
  bundleId: string,
  now: number,
  options: { extension: boolean },
): Problem[] {
  const prefix = options.extension ? 'EXTENSION_' : ''
  const who = options.extension ? `extension ${bundleId}: ` : ''
  const problems: Problem[] = []
  if (profile.type !== 'app-store') {
    problems.push(
      error(
        `${prefix}PROFILE_NOT_APP_STORE`,
        `${who}signed with the ${profile.type} profile "${profile.name}"; App Store Connect accepts only App Store distribution profiles (ITMS-90161): export again from Xcode with the "App Store Connect" method`,
      ),
    )
  }
  const expires = profile.expiresAt.getTime()
  if (expires <= now) {
    problems.push(
      error(
        `${prefix}PROFILE_EXPIRED`,
        `${who}the profile "${profile.name}" expired on ${profile.expiresAt.toISOString()}: renew it in the Apple Developer portal, then archive and export again`,
      ),
    )
  } else if (expires - now < EXPIRY_WARNING_MS) {
    problems.push(
      warning(
        `${prefix}PROFILE_EXPIRING_SOON`,
        `${who}the profile "${profile.name}" expires on ${profile.expiresAt.toISOString()}: renew it soon so processing and review are not cut short`,
      ),
    )
  }
  if (!appIdMatchesBundleId(profile.appIdPattern, bundleId)) {
    problems.push(
      error(
        `${prefix}PROFILE_APP_ID_MISMATCH`,
        `${who}the profile "${profile.name}" is for the App ID ${profile.appIdPattern || '(none)'}, which does not cover ${bundleId}: sign with a profile made for ${bundleId}`,
      ),
    )
  }
  if (profile.signer && !profile.signer.namesApple) {
    problems.push(
      warning(
        `${prefix}PROFILE_SIGNER_UNTRUSTED`,
        `${who}the profile "${profile.name}" is not signed by Apple (signer: ${profile.signer.subject}); App Store Connect will reject it unless it comes from the Apple Developer portal`,
      ),
    )
  }
  return problems
}
