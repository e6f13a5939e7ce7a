import { decodeXmlEntities } from './xml-lite'

/**
 * A strict reader for XML property lists (Apple's plist DTD: dict, array, key, string, integer, real,
 * true, false, date, data). It is a single pass over the text: a build holds hundreds of Info.plists and
 * a DOM parser costs half a millisecond on each. Nothing is resolved from outside the text (no DTD, no
 * entity but the five XML ones and character references), and anything that is not a plist fails with
 * a short reason instead of being guessed at.
 */
export type XmlPlistValue =
  | string
  | number
  | boolean
  | Date
  | Uint8Array
  | readonly XmlPlistValue[]
  | { readonly [key: string]: XmlPlistValue }

const MAX_DEPTH = 128
/** Tags, comments, processing instructions and the DOCTYPE, in one sticky scan. */
const MARKUP =
  /<(\/?)([A-Za-z][\w.-]*)\s*([^>]*?)(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>|<!\[CDATA\[([\s\S]*?)\]\]>/y
const INTEGER = /^[+-]?(?:\d+|0x[0-9a-fA-F]+)$/
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i

class PlistSyntaxError extends Error {}

interface Token {
  readonly close: boolean
  readonly name: string
  readonly selfClosing: boolean
}

class Cursor {
  at = 0
  constructor(readonly text: string) {}

  /** Text up to the next tag (comments skipped, CDATA kept), decoded. */
  textUntilTag(): string {
    let out = ''
    for (;;) {
      const lt = this.text.indexOf('<', this.at)
      if (lt === -1) throw new PlistSyntaxError('unexpected end of the document')
      out += this.text.slice(this.at, lt)
      this.at = lt
      if (this.text.startsWith('<!--', lt)) {
        const end = this.text.indexOf('-->', lt + 4)
        if (end === -1) throw new PlistSyntaxError('unterminated comment')
        this.at = end + 3
      } else if (this.text.startsWith('<![CDATA[', lt)) {
        const end = this.text.indexOf(']]>', lt + 9)
        if (end === -1) throw new PlistSyntaxError('unterminated CDATA section')
        out += this.text
          .slice(lt + 9, end)
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
        this.at = end + 3
      } else return decodeText(out)
    }
  }

  /** The next element tag, skipping whitespace, comments, processing instructions and the DOCTYPE. */
  nextTag(): Token {
    const text = this.text
    for (;;) {
      const lt = text.indexOf('<', this.at)
      if (lt === -1) throw new PlistSyntaxError('unexpected end of the document')
      if (lt > this.at && !isXmlSpace(text, this.at, lt) && text.slice(this.at, lt).trim() !== '')
        throw new PlistSyntaxError(`unexpected text "${text.slice(this.at, lt).trim().slice(0, 20)}"`)
      const simple = simpleTag(text, lt)
      if (simple) {
        this.at = simple.end
        return simple.token
      }
      MARKUP.lastIndex = lt
      const match = MARKUP.exec(text)
      if (!match) throw new PlistSyntaxError(`malformed markup at offset ${lt}`)
      this.at = MARKUP.lastIndex
      if (match[2] === undefined) {
        if (match[5] !== undefined) throw new PlistSyntaxError('CDATA outside a value')
        continue
      }
      return { close: match[1] === '/', name: match[2], selfClosing: match[4] === '/' }
    }
  }

  expectClose(name: string): void {
    const tag = this.nextTag()
    if (!tag.close || tag.name !== name)
      throw new PlistSyntaxError(`expected </${name}>, found <${tag.close ? '/' : ''}${tag.name}>`)
  }

  rest(): string {
    return this.text.slice(this.at)
  }
}

/** Whether text[from, to) is only the whitespace XML writers put between tags (space, tab, CR, LF). */
function isXmlSpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false
  }
  return true
}

/** Tag names are ASCII letters, digits, `_`, `.` and `-` (the first a letter), as MARKUP reads them. */
function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x2d
  )
}

/**
 * `<name>`, `</name>` or `<name/>` at `lt` without the regex (nearly every tag of a plist is one of these);
 * null for anything else, which MARKUP then reads.
 */
