import { createPrivateKey, sign } from 'node:crypto'
import {
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
  type SandboxResponse,
} from '../../electron/sandbox'
import { schemaProblems } from './openapi'

export type TestSandbox = RunningSandbox & {
  /** Every /v1 answer so far, with the Apple schema it claims to follow. */
  readonly responses: SandboxResponse[]
  /** A fresh ES256 token for the sandbox key (or the given claims). */
  token(claims?: Record<string, unknown>, header?: Record<string, unknown>, pem?: string): string
  /** fetch against the sandbox with the bearer token set and JSON in/out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; headers: Headers; body: unknown }>
  /** Schema problems of every answer so far ('' when all match). */
  schemaProblems(): string
}

/** Signs a JWT with node crypto (ES256, raw r||s) so tests can craft broken tokens too. */
export function signToken(
  pem: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): string {
  const encode = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${encode(header)}.${encode(claims)}`
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey(pem),
    dsaEncoding: 'ieee-p1363',
  })
  return `${input}.${signature.toString('base64url')}`
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const responses: SandboxResponse[] = []
  const sandbox = await startSandbox({
    processingMs: 50,
    betaReviewMs: 50,
    reviewMs: 50,
    ...options,
    onResponse: (r) => {
      responses.push(r)
      options.onResponse?.(r)
    },
  })
  const now = options.now ?? Date.now
  const token: TestSandbox['token'] = (claims, header, pem) => {
    const iat = Math.floor(now() / 1000) - 60
    return signToken(
      pem ?? sandbox.privateKeyPem,
      { alg: 'ES256', kid: sandbox.keyId, typ: 'JWT', ...header },
      { iss: sandbox.issuerId, iat, exp: iat + 900, aud: 'appstoreconnect-v1', ...claims },
    )
  }
  const call: TestSandbox['call'] = async (method, path, body, bearer) => {
    const res = await fetch(path.startsWith('http') ? path : sandbox.url + path, {
      method,
      headers: {
        Authorization: `Bearer ${bearer ?? token()}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null }
  }
  return Object.assign(sandbox, {
    responses,
    token,
    call,
    schemaProblems: () =>
      responses
        .filter((r) => r.schema !== null && !(isNullData(r.body) && r.status === 200))
        .map((r) => {
          const problems = schemaProblems(r.schema ?? '', r.body)
          return problems ? `${r.method} ${r.route} ${r.status} (${r.schema}): ${problems}` : ''
        })
        .filter(Boolean)
        .join('\n'),
  })
}

/** Apple answers `{ data: null }` for an empty to-one relationship, which its own schema does not allow. */
function isNullData(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { data?: unknown }).data === null
}

/** Runs `body` against a fresh sandbox and always closes it. */
export async function withSandbox<T>(
  options: SandboxOptions,
  body: (sandbox: TestSandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await startTestSandbox(options)
  try {
    return await body(sandbox)
  } finally {
    await sandbox.close()
  }
}

/** Polls `probe` every few ms until it returns something truthy (no fixed sleeps in tests). */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
