import type * as z from 'zod'
import type { Call, Endpoint, Result, Route } from './call'
import { notFound } from '../errors'
import type { QuerySpec } from '../jsonapi'
import type { Context } from '../resources'
import { readData } from './request-body'
import { renderList, renderOne, requireRecord } from './render'

type Handler = (c: Call) => Result | Promise<Result>
type Identified = { readonly id: string }

const noContent: Result = { status: 204 }

function split(spec: Endpoint): { method: string; path: string; type: string; relationship: string } {
  const [method = '', path = ''] = spec.split(' ')
  // /v1/{type}/{id}/{relationship}
  const [, , type = '', , relationship = ''] = path.split('/')
  return { method, path, type, relationship }
}

/** Any endpoint. Every method but GET changes something, so it needs a key that may write. */
export function endpoint(spec: Endpoint, handle: Handler, query?: QuerySpec): Route {
  const { method, path } = split(spec)
  return { method, path, ...(query ? { query } : {}), ...(method === 'GET' ? {} : { write: true }), handle }
}

/** An endpoint that changes something and answers 204 No Content. */
export function endpointWithoutContent(spec: Endpoint, handle: (c: Call) => void): Route {
  return endpoint(spec, (c) => {
    handle(c)
    return noContent
  })
}

/** `GET /v1/{type}`: every resource of the type, filtered, sorted and paged as the query asks. */
export function collection(spec: Endpoint, schema: string, query: QuerySpec): Route {
  const { type } = split(spec)
  return endpoint(
    spec,
    (c) => renderList(c, type, [...(c.defs.get(type)?.records.keys() ?? [])], schema),
    query,
  )
}

/** `GET /v1/{type}/{id}`: one resource, or Apple's 404. */
export function byId(spec: Endpoint, schema: string, include?: readonly string[]): Route {
  const { type } = split(spec)
  return endpoint(
    spec,
    (c) => renderOne(c, type, c.params.id ?? '', schema),
    include ? { include } : undefined,
  )
}

type RelatedOptions = {
  readonly query?: QuerySpec
  /** For endpoints whose resource has no relationship of that name: what they list, and how. */
  readonly type?: string
  readonly ids?: (ctx: Context, parentId: string) => string | null | readonly string[]
}

/**
 * `GET /v1/{type}/{id}/{relationship}`: what the relationship's `related` link points to, read from the
 * same resource definition that renders the relationship (404 when the parent does not exist).
 */
export function related(spec: Endpoint, schema: string, options: RelatedOptions = {}): Route {
  const { type: parentType, relationship } = split(spec)
  return endpoint(
    spec,
    (c) => {
      const parentId = c.params.id ?? ''
      const parent = c.defs.get(parentType)
      if (!parent?.records.has(parentId)) throw notFound(parentType, parentId)
      const rel = parent.rels[relationship]
      const type = options.type ?? rel?.type ?? ''
      const ids = options.ids ? options.ids(c.ctx, parentId) : (rel?.ids(parentId) ?? null)
      return Array.isArray(ids)
        ? renderList(c, type, ids, schema)
        : renderOne(c, type, ids as string | null, schema)
    },
    options.query,
  )
}

/** `POST /v1/{type}`: `create` checks Apple's rules, stores the resource and returns its id; answers 201. */
export function create<B>(
  spec: Endpoint,
  schema: string,
  body: z.ZodType<B>,
  createResource: (c: Call, data: B) => string,
): Route {
  const { type } = split(spec)
  return endpoint(spec, (c) => renderOne(c, type, createResource(c, readData(c, body)), schema, 201))
}

/**
 * `PATCH /v1/{type}/{id}`: 404 for an unknown id, 422 for a bad body, 409 when the body's id is not the URL's;
 * `apply` checks Apple's rules and changes the record; answers the updated resource.
 */
export function update<R extends Identified, B>(
  spec: Endpoint,
  schema: string,
  records: (ctx: Context) => ReadonlyMap<string, R>,
  body: z.ZodType<B>,
  apply: (c: Call, record: R, data: B) => void,
): Route {
  const { type } = split(spec)
  return endpoint(spec, (c) => {
    const record = requireRecord(records(c.ctx), type, c.params.id)
    apply(c, record, readData(c, body, record.id))
    return renderOne(c, type, record.id, schema)
  })
}

/** `DELETE /v1/{type}/{id}`: 404 for an unknown id; `check` throws when Apple's rules forbid it; answers 204. */
export function remove<R extends Identified>(
  spec: Endpoint,
  records: (ctx: Context) => Map<string, R>,
  check: (record: R) => void = () => undefined,
): Route {
  const { type } = split(spec)
  return endpointWithoutContent(spec, (c) => {
    const map = records(c.ctx)
    const record = requireRecord(map, type, c.params.id)
    check(record)
    map.delete(record.id)
  })
}
