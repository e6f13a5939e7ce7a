import {
  createAscClient,
  type AscClient,
  type AscClientOptions,
  type AuditEntry,
} from '../../../electron/asc/client'
import { parsePrivateKey } from '../../../electron/asc/private-key'
import { createTokenSource } from '../../../electron/asc/token'
import type { TestSandbox } from '../../support/sandbox'
import { expectRequestMatchesApple, recordingFetch, type SentRequest } from '../../unit/asc/request-schemas'

export interface SandboxClient {
  readonly client: AscClient
  readonly sent: SentRequest[]
  readonly audit: AuditEntry[]
  /** Validates every write body sent so far against Apple's request schemas; returns the schema names seen. */
  checkRequestBodies(): readonly string[]
}

/** The real client, with the sandbox's generated key, talking to it over HTTP. */
export function clientFor(sandbox: TestSandbox, overrides: Partial<AscClientOptions> = {}): SandboxClient {
  const sent: SentRequest[] = []
  const audit: AuditEntry[] = []
  const tokens = createTokenSource({
    keyId: sandbox.keyId,
    issuerId: sandbox.issuerId,
    privateKey: parsePrivateKey(sandbox.privateKeyPem, 'the sandbox key'),
  })
  const client = createAscClient({
    baseUrl: sandbox.url,
    tokens,
    fetch: recordingFetch(sent),
    onAudit: (e) => audit.push(e),
    ...overrides,
  })
  return {
    client,
    sent,
    audit,
    checkRequestBodies: () => sent.map(expectRequestMatchesApple).filter((s) => s !== null),
  }
}
