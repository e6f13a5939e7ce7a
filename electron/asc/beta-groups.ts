import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { optBool } from './enums'
import { BUILD_QUERY, BuildResource, toBuild, type Build } from './builds'
import { resource } from './json-api'

export interface BetaGroupInfo {
  readonly id: string
  readonly name: string
  readonly isInternal: boolean
  readonly hasAccessToAllBuilds: boolean | null
  readonly publicLinkEnabled: boolean | null
}

export const BetaGroupResource = resource(
  'betaGroups',
  { name: z.string(), isInternalGroup: optBool, hasAccessToAllBuilds: optBool, publicLinkEnabled: optBool },
  {},
)

export function toGroup(r: z.infer<typeof BetaGroupResource>): BetaGroupInfo {
  const a = r.attributes
  return {
    id: r.id,
    name: a.name,
    isInternal: a.isInternalGroup === true,
    hasAccessToAllBuilds: a.hasAccessToAllBuilds,
    publicLinkEnabled: a.publicLinkEnabled,
  }
}

export const GROUP_FIELDS = ['name', 'isInternalGroup', 'hasAccessToAllBuilds', 'publicLinkEnabled'] as const

/** Every beta group of an app: 200 per call, following `links.next` (1,000 groups = 5 calls). */
export async function listBetaGroups(
  client: AscClient,
  appId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly BetaGroupInfo[]> {
  const page = await client.getAll(`/v1/apps/${encodeURIComponent(appId)}/betaGroups`, {
    query: { 'fields[betaGroups]': GROUP_FIELDS },
    item: BetaGroupResource,
    signal: options.signal,
  })
  return page.data.map(toGroup)
}

/** The groups of an app that already hold a build (`filter[builds]`), to check an add or a removal. */
export async function listBetaGroupsOfBuild(
  client: AscClient,
  appId: string,
  buildId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly BetaGroupInfo[]> {
  const page = await client.getAll('/v1/betaGroups', {
    query: { 'filter[app]': appId, 'filter[builds]': buildId, 'fields[betaGroups]': GROUP_FIELDS },
    item: BetaGroupResource,
    signal: options.signal,
  })
  return page.data.map(toGroup)
}

/** The builds a group holds (newest first as Apple returns them), with version and TestFlight state. */
export async function listBuildsOfBetaGroup(
  client: AscClient,
  groupId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<readonly Build[]> {
  const page = await client.getAll(`/v1/betaGroups/${encodeURIComponent(groupId)}/builds`, {
    query: { 'fields[builds]': BUILD_QUERY['fields[builds]'] },
    item: BuildResource,
    signal: options.signal,
  })
  return page.data.map((r) => toBuild(r, page.included))
}

/**
 * Adds a build to several groups in ONE call (POST /v1/builds/{id}/relationships/betaGroups, as
 * fastlane does) instead of one call per group. After an ambiguous failure the groups that hold
 * the build are read back; only a call that added none of them is sent again.
 */
export async function addBuildToBetaGroups(
  client: AscClient,
  input: { readonly appId: string; readonly buildId: string; readonly groupIds: readonly string[] },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  if (input.groupIds.length === 0) return
  await client.mutate({
    method: 'POST',
    path: `/v1/builds/${encodeURIComponent(input.buildId)}/relationships/betaGroups`,
    body: { data: input.groupIds.map((id) => ({ type: 'betaGroups', id })) },
    schema: z.undefined(),
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const holding = new Set(
        (await listBetaGroupsOfBuild(client, input.appId, input.buildId, { signal })).map((g) => g.id),
      )
      return input.groupIds.every((id) => holding.has(id)) ? applied(undefined) : notApplied
    },
  })
}

/**
 * Removes a build from groups: DELETE /v1/betaGroups/{id}/relationships/builds per group (removal is
 * rare and usually one group; Apple's one-call DELETE on /v1/builds/{id}/relationships/betaGroups
 * is not served by the local sandbox). Each removal is checked by reading the build's groups back.
 */
export async function removeBuildFromBetaGroups(
  client: AscClient,
  input: { readonly appId: string; readonly buildId: string; readonly groupIds: readonly string[] },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  for (const groupId of input.groupIds) {
    await client.mutate({
      method: 'DELETE',
      path: `/v1/betaGroups/${encodeURIComponent(groupId)}/relationships/builds`,
      body: { data: [{ type: 'builds', id: input.buildId }] },
      schema: z.undefined(),
      signal: options.signal,
      alreadyApplied: async (signal) => {
        const holding = await listBetaGroupsOfBuild(client, input.appId, input.buildId, { signal })
        return holding.some((g) => g.id === groupId) ? notApplied : applied(undefined)
      },
    })
  }
}
