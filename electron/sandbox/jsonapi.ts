import { parameterError } from './errors'
import type { ResourceDef } from './resources'

const MAX_LIMIT = 200
const DEFAULT_LIMIT = 50

/** What a route accepts; anything else in the query string is a 400 PARAMETER_ERROR, as on Apple's API. */
export type QuerySpec = {
  readonly filters?: readonly string[]
  /** `exists[relationship]=true|false`: whether the resource has it. */
  readonly exists?: readonly string[]
  readonly include?: readonly string[]
  readonly sort?: readonly string[]
  readonly paged?: boolean
  readonly required?: readonly string[]
}

export type Query = {
  readonly fields: ReadonlyMap<string, ReadonlySet<string>>
  readonly include: readonly string[]
  readonly filters: ReadonlyMap<string, readonly string[]>
  readonly exists: ReadonlyMap<string, boolean>
  readonly sort: string | null
  readonly limit: number
  readonly offset: number
}

type Json = Record<string, unknown>

function invalidParameter(name: string): never {
  throw parameterError(name, `The parameter '${name}' can not be used with this request`)
}

export function parseQuery(url: URL, spec: QuerySpec, defs: ReadonlyMap<string, ResourceDef>): Query {
  const fields = new Map<string, Set<string>>()
  const filters = new Map<string, string[]>()
  const exists = new Map<string, boolean>()
  let include: string[] = []
  let sort: string | null = null
  let limit = DEFAULT_LIMIT
  let offset = 0
  for (const [name, value] of url.searchParams) {
    const bracket = /^(\w+)\[([\w.]+)\]$/.exec(name)
    if (bracket?.[1] === 'fields') {
      const def = defs.get(bracket[2] ?? '')
      if (!def) invalidParameter(name)
      const known = new Set([...Object.keys(def.rels), ...def.attributeNames])
      const wanted = value.split(',').filter(Boolean)
      const unknown = wanted.find((f) => !known.has(f))
      if (unknown) throw parameterError(name, `'${unknown}' is not a valid field name`)
      fields.set(def.type, new Set(wanted))
    } else if (bracket?.[1] === 'filter') {
      if (!spec.filters?.includes(bracket[2] ?? '')) invalidParameter(name)
      filters.set(bracket[2] ?? '', value.split(',').filter(Boolean))
    } else if (bracket?.[1] === 'exists') {
      if (!spec.exists?.includes(bracket[2] ?? '')) invalidParameter(name)
      if (value !== 'true' && value !== 'false')
        throw parameterError(name, `The value '${value}' is invalid. Use true or false.`)
      exists.set(bracket[2] ?? '', value === 'true')
    } else if (bracket?.[1] === 'limit' && spec.include?.includes(bracket[2] ?? '')) {
      // limit[relationship] bounds included to-many data; the sandbox includes all of it.
    } else if (name === 'include') {
      include = value.split(',').filter(Boolean)
      const bad = include.find((i) => !spec.include?.includes(i))
      if (bad) throw parameterError(name, `'${bad}' is not a valid relationship name`)
    } else if (name === 'sort') {
      if (!spec.sort?.includes(value)) throw parameterError(name, `'${value}' is not a valid sort value`)
      sort = value
    } else if (name === 'limit' && spec.paged) {
      limit = Number(value)
      if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_LIMIT) {
        throw parameterError(
          name,
          `The value '${value}' is invalid. The limit must be between 1 and ${MAX_LIMIT}.`,
        )
      }
    } else if (name === 'cursor' && spec.paged) {
      offset = decodeCursor(value)
    } else {
      invalidParameter(name)
    }
  }
  for (const required of spec.required ?? []) {
    if (!filters.has(required)) {
      throw parameterError(
        `filter[${required}]`,
        `The parameter 'filter[${required}]' is required`,
        'PARAMETER_ERROR.REQUIRED',
      )
    }
  }
  return { fields, include, filters, exists, sort, limit, offset }
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url')
}

