import { createAscClient, type AscClient, type AscClientOptions } from '../asc/client'
import { apiFetch, type ApiFetch } from '../net/api-fetch'
import type { AscConnection } from './asc-gateway'

export interface PublishConnection extends AscConnection {
  readonly client: AscClient
  /** Requests sent so far (every attempt), for the soak and the run summary. */
  requestCount(): number
}

/**
 * A client whose fetch also reads the Date header of every answer: the release-date rule is checked
 * against App Store Connect's clock, not this computer's (a laptop clock an hour off must not let a
 * past date through or refuse a valid one).
 */
export function createPublishConnection(options: AscClientOptions): PublishConnection {
  const now = options.now ?? Date.now
  const baseFetch = options.fetch ?? apiFetch
  let anchor: { readonly server: number; readonly local: number } | null = null
  let requests = 0
  const readingFetch: ApiFetch = async (url, init) => {
    requests++
    const response = await baseFetch(url, init)
    const date = Date.parse(response.headers.get('date') ?? '')
    if (!Number.isNaN(date)) anchor = { server: date, local: now() }
    return response
  }
  const client = createAscClient({ ...options, fetch: readingFetch })
  return {
    client,
    serverNow: () => (anchor === null ? null : anchor.server + (now() - anchor.local)),
    requestCount: () => requests,
  }
}
