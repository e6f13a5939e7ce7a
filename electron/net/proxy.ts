import type { Agent as HttpAgent } from 'node:http'
import http from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { HttpsProxyAgent } from 'https-proxy-agent'
import type { Dispatcher } from 'undici'
import { AscentError } from '../../shared/errors'

/**
 * Every request Ascent makes leaves through here: the App Store Connect API (node:http in api-fetch.ts, or fetch
 * where a caller passes it) and the upload parts (node:http). Corporate CI reaches the internet only through a proxy named by HTTP_PROXY /
 * HTTPS_PROXY, with exceptions in NO_PROXY; both paths read them with the one rule below, the one
 * undici's EnvHttpProxyAgent and curl follow. TLS trust (NODE_EXTRA_CA_CERTS) is Node's default store,
 * which every connection below uses, to the proxy and through it.
 */

export type ProxyEnv = Readonly<Record<string, string | undefined>>

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 }

/** The first set variable among `names`, lower case first as curl reads them. */
function firstSet(env: ProxyEnv, names: readonly string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value) return { name, value }
  }
  return null
}

/** A proxy variable's value as a URL; "proxy.corp:3128" without a scheme means http, as curl reads it. */
function proxyUrl(name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)
  } catch {
    throw new AscentError(
      'BAD_INPUT',
      `${name} is not a proxy URL ("${redactUserinfo(value)}"); set it to http://HOST:PORT`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AscentError(
      'BAD_INPUT',
      `${name} uses ${url.protocol.slice(0, -1)}, which Ascent cannot use; give an http:// or https:// proxy`,
    )
  }
  return url
}

function redactUserinfo(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@')
}

/** Whether NO_PROXY exempts host:port ("*", exact names, domain suffixes with or without a leading dot, :port). */
function exempt(env: ProxyEnv, hostname: string, port: number): boolean {
  const value = env.no_proxy ?? env.NO_PROXY ?? ''
  if (value.trim() === '*') return true
  for (const entry of value.split(/[,\s]+/)) {
    if (!entry) continue
    const match = /^(.+):(\d+)$/.exec(entry)
    const name = (match?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase()
    if (match && Number(match[2]) !== port) continue
    if (hostname === name || hostname.endsWith(`.${name}`)) return true
  }
  return false
}

/**
 * The proxy a request to `url` goes through, or null for a direct connection. HTTPS_PROXY serves https
 * URLs (falling back to HTTP_PROXY), HTTP_PROXY http ones. Loopback is not exempt: only NO_PROXY exempts.
 */
function proxyFor(url: URL | string, env: ProxyEnv = process.env): URL | null {
  const target = typeof url === 'string' ? new URL(url) : url
  const names =
    target.protocol === 'https:' ? PROXY_VARIABLES : PROXY_VARIABLES.filter((n) => /^http_/i.test(n))
  const set = firstSet(env, names)
  if (!set) return null
  // Keep IPv6 brackets: NO_PROXY writes [::1] the way URLs do.
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase()
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0
  if (exempt(env, hostname, port)) return null
  return proxyUrl(set.name, set.value)
}

/** Throws the BAD_INPUT a malformed proxy variable would cause on the first request, before any work starts. */
export function checkProxyEnvironment(env: ProxyEnv = process.env): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim()
    if (value) proxyUrl(name, value)
  }
}

// One dispatcher per proxy, kept for the process: keep-alive connections are reused.
const viaProxy = new Map<string, Dispatcher>()

/**
 * `fetch` that honours the proxy variables. A direct connection uses Node's own fetch; a proxied one undici's,
 * because Node 20's built-in fetch takes no proxy. undici is loaded only then: loading it costs every command
 * (an upload, `ascent --version`) about 0.05 s of CPU at start, and Node's fetch starts in half the time
 * undici's first request takes. Both are the same WHATWG fetch, so the cast only bridges two copies of the
 * same type declarations.
 */
export const networkFetch: typeof fetch = async (input, init) => {
  // Callers pass URLs; a Request object of the built-in fetch is not one undici's fetch can read.
  if (!(typeof input === 'string' || input instanceof URL)) throw new TypeError('networkFetch takes a URL')
  const url = new URL(input)
  const proxy = proxyFor(url)
  if (!proxy) return fetch(url, init)
  const undici = await import('undici')
  let dispatcher = viaProxy.get(proxy.href)
  // CONNECT tunnels for http and https targets alike: the proxy sees hosts, never tokens.
  if (!dispatcher) viaProxy.set(proxy.href, (dispatcher = new undici.ProxyAgent({ uri: proxy.href })))
  const response = await undici.fetch(url, {
    ...(init as Parameters<typeof undici.fetch>[1]),
    dispatcher,
  })
  return response as unknown as Response
}

export interface NodeAgents {
  /** The keep-alive agent for a node:http(s) request to `url`: direct, or through its proxy. */
  agentFor(url: URL): HttpAgent
  destroy(): void
}

/** Agents for node:http(s) requests (the upload parts), routed by the same rule as `networkFetch`. */
export function createNodeAgents(options: { readonly maxSockets: number }): NodeAgents {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets }
  // Each made on first use: an https agent loads the TLS stack, which a run against the http sandbox never needs.
  let httpAgent: http.Agent | null = null
  let httpsAgent: HttpsAgent | null = null
  const proxied = new Map<string, HttpAgent>()
  return {
    agentFor(url) {
      const proxy = proxyFor(url)
      if (!proxy)
        return url.protocol === 'https:'
          ? (httpsAgent ??= new HttpsAgent(agentOptions))
          : (httpAgent ??= new http.Agent(agentOptions))
      let agent = proxied.get(proxy.href)
      if (!agent) proxied.set(proxy.href, (agent = new HttpsProxyAgent(proxy, agentOptions)))
      return agent
    },
    destroy() {
      httpAgent?.destroy()
      httpsAgent?.destroy()
      for (const agent of proxied.values()) agent.destroy()
    },
  }
}
