import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createBrotliCompress, createDeflate, createGzip, type Gzip } from 'node:zlib'
import { afterEach } from 'vitest'

/**
 * Servers that misbehave the way a broken proxy, a wrong --api-url or an attacker does: answers too big
 * (plain or compressed), answers that drip, redirects and empty documents. Real HTTP on 127.0.0.1; each
 * answer is produced lazily, so a client that stops reading stops the server too.
 */
export type HostileAnswer =
  /** `bytes` of valid JSON (`{"data":[…]}`), sent with Content-Length when `declared`, else chunked. */
  | { readonly kind: 'huge-json'; readonly bytes: number; readonly declared: boolean }
  /** A compressed answer that inflates to `bytes` of spaces. */
  | { readonly kind: 'bomb'; readonly encoding: 'gzip' | 'deflate' | 'br'; readonly bytes: number }
  /** Status and headers at once, then one byte per `everyMs`, forever. */
  | { readonly kind: 'drip'; readonly everyMs: number }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  /** This status with no body at all. */
  | { readonly kind: 'empty'; readonly status: number }
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  /** The connection is closed without a word, as a reset by a proxy or a load balancer leaves it. */
  | { readonly kind: 'hang-up' }

export interface HostileServer {
  readonly url: string
  /** Paths asked for, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

const ITEM = '{"type":"apps","id":"1","attributes":{"bundleId":"com.example.x","name":"X"}}'

/** Writes the pieces with backpressure, then ends the stream. */
function writeLazily(out: NodeJS.WritableStream, pieces: Iterator<Buffer>): void {
  const pump = (): void => {
    for (let next = pieces.next(); !next.done; next = pieces.next()) {
      if (!out.write(next.value)) {
        out.once('drain', pump)
        return
      }
    }
    out.end()
  }
  pump()
}

/** `{"data":[ITEM,ITEM,…]}` of about `bytes` bytes (whole items), as pieces of up to 1000 items. */
function* hugeJsonPieces(bytes: number): Generator<Buffer> {
  const items = Math.max(1, Math.floor(bytes / (ITEM.length + 1)))
  yield Buffer.from('{"data":[' + ITEM)
  const block = Buffer.from((',' + ITEM).repeat(1000))
  let left = items - 1
  for (; left >= 1000; left -= 1000) yield block
  if (left > 0) yield Buffer.from((',' + ITEM).repeat(left))
  yield Buffer.from(']}')
}

export function hugeJsonLength(bytes: number): number {
  const items = Math.max(1, Math.floor(bytes / (ITEM.length + 1)))
  return '{"data":['.length + items * (ITEM.length + 1) - 1 + ']}'.length
}

function* repeat(piece: Buffer, total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += piece.length)
    yield piece.subarray(0, Math.min(piece.length, total - sent))
}

function bomb(res: ServerResponse, encoding: 'gzip' | 'deflate' | 'br', bytes: number): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding })
  const zip: Gzip =
    encoding === 'gzip' ? createGzip() : encoding === 'deflate' ? createDeflate() : createBrotliCompress()
  zip.pipe(res)
  res.on('close', () => zip.destroy())
  writeLazily(zip, repeat(Buffer.alloc(1024 * 1024, 0x20), bytes))
}

async function startHostileServer(
  answer: HostileAnswer | ((path: string) => HostileAnswer),
): Promise<HostileServer> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    requests.push(path)
    req.resume()
    const a = typeof answer === 'function' ? answer(path) : answer
    switch (a.kind) {
      case 'huge-json':
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(a.declared ? { 'content-length': String(hugeJsonLength(a.bytes)) } : {}),
        })
        return writeLazily(res, hugeJsonPieces(a.bytes))
      case 'bomb':
        return bomb(res, a.encoding, a.bytes)
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{')
        const timer = setInterval(() => res.write(' '), a.everyMs)
        res.on('close', () => clearInterval(timer))
        return
      }
      case 'redirect':
        res.writeHead(a.status, { location: a.location })
        return res.end()
      case 'empty':
        res.writeHead(a.status)
        return res.end()
      case 'json':
        res.writeHead(a.status, { 'content-type': 'application/json' })
        return res.end(JSON.stringify(a.body))
      case 'hang-up':
        req.socket.destroy()
        return
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** For a test file: servers started with the returned function are closed after each test. */
export function useHostileServers(): (
  answer: HostileAnswer | ((path: string) => HostileAnswer),
) => Promise<HostileServer> {
  let servers: HostileServer[] = []
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()))
    servers = []
  })
  return async (answer) => {
    const server = await startHostileServer(answer)
    servers.push(server)
    return server
  }
}
