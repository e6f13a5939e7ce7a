import bplist from 'bplist-parser'
import { badBuild } from './bad-build'
import { parseXmlPlist } from './xml-plist'

/** A plist value after normalising both parsers: binary data is always a Uint8Array, dates are Dates. */
export type PlistValue =
  string | number | boolean | Date | Uint8Array | readonly PlistValue[] | PlistDict | null
export interface PlistDict {
  readonly [key: string]: PlistValue
}

const BINARY_MAGIC = Buffer.from('bplist00')

function isDict(value: unknown): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  )
}

/**
 * Parses an XML or binary property list whose root must be a dictionary. `what` names the file in the
 * error (e.g. `Payload/App.app/Info.plist`).
 */
export function parsePlistDict(bytes: Uint8Array, what: string): PlistDict {
  let value: unknown
  try {
    if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(BINARY_MAGIC)) {
      value = bplist.parseBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))[0]
    } else {
      value = parseXmlPlist(new TextDecoder('utf-8', { fatal: false }).decode(bytes))
    }
  } catch (error) {
    throw badBuild(
      `${what} is not a valid property list (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      error,
    )
  }
  if (!isDict(value)) throw badBuild(`${what} is not a valid property list (its root is not a dictionary)`)
  return value
}

export function plistString(dict: PlistDict | undefined, key: string): string | undefined {
  const value = dict?.[key]
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined
}

export function plistBoolean(dict: PlistDict | undefined, key: string): boolean | undefined {
  const value = dict?.[key]
  return typeof value === 'boolean' ? value : undefined
}

export function plistArray(dict: PlistDict | undefined, key: string): readonly PlistValue[] | undefined {
  const value = dict?.[key]
  return Array.isArray(value) ? (value as readonly PlistValue[]) : undefined
}

export function plistDict(dict: PlistDict | undefined, key: string): PlistDict | undefined {
  const value = dict?.[key]
  return isDict(value) ? value : undefined
}

export function plistDate(dict: PlistDict | undefined, key: string): Date | undefined {
  const value = dict?.[key]
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : undefined
}
