import { notFound, otherStateInvalid, relationshipInvalid } from '../errors'
import * as z from 'zod'
import { ref, readData } from './request-body'
import type { Call, Route } from './call'
import { byId, collection, endpointWithoutContent, related } from './route'

const GROUP_INCLUDES = ['app', 'builds']
const linkages = (type: 'builds' | 'betaGroups') => z.array(ref(type)).min(1)

export const betaGroupRoutes: readonly Route[] = [
  related('GET /v1/apps/{id}/betaGroups', 'BetaGroupsWithoutIncludesResponse', { query: { paged: true } }),
  collection('GET /v1/betaGroups', 'BetaGroupsResponse', {
    paged: true,
    filters: ['app', 'name', 'isInternalGroup', 'id', 'builds'],
    include: GROUP_INCLUDES,
  }),
  byId('GET /v1/betaGroups/{id}', 'BetaGroupResponse', GROUP_INCLUDES),
  related('GET /v1/betaGroups/{id}/builds', 'BuildsWithoutIncludesResponse', { query: { paged: true } }),
  endpointWithoutContent('POST /v1/betaGroups/{id}/relationships/builds', (c) =>
    linkBuilds(c, [c.params.id ?? ''], idsOf(readData(c, linkages('builds'))), true),
  ),
  endpointWithoutContent('DELETE /v1/betaGroups/{id}/relationships/builds', (c) =>
    linkBuilds(c, [c.params.id ?? ''], idsOf(readData(c, linkages('builds'))), false),
  ),
  endpointWithoutContent('POST /v1/builds/{id}/relationships/betaGroups', (c) =>
    linkBuilds(c, idsOf(readData(c, linkages('betaGroups'))), [c.params.id ?? ''], true),
  ),
]

function idsOf(refs: readonly { readonly id: string }[]): string[] {
  return refs.map((r) => r.id)
}

/** Adds builds to groups (only VALID, unexpired builds of the group's app) or takes them out. */
function linkBuilds(c: Call, groupIds: readonly string[], buildIds: readonly string[], add: boolean): void {
  const s = c.ctx.store
  const groups = groupIds.map((id) => s.betaGroups.get(id))
  for (const [i, g] of groups.entries()) if (!g) throw notFound('betaGroups', groupIds[i] ?? '')
  for (const id of buildIds) {
    const b = s.builds.get(id)
    if (!b || groups.some((g) => g?.appId !== b.appId))
      throw relationshipInvalid(`builds with id '${id}' cannot be found for this app`, '/data')
    if (add && (b.processingState !== 'VALID' || b.expired))
      throw otherStateInvalid(
        `Build '${b.version}' is not in a valid state to be added to a group (processingState ${b.processingState}${b.expired ? ', expired' : ''}).`,
      )
  }
  for (const g of groups) {
    if (!g) continue
    g.buildIds = add
      ? [...new Set([...g.buildIds, ...buildIds])]
      : g.buildIds.filter((b) => !buildIds.includes(b))
  }
}
