import { notFound } from '../errors'
import { renderCollection, renderSingle } from '../jsonapi'
import type { Call, Result } from './call'

/** The record behind `{id}` in the URL, or Apple's 404. */
export function requireRecord<T>(map: ReadonlyMap<string, T>, type: string, id: string | undefined): T {
  const found = map.get(id ?? '')
  if (!found) throw notFound(type, id ?? '')
  return found
}

/** Stores a new record and returns its id. */
export function insert<T extends { readonly id: string }>(map: Map<string, T>, record: T): string {
  map.set(record.id, record)
  return record.id
}

/** One resource (`data: null` for an empty to-one), rendered with the request's include and fields; 404 if unknown. */
export function renderOne(c: Call, type: string, id: string | null, schema: string, status = 200): Result {
  if (id !== null && !c.defs.get(type)?.records.has(id)) throw notFound(type, id)
  return { status, body: renderSingle(c, c.url, type, id, c.query), schema }
}

/** A page of these resources after the request's filters and sort. */
export function renderList(c: Call, type: string, ids: readonly string[], schema: string): Result {
  const def = c.defs.get(type)
  let out = ids.filter(
    (id) =>
      [...c.query.filters].every(([key, values]) => matches(c, type, id, key, values)) &&
      [...c.query.exists].every(([name, wanted]) => {
        const related = def?.rels[name]?.ids(id) ?? null
        const has = Array.isArray(related) ? related.length > 0 : related !== null
        return has === wanted
      }),
  )
  if (c.query.sort && def) {
    const desc = c.query.sort.startsWith('-')
    const field = c.query.sort.replace(/^-/, '')
    const keyOf = (id: string): string => String(def.attributes(id)[field] ?? '')
    out = [...out].sort((a, b) => keyOf(a).localeCompare(keyOf(b), 'en', { numeric: true }) * (desc ? -1 : 1))
  }
  return { status: 200, body: renderCollection(c, c.url, type, out, c.query), schema }
}

/** `filter[key]=values`: key is an attribute, a relationship (its ids) or a path through relationships. */
function matches(c: Call, type: string, id: string, key: string, values: readonly string[]): boolean {
  if (key === 'id') return values.includes(id)
  const def = c.defs.get(type)
  if (!def) return false
  const [head = '', ...rest] = key.split('.')
  const rel = def.rels[head]
  if (rel && (rest.length > 0 || !def.attributeNames.includes(head))) {
    const ids = rel.ids(id)
    const list = Array.isArray(ids) ? ids : ids === null ? [] : [ids]
    return rest.length === 0
      ? list.some((i) => values.includes(i))
      : list.some((i) => matches(c, rel.type, i, rest.join('.'), values))
  }
  const raw = def.attributes(id)[head]
  // A list attribute (appCategories.platforms) matches when any of its values does.
  if (Array.isArray(raw)) return raw.some((v) => values.includes(String(v)))
  // buildUploads.state is an object; the filter compares its inner state.
  const value = raw !== null && typeof raw === 'object' ? (raw as { state?: unknown }).state : raw
  return value !== undefined && values.includes(String(value))
}
