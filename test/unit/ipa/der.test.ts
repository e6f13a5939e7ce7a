import { describe, expect, it } from 'vitest'
import { childrenOf, DerError, octetString, oidText, readDer, stringText } from '../../../electron/ipa/der'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

describe('the BER/DER reader', () => {
  it('reads a SEQUENCE of an OID and strings of each X.509 kind, definite and long-form lengths', () => {
    const long = Buffer.alloc(200, 0x61)
    const der = Buffer.concat([
      bytes(0x30, 0x81, 8 + 2 + 4 + 6 + 3 + long.length),
      bytes(0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d), // 1.2.840.113549
      bytes(0x0c, 0x00), // empty UTF8String
      bytes(0x1e, 0x02, 0x00, 0xe9), // BMPString "é"
      bytes(0x13, 0x04, 0x41, 0x70, 0x70, 0x6c), // PrintableString "Appl"
      bytes(0x0c, 0x81, long.length),
      long,
    ])
    const [oid, empty, bmp, printable, utf8] = childrenOf(readDer(der, { trailing: 'refuse' }))
    expect(oidText(oid!)).toBe('1.2.840.113549')
    expect(stringText(empty)).toBe('')
    expect(stringText(bmp)).toBe('é')
    expect(stringText(printable)).toBe('Appl')
    expect(stringText(utf8)).toBe('a'.repeat(200))
  })

  it('joins an indefinite-length, constructed OCTET STRING (BER, as openssl -stream writes it)', () => {
    const ber = bytes(0x24, 0x80, 0x04, 0x02, 0x68, 0x69, 0x04, 0x01, 0x21, 0x00, 0x00)
    expect(Buffer.from(octetString(readDer(ber, { trailing: 'refuse' }))!).toString()).toBe('hi!')
  })

  it('refuses what is cut short, has bytes after its end (unless told to ignore them), or nests without end', () => {
    const refuse = { trailing: 'refuse' } as const
    expect(() => readDer(bytes(0x30, 0x05, 0x02, 0x01), refuse)).toThrow(DerError)
    expect(() => readDer(bytes(0x02, 0x01, 0x05, 0xff), refuse)).toThrow(/1 bytes after the end/)
    expect(readDer(bytes(0x02, 0x01, 0x05, 0xff), { trailing: 'ignore' }).contents).toEqual(bytes(0x05))
    expect(() => readDer(bytes(0x30, 0x80, 0x02, 0x01, 0x05), refuse)).toThrow(DerError)
    expect(() => readDer(bytes(0x04, 0x80, 0x00, 0x00), refuse)).toThrow(/indefinite length on a primitive/)
    const endless = Uint8Array.from({ length: 200 }, (_, i) => (i % 2 ? 0x80 : 0x30))
    expect(() => readDer(endless, refuse)).toThrow(/nested too deeply/)
  })
})
