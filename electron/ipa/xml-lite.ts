/**
 * A small, strict XML reader for machine-written installer metadata (xar TOC, PackageInfo,
 * Distribution). No DTDs, no external entities, no namespaces: nothing that can reach outside the
 * string, and it fails loudly on mismatched tags instead of guessing.
 */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: XmlElement[]
  text: string
}

const MAX_DEPTH = 256
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16))
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10))
    return NAMED_ENTITIES[body] ?? whole
  })
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g

function parseTag(body: string): { name: string; attributes: Record<string, string> } {
  const name = /^[^\s/>]+/.exec(body)?.[0]
  if (!name) throw new Error('empty tag name')
  const attributes: Record<string, string> = {}
  for (const match of body.slice(name.length).matchAll(ATTRIBUTE)) {
    attributes[match[1] ?? ''] = decodeXmlEntities(match[3] ?? match[4] ?? '')
  }
  return { name, attributes }
}

function skipPast(xml: string, from: number, terminator: string): number {
  const end = xml.indexOf(terminator, from)
  if (end === -1) throw new Error(`unterminated ${terminator === '-->' ? 'comment' : 'markup'}`)
  return end + terminator.length
}

/** The `>` that ends a start tag, skipping any inside quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = ''
  for (let i = from; i < xml.length; i++) {
    const c = xml[i]
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === '>') {
      return i + 1
    }
  }
  throw new Error('unterminated tag')
}

/** Parses a document and returns its root element; throws Error on malformed input. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let i = 0
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const textEnd = lt === -1 ? xml.length : lt
    const current = stack[stack.length - 1]
    if (textEnd > i && current) current.text += decodeXmlEntities(xml.slice(i, textEnd))
    if (lt === -1) break
    if (xml.startsWith('<?', lt)) {
      i = skipPast(xml, lt, '?>')
    } else if (xml.startsWith('<!--', lt)) {
      i = skipPast(xml, lt, '-->')
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = skipPast(xml, lt, ']]>')
      if (current) current.text += xml.slice(lt + 9, end - 3)
      i = end
    } else if (xml.startsWith('<!', lt)) {
      // DOCTYPE: skipped, never resolved.
      const bracket = xml.indexOf('[', lt)
      const close = xml.indexOf('>', lt)
      i =
        bracket !== -1 && bracket < close
          ? skipPast(xml, skipPast(xml, bracket, ']'), '>')
          : skipPast(xml, lt, '>')
    } else if (xml.startsWith('</', lt)) {
      const end = skipPast(xml, lt, '>')
      const name = xml.slice(lt + 2, end - 1).trim()
      const open = stack.pop()
      if (!open || open.name !== name) throw new Error(`mismatched closing tag </${name}>`)
      i = end
    } else {
      const end = tagEnd(xml, lt)
      const selfClosing = xml[end - 2] === '/'
      const { name, attributes } = parseTag(xml.slice(lt + 1, selfClosing ? end - 2 : end - 1))
      const element: XmlElement = { name, attributes, children: [], text: '' }
      if (current) current.children.push(element)
      else if (root) throw new Error('more than one root element')
      else root = element
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new Error('elements nested too deeply')
        stack.push(element)
      }
      i = end
    }
  }
  if (stack.length > 0) throw new Error(`unclosed element <${stack[stack.length - 1]?.name}>`)
  if (!root) throw new Error('no root element')
  return root
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name)
}

export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((c) => c.name === name)?.text.trim()
}

/** Every descendant (depth first) with this name. */
export function descendantsNamed(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  const pending = [...element.children]
  while (pending.length > 0) {
    const next = pending.shift() as XmlElement
    if (next.name === name) found.push(next)
    pending.unshift(...next.children)
  }
  return found
}
