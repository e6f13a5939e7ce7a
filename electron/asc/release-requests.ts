import * as z from 'zod'
import { applied, notApplied, type AscClient } from './client'
import { AppVersionStateSchema } from './enums'
import { linkTo, resource, singleDocument } from './json-api'

const VersionStateResource = resource('appStoreVersions', { appVersionState: AppVersionStateSchema }, {})

/**
 * Releases an approved version that waits for its developer (PENDING_DEVELOPER_RELEASE): Apple answers
 * 201 with no attributes. After an ambiguous failure the version's state tells whether it was applied.
 */
export async function requestVersionRelease(
  client: AscClient,
  versionId: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  await client.mutate({
    method: 'POST',
    path: '/v1/appStoreVersionReleaseRequests',
    body: {
      data: {
        type: 'appStoreVersionReleaseRequests',
        relationships: { appStoreVersion: linkTo('appStoreVersions', versionId) },
      },
    },
    schema: z.unknown().transform(() => undefined),
    ...(options.signal ? { signal: options.signal } : {}),
    alreadyApplied: async (signal) => {
      const doc = await client.request('GET', `/v1/appStoreVersions/${encodeURIComponent(versionId)}`, {
        query: { 'fields[appStoreVersions]': ['appVersionState'] },
        schema: singleDocument(VersionStateResource),
        ...(signal ? { signal } : {}),
      })
      return doc.data.attributes.appVersionState === 'PENDING_DEVELOPER_RELEASE'
        ? notApplied
        : applied(undefined)
    },
  })
}