function decodeCursor(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const o = (parsed as { o?: unknown }).o
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o
  } catch {
    // fall through
  }
  throw parameterError('cursor', `The cursor '${cursor}' is invalid`)
}

/** Absolute URL with `[` and `]` of `filter[...]` percent-encoded, as a valid URI reference. */
export function href(url: URL): string {
  return url.origin + url.pathname + url.search.replace(/\[/g, '%5B').replace(/\]/g, '%5D')
}

type Renderer = { readonly defs: ReadonlyMap<string, ResourceDef>; readonly base: string }

function renderResource(
  r: Renderer,
  type: string,
  id: string,
  query: Query | null,
  includeRels: readonly string[],
): Json {
  const def = r.defs.get(type)
  if (!def) throw new Error(`unknown type ${type}`)
  const only = query?.fields.get(type)
  const attributes = Object.fromEntries(
    Object.entries(def.attributes(id)).filter(([k]) => !only || only.has(k)),
  )
  const self = `${r.base}/v1/${type}/${id}`
  const relationships: Json = {}
  for (const [name, spec] of Object.entries(def.rels)) {
    if (only && !only.has(name)) continue
    const body: Json = {}
    if (spec.links) body.links = { self: `${self}/relationships/${name}`, related: `${self}/${name}` }
    if (includeRels.includes(name)) {
      const ids = spec.ids(id)
      // An empty to-one is left without data: Apple's schemas do not allow `data: null` there.
      if (Array.isArray(ids)) body.data = ids.map((i) => ({ type: spec.type, id: i }))
      else if (ids !== null) body.data = { type: spec.type, id: ids }
    }
    if (Object.keys(body).length > 0) relationships[name] = body
  }
  return {
    type,
    id,
    // A type without attributes (appPriceSchedules) has no attributes member in Apple's schema.
    ...(def.attributeNames.length > 0 ? { attributes } : {}),
    ...(Object.keys(relationships).length > 0 ? { relationships } : {}),
    links: { self },
  }
}

function includedOf(r: Renderer, type: string, ids: readonly string[], query: Query): Json[] {
  const def = r.defs.get(type)
  if (!def || query.include.length === 0) return []
  const seen = new Set<string>()
  const out: Json[] = []
  for (const id of ids) {
    for (const name of query.include) {
      const spec = def.rels[name]
      if (!spec) continue
      const related = spec.ids(id)
      for (const relatedId of Array.isArray(related) ? related : related === null ? [] : [related]) {
        const key = `${spec.type}/${relatedId}`
        if (seen.has(key) || !r.defs.get(spec.type)?.records.has(relatedId)) continue
        seen.add(key)
        out.push(renderResource(r, spec.type, relatedId, query, []))
      }
    }
  }
  return out
}

export function renderSingle(r: Renderer, selfUrl: URL, type: string, id: string | null, query: Query): Json {
  const included = id === null ? [] : includedOf(r, type, [id], query)
  return {
    data: id === null ? null : renderResource(r, type, id, query, query.include),
    ...(included.length > 0 ? { included } : {}),
    links: { self: href(selfUrl) },
  }
}

export function renderCollection(
  r: Renderer,
  selfUrl: URL,
  type: string,
  allIds: readonly string[],
  query: Query,
): Json {
  const page = allIds.slice(query.offset, query.offset + query.limit)
  const nextOffset = query.offset + page.length
  const links: Json = { self: href(selfUrl) }
  let nextCursor: string | undefined
  if (nextOffset < allIds.length) {
    nextCursor = encodeCursor(nextOffset)
    const next = new URL(selfUrl.href)
    next.searchParams.set('cursor', nextCursor)
    if (!next.searchParams.has('limit')) next.searchParams.set('limit', String(query.limit))
    links.next = href(next)
  }
  const included = includedOf(r, type, page, query)
  return {
    data: page.map((id) => renderResource(r, type, id, query, query.include)),
    ...(included.length > 0 ? { included } : {}),
    links,
    meta: { paging: { total: allIds.length, limit: query.limit, ...(nextCursor ? { nextCursor } : {}) } },
  }
}
