import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPublicKey } from 'node:crypto'
import { jwtVerify } from 'jose'

export interface StubKey {
  readonly keyId: string
  readonly issuerId: string | null
  readonly pem: string
  readonly role: 'ADMIN' | 'APP_MANAGER' | 'FINANCE'
  readonly revoked?: boolean
}

/**
 * A real HTTP server that checks bearer tokens the way App Store Connect does (ES256 signature, kid, iss or
 * sub, aud, iat not in the future, exp at most 20 minutes ahead) and answers with Apple's error bodies.
 * FINANCE keys get 403 on /v1/apps, standing in for a role that may not do what is asked.
 */
export async function startAppleStub(
  keys: readonly StubKey[],
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const notAuthorized = (): void =>
      send(401, {
        errors: [
          {
            status: '401',
            code: 'NOT_AUTHORIZED',
            title: 'Authentication credentials are missing or invalid.',
            detail:
              'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
          },
        ],
      })
    void (async () => {
      const jwt = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      if (!jwt) return notAuthorized()
      const kid = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
        kid?: string
      }
      const key = keys.find((k) => k.keyId === kid.kid)
      if (!key || key.revoked) return notAuthorized()
      try {
        const { payload } = await jwtVerify(jwt, createPublicKey(key.pem), {
          algorithms: ['ES256'],
          audience: 'appstoreconnect-v1',
          ...(key.issuerId ? { issuer: key.issuerId } : { subject: 'user' }),
          maxTokenAge: '20m',
        })
        const now = Date.now() / 1000
        if (payload.iat === undefined || payload.iat > now + 10 || (payload.exp ?? 0) - now > 1200)
          return notAuthorized()
      } catch {
        return notAuthorized()
      }
      if (key.role === 'FINANCE')
        return send(403, {
          errors: [
            {
              status: '403',
              code: 'FORBIDDEN_ERROR',
              title: 'This request is forbidden for security reasons',
              detail: 'The API key in use does not allow this request',
            },
          ],
        })
      if (req.url?.startsWith('/v1/apps'))
        return send(200, { data: [], links: { self: req.url }, meta: { paging: { total: 0, limit: 1 } } })
      send(404, {
        errors: [
          {
            status: '404',
            code: 'NOT_FOUND',
            title: 'The specified resource does not exist',
            detail: req.url,
          },
        ],
      })
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
