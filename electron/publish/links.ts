import type { Platform } from '../../shared/build-summary'
import type { Link } from '../../shared/publish-events'
import type { RunIds } from './journal'

/** App Store Connect's web pages for what a run touched (the same pages whether the API was Apple's or the sandbox). */
export const ASC_WEB = 'https://appstoreconnect.apple.com'

const testflightPlatform: Record<Platform, string> = {
  IOS: 'ios',
  TV_OS: 'tvos',
  MAC_OS: 'macos',
  VISION_OS: 'visionos',
}

export function testflightInfoUrl(appId: string): string {
  return `${ASC_WEB}/apps/${appId}/testflight/test-info`
}

export function runLinks(ids: RunIds, platform: Platform): Link[] {
  if (!ids.appId) return []
  const app = `${ASC_WEB}/apps/${ids.appId}`
  const links: Link[] = [{ label: 'TestFlight', url: `${app}/testflight/${testflightPlatform[platform]}` }]
  if (ids.buildId) {
    links.push({ label: 'Build', url: `${app}/testflight/${testflightPlatform[platform]}/${ids.buildId}` })
  }
  links.push({ label: 'App Store', url: `${app}/distribution` })
  if (ids.versionId) {
    links.push({
      label: 'App Store version',
      url: `${app}/distribution/${testflightPlatform[platform]}/version/inflight`,
    })
  }
  if (ids.reviewSubmissionId) {
    links.push({
      label: 'Review submission',
      url: `${app}/distribution/reviewsubmissions/details/${ids.reviewSubmissionId}`,
    })
  }
  return links
}
