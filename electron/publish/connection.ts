import { createAscClient, type AscClient, type AscClientOptions } from '../asc/client'
import type { AscConnection } from './asc-gateway'
import { networkFetch } from '../net/proxy'

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
  const baseFetch = options.fetch ?? networkFetch
  let anchor: { readonly server: number; readonly local: number } | null = null
  let requests = 0
  const readingFetch: typeof fetch = async (input, init) => {
    requests++
    const response = await baseFetch(input, init)
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
