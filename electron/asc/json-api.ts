import * as z from 'zod'

/** JSON:API building blocks shared by the typed resources. Only what we read is declared; zod drops the rest. */

type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined
export type Query = Readonly<Record<string, QueryValue>>

/**
 * Apple documents queries as `filter[app]=1,2`: brackets and commas stay literal (both are legal in a
 * query string), everything else is percent-encoded. Empty values and empty lists are left out.
 */
export function buildQuery(query: Query | undefined): string {
  if (!query) return ''
  const parts: string[] = []
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined || raw === null) continue
    const value = Array.isArray(raw) ? raw.join(',') : String(raw)
    if (Array.isArray(raw) && raw.length === 0) continue
    const k = encodeURIComponent(key).replace(/%5B/gi, '[').replace(/%5D/gi, ']')
    const v = encodeURIComponent(value).replace(/%2C/gi, ',')
    parts.push(`${k}=${v}`)
  }
  return parts.join('&')
}

export const Linkage = z.object({ type: z.string(), id: z.string() })
export type Linkage = z.infer<typeof Linkage>

/** A to-one relationship: `data` is present only when the relationship was requested (include or fields). */
export const ToOne = z.object({ data: Linkage.nullish() }).optional()
export const ToMany = z.object({ data: z.array(Linkage).optional() }).optional()

export const IncludedItem = z.object({
  type: z.string(),
  id: z.string(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  relationships: z.record(z.string(), z.unknown()).optional(),
})
export type IncludedItem = z.infer<typeof IncludedItem>

function orEmpty(value: unknown): unknown {
  return value ?? {}
}

/** A resource object of `type` with the attributes and relationships we read. */
export function resource<T extends string, A extends z.ZodRawShape, R extends z.ZodRawShape>(
  type: T,
  attributes: A,
  relationships: R,
) {
  return z.object({
    type: z.literal(type),
    id: z.string(),
    // Apple leaves `attributes`/`relationships` out when a sparse fieldset selects none of them.
    attributes: z.preprocess(orEmpty, z.object(attributes)),
    relationships: z.preprocess(orEmpty, z.object(relationships)),
  })
}

export function singleDocument<S extends z.ZodType>(data: S) {
  return z.object({ data, included: z.array(IncludedItem).default([]) })
}

/** For to-one related endpoints (`/v1/appStoreVersions/{id}/build`), where `data` is null when nothing is linked. */
export function optionalDocument<S extends z.ZodType>(data: S) {
  return z.object({ data: data.nullable(), included: z.array(IncludedItem).default([]) })
}

const PageLinks = z.object({ self: z.string().optional(), next: z.string().optional() })
const PageMeta = z.object({
  paging: z.object({ total: z.number().optional(), limit: z.number().optional() }).optional(),
})

export function collectionDocument<S extends z.ZodType>(item: S) {
  return z.object({
    data: z.array(item),
    included: z.array(IncludedItem).default([]),
    links: PageLinks.optional(),
    meta: PageMeta.optional(),
  })
}

/** Finds and parses the included resource a linkage points to; null when absent (not included, or dropped by Apple). */
export function findIncluded<S extends z.ZodType>(
  included: readonly IncludedItem[],
  link: Linkage | null | undefined,
  schema: S,
): z.infer<S> | null {
  if (!link) return null
  const item = included.find((i) => i.type === link.type && i.id === link.id)
  if (!item) return null
  const parsed = schema.safeParse(item)
  return parsed.success ? parsed.data : null
}

/** `{ data: { type, id } }` — the body of a to-one relationship in a request. */
export function linkTo(
  type: string,
  id: string,
): { readonly data: { readonly type: string; readonly id: string } } {
  return { data: { type, id } }
}
