import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'

/** A TCP relay in front of a server; once `cut()`, every connection through it is dropped, as a failing network drops them. */
export interface CuttableRelay {
  /** `http://127.0.0.1:PORT`, to use in place of the server's URL. */
  readonly url: string
  /** Drops the open connections and every later one (each is reset as soon as it is accepted). */
  cut(): void
  close(): Promise<void>
}

export async function startCuttableRelay(target: string): Promise<CuttableRelay> {
  const { hostname, port } = new URL(target)
  const open = new Set<Socket>()
  let cut = false
  const server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy()
      return
    }
    const upstream = createConnection({ host: hostname, port: Number(port) })
    open.add(client)
    open.add(upstream)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      cut = true
      for (const socket of open) socket.resetAndDestroy()
      open.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
