/**
 * A reader of BER/DER (X.690) encodings, enough to walk a CMS SignedData: tags, definite and indefinite lengths,
 * constructed values as children, OIDs and the string types X.509 names use. It decodes a node only when asked:
 * asn1js built an object tree of every byte of a provisioning profile (the certificates too) at about 1 ms per
 * kilobyte on a cold start, more than the rest of an IPA's inspection; walking the few nodes read here costs
 * a few microseconds.
 */

export interface Node {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number
  readonly tagNumber: number
  readonly constructed: boolean
  /** The whole encoding: identifier, length and contents (end-of-contents included when indefinite). */
  readonly encoded: Uint8Array
  /** The contents octets (of a constructed node: its children's encodings). */
  readonly contents: Uint8Array
}

export class DerError extends Error {}

const UNIVERSAL = 0
const CONTEXT = 2
const TAG_OCTET_STRING = 4
const TAG_OID = 6
const TAG_SEQUENCE = 16
/** Nesting deeper than this is not a certificate or a profile (and would exhaust the stack). */
const MAX_DEPTH = 64

/**
 * The node `bytes` starts with. `trailing: 'refuse'` makes bytes after it an error, as DER would; a file that
 * carries one structure and padding after it (which tools that sign profiles may add) reads with 'ignore'.
 */
export function readDer(bytes: Uint8Array, options: { readonly trailing: 'refuse' | 'ignore' }): Node {
  const node = readNode(bytes, 0, 0)
  if (options.trailing === 'refuse' && node.encoded.length !== bytes.length)
    throw new DerError(`${bytes.length - node.encoded.length} bytes after the end of the structure`)
  return node
}

function readNode(bytes: Uint8Array, start: number, depth: number): Node {
  if (depth > MAX_DEPTH) throw new DerError('nested too deeply')
  let at = start
  const byte = (): number => {
    if (at >= bytes.length) throw new DerError(`ends inside an element at byte ${start}`)
    return bytes[at++]!
  }
  const first = byte()
  const tagClass = first >> 6
  const constructed = (first & 0x20) !== 0
  let tagNumber = first & 0x1f
  if (tagNumber === 0x1f) {
    tagNumber = 0
    for (let b = 0x80; b & 0x80;) {
      b = byte()
      tagNumber = tagNumber * 128 + (b & 0x7f)
      if (tagNumber > 0x1fffff) throw new DerError('tag number too large')
    }
  }
  const lengthByte = byte()
  let end: number
  let contentsEnd: number
  if (lengthByte === 0x80) {
    // Indefinite length (BER): children up to an end-of-contents marker (two zero bytes).
    if (!constructed) throw new DerError('indefinite length on a primitive element')
    let child = at
    for (;;) {
      if (child + 1 < bytes.length && bytes[child] === 0 && bytes[child + 1] === 0) break
      child += readNode(bytes, child, depth + 1).encoded.length
    }
    contentsEnd = child
    end = child + 2
  } else {
    let length = lengthByte
    if (lengthByte & 0x80) {
      const count = lengthByte & 0x7f
      if (count > 4) throw new DerError('length too large')
      length = 0
      for (let i = 0; i < count; i++) length = length * 256 + byte()
    }
    contentsEnd = at + length
    end = contentsEnd
    if (end > bytes.length) throw new DerError(`an element at byte ${start} runs past the end`)
  }
  return {
    tagClass,
    tagNumber,
    constructed,
    encoded: bytes.subarray(start, end),
    contents: bytes.subarray(at, contentsEnd),
  }
}

/** The children of a constructed node, in order; none of a primitive one (or of none). */
export function childrenOf(node: Node | undefined): Node[] {
  if (!node?.constructed) return []
  const children: Node[] = []
  for (let at = 0; at < node.contents.length;) {
    const child = readNode(node.contents, at, 0)
    children.push(child)
    at += child.encoded.length
  }
  return children
}

export function isContext(node: Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.tagClass === CONTEXT && node.tagNumber === tagNumber
}

export function isUniversal(node: Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.tagClass === UNIVERSAL && node.tagNumber === tagNumber
}

export const isSequence = (node: Node | undefined): boolean => isUniversal(node, TAG_SEQUENCE)
export const isOid = (node: Node | undefined): boolean => isUniversal(node, TAG_OID) && !node!.constructed

/** An OCTET STRING's bytes; BER may split one into constructed pieces, which are joined. */
export function octetString(node: Node | undefined): Uint8Array | null {
  if (!isUniversal(node, TAG_OCTET_STRING)) return null
  if (!node!.constructed) return node!.contents
  const pieces = childrenOf(node).map(octetString)
  if (pieces.some((p) => p === null)) return null
  return Buffer.concat(pieces as Uint8Array[])
}

/** Dotted OBJECT IDENTIFIER ("1.2.840.113549.1.7.2"). */
export function oidText(node: Node): string {
  const parts: number[] = []
  let value = 0
  for (const b of node.contents) {
    value = value * 128 + (b & 0x7f)
    if (b & 0x80) continue
    if (parts.length === 0) {
      const first = value < 80 ? Math.floor(value / 40) : 2
      parts.push(first, value - first * 40)
    } else {
      parts.push(value)
    }
    value = 0
  }
  return parts.join('.')
}

/** The text of an X.509 directory string (UTF8, Printable, IA5, Teletex, Visible, BMP or Universal string). */
export function stringText(node: Node | undefined): string {
  if (!node || node.tagClass !== UNIVERSAL || node.constructed) return ''
  const bytes = Buffer.from(node.contents.buffer, node.contents.byteOffset, node.contents.byteLength)
  switch (node.tagNumber) {
    case 30: // BMPString: UTF-16 big-endian
      return Buffer.from(bytes.subarray(0, bytes.length & ~1))
        .swap16()
        .toString('utf16le')
    case 28: {
      // UniversalString: UTF-32 big-endian
      let text = ''
      for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(bytes.readUInt32BE(i))
      return text
    }
    case 20: // TeletexString: Latin-1 in practice
      return bytes.toString('latin1')
    default:
      return bytes.toString('utf8')
  }
}