function simpleTag(text: string, lt: number): { token: Token; end: number } | null {
  let i = lt + 1
  const close = text.charCodeAt(i) === 0x2f
  if (close) i++
  const first = text.charCodeAt(i)
  if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a))) return null
  const nameStart = i
  while (isNameChar(text.charCodeAt(i))) i++
  const nameEnd = i
  const c = text.charCodeAt(i)
  if (c === 0x3e)
    return { token: { close, name: text.slice(nameStart, nameEnd), selfClosing: false }, end: i + 1 }
  if (c === 0x2f && text.charCodeAt(i + 1) === 0x3e)
    return { token: { close, name: text.slice(nameStart, nameEnd), selfClosing: true }, end: i + 2 }
  return null
}

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw
  const decoded = decodeXmlEntities(raw)
  // decodeXmlEntities leaves unknown entities as they are: a plist has no DTD to define them.
  if (/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw))
    throw new PlistSyntaxError('an entity other than the five XML ones')
  return decoded
}

function scalarText(cursor: Cursor, name: string, selfClosing: boolean): string {
  if (selfClosing) return ''
  const text = cursor.textUntilTag()
  cursor.expectClose(name)
  return text
}

function readValue(cursor: Cursor, tag: Token, depth: number): XmlPlistValue {
  if (tag.close) throw new PlistSyntaxError(`unexpected </${tag.name}>`)
  if (depth > MAX_DEPTH) throw new PlistSyntaxError('nested too deeply')
  switch (tag.name) {
    case 'dict': {
      const dict: Record<string, XmlPlistValue> = {}
      if (tag.selfClosing) return dict
      for (;;) {
        const next = cursor.nextTag()
        if (next.close && next.name === 'dict') return dict
        if (next.name !== 'key' || next.close)
          throw new PlistSyntaxError(`expected <key> in <dict>, found <${next.name}>`)
        const key = scalarText(cursor, 'key', next.selfClosing)
        const valueTag = cursor.nextTag()
        const value = readValue(cursor, valueTag, depth + 1)
        // A plain assignment of "__proto__" would set the prototype instead of adding a key.
        if (key === '__proto__')
          Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true })
        else dict[key] = value
      }
    }
    case 'array': {
      const array: XmlPlistValue[] = []
      if (tag.selfClosing) return array
      for (;;) {
        const next = cursor.nextTag()
        if (next.close && next.name === 'array') return array
        array.push(readValue(cursor, next, depth + 1))
      }
    }
    case 'string':
      return scalarText(cursor, 'string', tag.selfClosing)
    case 'integer': {
      const text = scalarText(cursor, 'integer', tag.selfClosing).trim()
      if (!INTEGER.test(text)) throw new PlistSyntaxError(`<integer> holds "${text.slice(0, 20)}"`)
      return Number(text.replace(/^\+/, ''))
    }
    case 'real': {
      const text = scalarText(cursor, 'real', tag.selfClosing).trim()
      if (!REAL.test(text)) throw new PlistSyntaxError(`<real> holds "${text.slice(0, 20)}"`)
      return Number(text)
    }
    case 'true':
    case 'false':
      if (!tag.selfClosing) cursor.expectClose(tag.name)
      return tag.name === 'true'
    case 'date': {
      const text = scalarText(cursor, 'date', tag.selfClosing).trim()
      const date = new Date(text)
      if (Number.isNaN(date.getTime())) throw new PlistSyntaxError(`<date> holds "${text.slice(0, 30)}"`)
      return date
    }
    case 'data':
      return new Uint8Array(
        Buffer.from(scalarText(cursor, 'data', tag.selfClosing).replace(/\s+/g, ''), 'base64'),
      )
    default:
      throw new PlistSyntaxError(`<${tag.name}> is not a plist element`)
  }
}

/** Parses an XML plist; throws an Error whose message is a short reason. */
export function parseXmlPlist(text: string): XmlPlistValue {
  // A NUL is not an XML character at all; Apple's parser stops there, so a value could mean two things.
  if (text.includes('\0')) throw new PlistSyntaxError('it contains NUL bytes, which XML does not allow')
  const cursor = new Cursor(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  try {
    let root = cursor.nextTag()
    if (root.name !== 'plist' || root.close)
      throw new PlistSyntaxError(`the root element is <${root.name}>, not <plist>`)
    if (root.selfClosing) throw new PlistSyntaxError('<plist/> is empty')
    root = cursor.nextTag()
    const value = readValue(cursor, root, 0)
    cursor.expectClose('plist')
    if (!/^(\s|<!--[\s\S]*?-->)*$/.test(cursor.rest())) throw new PlistSyntaxError('content after </plist>')
    return value
  } catch (error) {
    if (error instanceof PlistSyntaxError) throw error
    throw new PlistSyntaxError(error instanceof Error ? error.message : String(error))
  }
}
