import * as z from 'zod'
import { conflict, relationshipNotFound, unprocessable } from '../errors'
import type { Call } from './call'

// Request bodies refuse unknown keys, as Apple answers 422 for misspelled keys.
export const ref = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), id: z.string().min(1) })
export const toOne = <T extends string>(type: T) => z.strictObject({ data: ref(type) })
export const nullableToOne = <T extends string>(type: T) => z.strictObject({ data: ref(type).nullable() })

/** The body's `data`, parsed: 422 naming the first bad key, 409 when `id` is given and the body's id differs. */
export function readData<T>(c: Call, schema: z.ZodType<T>, id?: string): T {
  const envelope = z.strictObject({ data: z.unknown() }).safeParse(c.body)
  if (!envelope.success)
    throw unprocessable('The request entity must be a JSON object with a "data" member.', '/data')
  const parsed = schema.safeParse(envelope.data.data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path ?? []
    const key = issue?.code === 'unrecognized_keys' ? `/${issue.keys[0] ?? ''}` : ''
    throw unprocessable(
      `${issue?.message ?? 'invalid'} at /data/${path.join('/')}${key}`,
      `/data${path.length ? '/' + path.join('/') : ''}${key}`,
    )
  }
  if (id !== undefined && (parsed.data as { id?: string }).id !== id) {
    throw conflict(
      'ENTITY_ERROR.ID.INVALID',
      'The provided entity id is invalid',
      `The id in the request body does not match the id '${id}' in the URL.`,
      '/data/id',
    )
  }
  return parsed.data
}

/** The record a body's relationship names, or Apple's 409 (`builds with id 'x' cannot be found`). */
export function relatedRecord<T>(map: ReadonlyMap<string, T>, label: string, id: string, pointer: string): T {
  const found = map.get(id)
  if (found === undefined) throw relationshipNotFound(label, id, pointer)
  return found
}
