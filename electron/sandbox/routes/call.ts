import type { Query, QuerySpec } from '../jsonapi'
import type { Context, ResourceDef } from '../resources'

/** What a sandbox route is and what it is called with; route.ts builds routes, render.ts and request-body.ts read calls. */
export type Result = { readonly status: number; readonly body?: object; readonly schema?: string }
export type Call = {
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  readonly query: Query
  readonly body: unknown
  readonly ctx: Context
  readonly defs: ReadonlyMap<string, ResourceDef>
  readonly base: string
}
export type Route = {
  readonly method: string
  readonly path: string
  readonly query?: QuerySpec
  readonly write?: boolean
  readonly handle: (c: Call) => Result | Promise<Result>
}

/** `GET /v1/apps/{id}`: the method and path as Apple's documentation writes them. */
export type Endpoint = `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /v1/${string}`
