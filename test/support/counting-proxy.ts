import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

/** What passed through the proxy: every request inside its CONNECT tunnels and every absolute-form request. */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT` (or https:// with `tls`): the value for HTTP(S)_PROXY. */
  readonly url: string
  /** `METHOD /path?query` of each request it forwarded, in order. */
  readonly requests: string[]
  /** CONNECT requests it accepted (a tunnel carries many requests on keep-alive). */
  readonly tunnels: string[]
  /** Requests it held back (`hold`), in order. */
  readonly held: string[]
  close(): Promise<void>
}

/**
 * A forward proxy on loopback that sees inside the tunnels it opens: a CONNECT to an http:// origin is
 * answered 200 and the tunnel's bytes are parsed as HTTP and forwarded request by request, so every
 * request is counted, not only each connection. With `tls` the proxy itself speaks TLS (an https:// proxy).
 */
export async function startCountingProxy(
  options: {
    readonly tls?: { readonly key: string; readonly cert: string }
    /**
     * Requests (`METHOD /path`) never forwarded nor answered: they wait until the client gives up on them, so a
     * test can act while a request is surely in flight. `onHold` hears each one.
     */
    readonly hold?: (request: string) => boolean
    /**
     * Requests forwarded (App Store Connect acts on them) whose answers never reach the client: a test can stop the
     * client after the server acted and before it heard so. `onHold` hears each one once the answer arrived.
     */
    readonly holdAnswer?: (request: string) => boolean
    readonly onHold?: (request: string) => void
  } = {},
): Promise<CountingProxy> {
  const requests: string[] = []
  const tunnels: string[] = []
  const held: string[] = []
  const upstream = new http.Agent({ keepAlive: true })
  const sockets = new Set<Socket>()

  function forward(req: IncomingMessage, res: ServerResponse, origin: string): void {
    const target = new URL(req.url ?? '/', origin)
    requests.push(`${req.method} ${target.pathname}${target.search}`)
    if (options.hold?.(`${req.method} ${target.pathname}`)) {
      held.push(`${req.method} ${target.pathname}`)
      options.onHold?.(`${req.method} ${target.pathname}`)
      return
    }
    const out = http.request(
      target,
      { method: req.method, headers: req.headers, agent: upstream },
      (answer) => {
        if (options.holdAnswer?.(`${req.method} ${target.pathname}`)) {
          held.push(`${req.method} ${target.pathname}`)
          answer.resume()
          answer.once('end', () => options.onHold?.(`${req.method} ${target.pathname}`))
          return
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    out.on('error', () => res.destroy())
    req.pipe(out)
  }

  // Requests that arrive inside a tunnel: origin-form paths, the origin is the tunnel's target.
  const inner = http.createServer((req, res) => {
    const origin = (req.socket as Socket & { tunnelTarget?: string }).tunnelTarget ?? ''
    forward(req, res, `http://${origin}`)
  })
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => forward(req, res, req.url ?? '')
  const outer = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : http.createServer(onRequest)
  outer.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  outer.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '')
    Object.assign(socket, { tunnelTarget: req.url })
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) socket.unshift(head)
    inner.emit('connection', socket)
  })
  await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve))
  const { port } = outer.address() as AddressInfo
  return {
    url: `${options.tls ? 'https' : 'http'}://${options.tls ? 'localhost' : '127.0.0.1'}:${port}`,
    requests,
    tunnels,
    held,
    async close() {
      for (const socket of sockets) socket.destroy()
      upstream.destroy()
      inner.close()
      await new Promise<void>((resolve) => outer.close(() => resolve()))
    },
  }
}
