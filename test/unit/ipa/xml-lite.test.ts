import { describe, expect, test } from 'vitest'
import { descendantsNamed, parseXml } from '../../../electron/ipa/xml-lite'

describe('xml-lite', () => {
  test('elements, attributes (with > inside quotes), entities, CDATA, comments and DOCTYPE', () => {
    const root = parseXml(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "no">]><!-- c --><a k="1 &gt; 0" j='&#x41;&#66;'><b>t&amp;u</b><c/><d><![CDATA[<raw>]]></d>&e;</a>`,
    )
    expect(root.name).toBe('a')
    expect(root.attributes).toEqual({ k: '1 > 0', j: 'AB' })
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c', 'd'])
    expect(root.children[0]?.text).toBe('t&u')
    expect(root.children[2]?.text).toBe('<raw>')
    // Entities from the DOCTYPE are never expanded.
    expect(root.text).toBe('&e;')
  })

  test('descendantsNamed walks depth first', () => {
    const root = parseXml('<r><x id="1"><x id="2"/></x><y><x id="3"/></y></r>')
    expect(descendantsNamed(root, 'x').map((x) => x.attributes['id'])).toEqual(['1', '2', '3'])
  })

  test.each(['', '<a>', '<a></b>', '<a/><b/>', '<a x="1></a>', '<!-- open'])('malformed %j throws', (xml) => {
    expect(() => parseXml(xml)).toThrow()
  })

  test('deep nesting is refused, not a stack overflow', () => {
    expect(() => parseXml('<a>'.repeat(10_000))).toThrow(/nested too deeply/)
  })
})
