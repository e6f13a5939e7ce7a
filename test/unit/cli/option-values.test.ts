import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AscentError } from '../../../shared/errors'
import { apiUrlOption, fractionOption, integerOption } from '../../../electron/cli/option-values'

describe('numeric options', () => {
  it('integerOption takes plain digits in range and refuses everything else with BAD_INPUT', () => {
    const candidates = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -100, max: 70_000 }).map(String),
      fc.double({ noNaN: false }).map(String),
      fc.constantFrom('', ' 1', '1 ', '1.5', '1e3', '0x10', '+1', '-0', '٣', '00080'),
    )
    fc.assert(
      fc.property(candidates, (value) => {
        const valid = /^\d+$/.test(value) && Number(value) <= 65535
        let out: number | Error
        try {
          out = integerOption('--port', value, { min: 0, max: 65535 })
        } catch (error) {
          out = error as Error
        }
        if (valid) expect(out).toBe(Number(value))
        else {
          expect(out).toBeInstanceOf(AscentError)
          expect((out as AscentError).code).toBe('BAD_INPUT')
          expect((out as AscentError).message).toMatch(
            /^--port must be a whole number from 0 to 65535, not "/,
          )
        }
      }),
      { numRuns: 300 },
    )
  })

  it('fractionOption takes 0 to 1 and nothing else', () => {
    for (const ok of ['0', '1', '0.25', '.5', '1.0']) expect(fractionOption('--faults', ok)).toBe(Number(ok))
    for (const bad of ['', ' ', '1.5', '-0.1', 'NaN', 'Infinity', '1e-1', 'half'])
      expect(() => fractionOption('--faults', bad)).toThrow(/--faults must be a number from 0 to 1/)
  })
})

describe('API URL', () => {
  it('takes an absolute http(s) URL from --api-url, else ASCENT_API_URL, else Apple', () => {
    expect(apiUrlOption(undefined, {})).toBe('https://api.appstoreconnect.apple.com')
    expect(apiUrlOption(undefined, { ASCENT_API_URL: 'http://127.0.0.1:4000' })).toBe('http://127.0.0.1:4000')
    expect(apiUrlOption('https://x.example/base', { ASCENT_API_URL: 'nope' })).toBe('https://x.example/base')
  })

  it('refuses anything else as BAD_INPUT naming where it came from', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }).filter((s) => !/^https?:\/\/[^/]/i.test(s)),
          fc.constantFrom('ftp://x', 'file:///etc/passwd', 'mailto:a@b', 'http://', 'javascript:alert(1)'),
        ),
        (value) => {
          expect(() => apiUrlOption(value, {})).toThrow(
            /^--api-url ".*" is not an http:\/\/ or https:\/\/ URL/,
          )
          expect(() => apiUrlOption(undefined, { ASCENT_API_URL: value })).toThrow(/^ASCENT_API_URL /)
        },
      ),
      { numRuns: 200 },
    )
  })
})
