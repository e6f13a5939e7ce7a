import { attributeInvalid, conflict } from '../errors'

/**
 * App Store Connect's checks on the text of a write: lengths in characters, and URLs that must be http(s)
 * addresses. Text is stored as sent; nothing is trimmed.
 */
export function checkLengths(
  attributes: Readonly<Record<string, string | null | undefined>>,
  limits: Readonly<Record<string, number>>,
): void {
  for (const [key, max] of Object.entries(limits)) {
    const value = attributes[key]
    const length = value ? [...value].length : 0
    if (length > max) {
      throw conflict(
        'ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG',
        'The provided entity includes an attribute with a value that is too long',
        `${key} is ${length} characters; the limit is ${max}.`,
        `/data/attributes/${key}`,
      )
    }
  }
}

export function checkUrls(
  attributes: Readonly<Record<string, string | null | undefined>>,
  keys: readonly string[],
): void {
  for (const key of keys) {
    const value = attributes[key]
    if (!value) continue
    if (!isWebAddress(value))
      throw attributeInvalid(`The value '${value}' of ${key} is not a valid URL.`, `/data/attributes/${key}`)
  }
}

/** An absolute http(s) address with a dotted host name, sent without surrounding spaces. */
function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value)
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.hostname.includes('.') &&
      value === value.trim()
    )
  } catch {
    return false
  }
}
