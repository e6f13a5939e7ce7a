import { describe, expect, it } from 'vitest'
import { describeNetworkFailure, networkFailureCode } from '../../../electron/asc/network-failure'

describe('a request that got no answer, in words', () => {
  it.each([
    ['ECONNRESET', /closed the connection before answering/],
    ['UND_ERR_SOCKET', /closed the connection before answering/],
    ['EPIPE', /closed the connection before answering/],
    ['ECONNREFUSED', /refused the connection/],
    ['ETIMEDOUT', /could not be connected to in time/],
    ['UND_ERR_CONNECT_TIMEOUT', /could not be connected to in time/],
    ['EAI_AGAIN', /DNS server did not answer/],
    ['ENOTFOUND', /host name does not resolve/],
    ['ENETUNREACH', /cannot be reached from this network/],
    ['SELF_SIGNED_CERT_IN_CHAIN', /certificate this computer does not trust/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /certificate this computer does not trust/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /secure \(TLS\) connection/],
    ['socket hang up', /closed the connection before answering/],
    ['E_SOMETHING_NEW', /the connection failed before an answer came/],
  ])('%s', (code, what) => {
    const words = describeNetworkFailure(code)
    expect(words.what).toMatch(what)
    expect(`${words.what} ${words.fix}`).not.toContain(code)
    expect(words.fix).toMatch(/try again\.$/)
  })

  it('finds the code fetch hides under "fetch failed"', () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    expect(networkFailureCode(new TypeError('fetch failed', { cause }))).toBe('UND_ERR_SOCKET')
  })
})
