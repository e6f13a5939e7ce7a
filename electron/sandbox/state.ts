import type { Faults } from './faults'
import { buildBetaStates, type Context } from './resources'
import {
  appInfoLocalizationsOf,
  appInfosOf,
  appInfoState,
  reviewDetailOf,
  screenshotSetsOf,
} from './metadata'
import { currentDayNumber, totalPauseDays } from './phased-release'
import { iso } from './store'

/** What GET /__sandbox/state returns: everything the sandbox holds, plus request counts. */
export type SandboxState = ReturnType<typeof snapshot>

export function snapshot(
  ctx: Context,
  requests: { total: number; byRoute: Record<string, number> },
  faults: Faults,
  latencyMs: number,
) {
  const { store: s, uploads: u } = ctx
  const all = <T>(m: ReadonlyMap<string, T>): T[] => [...m.values()]
  return {
    /** The sandbox's clock (moved ahead by POST /__sandbox/clock). */
    now: iso(s.now()),
    apps: all(s.apps).map((a) => ({
      id: a.id,
      bundleId: a.bundleId,
      name: a.name,
      platforms: a.platforms,
      betaAppInfoComplete: s.betaAppInfoComplete(a.id),
      contentRightsDeclaration: a.contentRightsDeclaration,
      appInfos: appInfosOf(s, a.id).map((info) => ({
        id: info.id,
        state: appInfoState(s, info),
        ...info.categories,
        localizations: appInfoLocalizationsOf(s, info.id).map(({ appInfoId: _info, ...l }) => l),
      })),
      betaGroups: all(s.betaGroups)
        .filter((g) => g.appId === a.id)
        .map((g) => ({ id: g.id, name: g.name, isInternal: g.isInternal, buildIds: [...g.buildIds] })),
    })),
    builds: all(s.builds).map((b) => {
      const train = s.preReleaseVersions.get(b.preReleaseVersionId)
      const beta = s.betaSubmissionOf(b.id)
      const states = buildBetaStates(ctx, b.id)
      return {
        id: b.id,
        appId: b.appId,
        platform: train?.platform ?? null,
        versionString: train?.version ?? null,
        buildNumber: b.version,
        processingState: b.processingState,
        uploadedDate: iso(b.uploadedAt),
        /** When processing ends on the sandbox's clock, to the millisecond (null: the state is final). */
        processedDate: b.processedAt === null ? null : new Date(b.processedAt).toISOString(),
        usesNonExemptEncryption: b.usesNonExemptEncryption,
        expired: b.expired,
        internalBuildState: states.internal,
        externalBuildState: states.external,
        groups: all(s.betaGroups)
          .filter((g) => g.buildIds.includes(b.id))
          .map((g) => g.name),
        betaReviewState: beta?.state ?? null,
        betaAppReviewSubmissionId: beta?.id ?? null,
        whatsNew: Object.fromEntries(
          all(s.betaBuildLocalizations)
            .filter((l) => l.buildId === b.id)
            .map((l) => [l.locale, l.whatsNew]),
        ),
        buildUploadId: b.buildUploadId,
      }
    }),
    versions: all(s.appStoreVersions).map((v) => {
      const detail = reviewDetailOf(s, v.id)
      return {
        ...v,
        localizations: s.localizationsOf(v.id).map(({ versionId: _v, ...l }) => ({
          ...l,
          screenshotSets: screenshotSetsOf(s, l.id).map((set) => ({
            id: set.id,
            screenshotDisplayType: set.displayType,
            screenshots: set.screenshotIds.flatMap((id) => {
              const shot = s.appScreenshots.get(id)
              if (!shot) return []
              return [
                {
                  id: shot.id,
                  fileName: shot.fileName,
                  fileSize: shot.fileSize,
                  sourceFileChecksum: shot.sourceFileChecksum,
                  state: shot.state,
                  errors: shot.errors,
                  width: shot.width,
                  height: shot.height,
                  parts: shot.parts.length,
                  partsReceived: shot.parts.filter((p) => p.received).length,
                },
              ]
            }),
          })),
        })),
        reviewDetail: detail ? (({ versionId: _v, ...d }) => d)(detail) : null,
      }
    }),
    phasedReleases: all(s.phasedReleases).map((p) => ({
      id: p.id,
      versionId: p.versionId,
      phasedReleaseState: p.phasedReleaseState,
      startDate: p.startedAt === null ? null : iso(p.startedAt),
      currentDayNumber: currentDayNumber(p, s.now()),
      totalPauseDuration: totalPauseDays(p, s.now()),
    })),
    reviewSubmissions: all(s.reviewSubmissions).map((r) => ({
      id: r.id,
      appId: r.appId,
      platform: r.platform,
      state: r.state,
      submittedDate: r.submittedAt === null ? null : iso(r.submittedAt),
      items: s.itemsOf(r.id).map((i) => ({ id: i.id, appStoreVersionId: i.versionId, state: i.state })),
    })),
    buildUploads: all(u.uploads).map((up) => ({
      id: up.id,
      appId: up.appId,
      platform: up.platform,
      cfBundleShortVersionString: up.cfBundleShortVersionString,
      cfBundleVersion: up.cfBundleVersion,
      state: up.state,
      errors: up.errors,
      buildId: up.buildId,
      files: u.filesOf(up.id).map((f) => ({
        id: f.id,
        fileName: f.fileName,
        fileSize: f.fileSize,
        assetType: f.assetType,
        state: f.state,
        parts: f.parts.length,
        partsReceived: f.parts.filter((p) => p.received).length,
        bytesReceived: f.bytesReceived,
        bytesTransferred: f.bytesTransferred,
        checksums: f.checksums,
      })),
    })),
    partFailures: u.partFailures.map((f) => ({ ...f })),
    faults: {
      ...faults.current,
      injected: faults.log.length,
      byKind: countBy(faults.log.map((l) => l.kind)),
    },
    /** What every API answer waits before it is sent (`--latency-ms`). */
    latencyMs,
    requests: { total: requests.total, byRoute: { ...requests.byRoute } },
  }
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
