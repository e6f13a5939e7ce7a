import * as z from 'zod'
import { isAscApiError } from './api-error'
import { applied, notApplied, type AscClient } from './client'
import { PhasedReleaseStateSchema, type PhasedReleaseState, PHASED_RELEASE_STATES } from './enums'
import { linkTo, optionalDocument, resource, singleDocument } from './json-api'

export interface PhasedRelease {
  readonly id: string
  readonly state: PhasedReleaseState | null
}

export type PhasedReleaseStateInput = (typeof PHASED_RELEASE_STATES)[number]

export const PhasedReleaseResource = resource(
  'appStoreVersionPhasedReleases',
  { phasedReleaseState: PhasedReleaseStateSchema },
  {},
)

/** Only the state: the pipeline turns phased release on or off and never reads its progress. */
export const PHASED_RELEASE_FIELDS = ['phasedReleaseState'] as const

export function toPhasedRelease(r: z.infer<typeof PhasedReleaseResource>): PhasedRelease {
  return { id: r.id, state: r.attributes.phasedReleaseState }
}

const Single = singleDocument(PhasedReleaseResource).transform((d) => toPhasedRelease(d.data))

/** The version's phased release, or null when it has none (Apple answers `data: null`, or 404 on some versions). */
export async function getPhasedRelease(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<PhasedRelease | null> {
  try {
    const doc = await client.request(
      'GET',
      `/v1/appStoreVersions/${encodeURIComponent(versionId)}/appStoreVersionPhasedRelease`,
      {
        query: { 'fields[appStoreVersionPhasedReleases]': PHASED_RELEASE_FIELDS },
        schema: optionalDocument(PhasedReleaseResource),
        signal: options.signal,
      },
    )
    return doc.data ? toPhasedRelease(doc.data) : null
  } catch (error) {
    if (isAscApiError(error, 404)) return null
    throw error
  }
}

/** Turns phased release on for a version; INACTIVE until the version is released (as fastlane creates it). */
export async function createPhasedRelease(
  client: AscClient,
  input: { readonly versionId: string; readonly state?: PhasedReleaseStateInput },
  options: { readonly signal?: AbortSignal } = {},
): Promise<PhasedRelease> {
  return client.mutate({
    method: 'POST',
    path: '/v1/appStoreVersionPhasedReleases',
    body: {
      data: {
        type: 'appStoreVersionPhasedReleases',
        attributes: { phasedReleaseState: input.state ?? 'INACTIVE' },
        relationships: { appStoreVersion: linkTo('appStoreVersions', input.versionId) },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await getPhasedRelease(client, input.versionId, { signal })
      return found ? applied(found) : notApplied
    },
  })
}

/** ACTIVE / PAUSED / COMPLETE after release; INACTIVE before it. */
export async function updatePhasedRelease(
  client: AscClient,
  input: { readonly id: string; readonly versionId: string; readonly state: PhasedReleaseStateInput },
  options: { readonly signal?: AbortSignal } = {},
): Promise<PhasedRelease> {
  return client.mutate({
    method: 'PATCH',
    path: `/v1/appStoreVersionPhasedReleases/${encodeURIComponent(input.id)}`,
    body: {
      data: {
        type: 'appStoreVersionPhasedReleases',
        id: input.id,
        attributes: { phasedReleaseState: input.state },
      },
    },
    schema: Single,
    signal: options.signal,
    alreadyApplied: async (signal) => {
      const found = await getPhasedRelease(client, input.versionId, { signal })
      return found && found.state === input.state ? applied(found) : notApplied
    },
  })
}

/** Turns phased release off (the version is then released to everyone at once). */
export async function deletePhasedRelease(
  client: AscClient,
  input: { readonly id: string; readonly versionId: string },
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'DELETE',
    path: `/v1/appStoreVersionPhasedReleases/${encodeURIComponent(input.id)}`,
    schema: z.undefined(),
    signal: options.signal,
    alreadyApplied: async (signal) =>
      (await getPhasedRelease(client, input.versionId, { signal })) ? notApplied : applied(undefined),
  })
}
