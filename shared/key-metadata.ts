import * as z from 'zod'

/**
 * What keys.json says of a stored key. Its own module: the CLI reads keys.json on every API command, and loading the
 * whole IPC contract for it cost each start about 0.01 s.
 */
export const KeyMetadata = z.object({
  name: z.string(),
  keyId: z.string(),
  /** null for an individual key. */
  issuerId: z.string().nullable(),
  individual: z.boolean(),
  createdAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  lastError: z.string().nullable(),
})
export type KeyMetadata = z.infer<typeof KeyMetadata>
