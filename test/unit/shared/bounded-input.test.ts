import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { boundMessage, printableExcerpt } from '../../../shared/bounded-text'
import { importCodemagicYaml } from '../../../shared/codemagic-yaml'
import { AscentError, toErrorShape } from '../../../shared/errors'
import { parseReleaseSettings, SETTINGS_KEYS } from '../../../shared/release-settings'
import { MAX_YAML_NESTING, yamlNestingProblem } from '../../../shared/yaml-depth'

/** Generated hostile input for every parser a person's text reaches: never a throw, never a flood. */

// eslint-disable-next-line no-control-regex -- what must never reach a terminal
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFD]/

const NOW = Date.parse('2026-11-29T12:00:00Z')

/** Text a hostile or broken file can hold: any code points, YAML punctuation, and nesting. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...'[]{}-?:,&*!|>\'"%@`#\n '.split('')), maxLength: 400 }),
  fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 1, max: 5000 }).map((n) => '- '.repeat(n)),
  fc.integer({ min: 1, max: 2000 }).map((n) => '{a: '.repeat(n)),
)

describe('messages', () => {
  it('boundMessage and printableExcerpt return short printable text for any input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.integer({ min: 2, max: 600 }),
        (text, max) => {
          for (const out of [boundMessage(text, max), printableExcerpt(text, max)]) {
            expect(out.length).toBeLessThanOrEqual(max)
            expect(out).not.toMatch(UNPRINTABLE)
          }
          expect(printableExcerpt(text, max)).not.toMatch(/\n/)
        },
      ),
    )
  })

  it('an error that crosses a boundary is a few hundred printable characters, whatever it quoted', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 0, maxLength: 20_000 }), (junk) => {
        const shape = toErrorShape(new AscentError('BAD_INPUT', `bad: ${junk}`))
        expect(shape.message.length).toBeLessThanOrEqual(500)
        expect(shape.message).not.toMatch(UNPRINTABLE)
      }),
      { numRuns: 50 },
    )
  })
})

describe('codemagic.yaml import on hostile text', () => {
  it('never throws; every issue is short and printable, and there are at most a few', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const result = importCodemagicYaml(text, { now: () => NOW })
        expect(result.issues.length).toBeLessThanOrEqual(4)
        for (const issue of result.issues) {
          expect(issue.message.length).toBeLessThan(300)
          expect(issue.message).not.toMatch(UNPRINTABLE)
          expect(issue.message).not.toMatch(/undefined/)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('refuses alias bombs of any width and depth as a file problem', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 12 }), fc.integer({ min: 6, max: 12 }), (width, depth) => {
        const names = Array.from({ length: depth }, (_, i) => `l${i}`)
        const lines = [`${names[0]}: &${names[0]} [${Array(width).fill('x').join(', ')}]`]
        for (let i = 1; i < depth; i++)
          lines.push(
            `${names[i]}: &${names[i]} [${Array(width)
              .fill('*' + names[i - 1])
              .join(', ')}]`,
          )
        const result = importCodemagicYaml(lines.join('\n'))
        expect(result.issues).toEqual([
          { path: '(file)', message: expect.stringMatching(/^is not valid YAML: Excessive alias count/) },
        ])
      }),
      { numRuns: 10 },
    )
  })

  it('says an empty --workflow is empty instead of ignoring it', () => {
    const text =
      'workflows:\n  ios:\n    publishing:\n      app_store_connect:\n        submit_to_testflight: true\n'
    for (const workflow of ['', '  ']) {
      expect(importCodemagicYaml(text, { workflow }).issues).toEqual([
        { path: 'workflows', message: expect.stringMatching(/workflow name is empty/) },
      ])
    }
  })
})

describe('nesting depth', () => {
  it('is refused exactly past the limit, for brackets, braces and dashes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('[', '{a: ', '- ', '? '),
        fc.integer({ min: 1, max: 3 * MAX_YAML_NESTING }),
        (opener, depth) => {
          const problem = yamlNestingProblem(opener.repeat(depth))
          expect(problem !== null).toBe(depth > MAX_YAML_NESTING)
        },
      ),
    )
  })

  it('lets a real file through: indentation, balanced flow lists and brackets in text', () => {
    const real = [
      'workflows:',
      '  ios:',
      '    publishing:',
      '      app_store_connect:',
      '        beta_groups: [QA, "Public [beta]"]',
      '        what_to_test: "fixes [#12] and {layout}"',
    ].join('\n')
    expect(yamlNestingProblem(real)).toBeNull()
  })
})

describe('release settings: exact types', () => {
  it('accepts a value only in the type each key documents, and never throws', () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    )
    fc.assert(
      fc.property(fc.constantFrom(...SETTINGS_KEYS), anyValue, (key, value) => {
        const result = parseReleaseSettings({ [key]: value }, { now: () => NOW })
        const issue = result.issues.find((i) => i.path === `app_store_connect.${key}`)
        if (key === 'beta_groups') {
          const valid = Array.isArray(value) && value.every((g) => typeof g === 'string' && g.trim() !== '')
          expect(issue === undefined).toBe(valid)
        }
        if (key === 'what_to_test' || key === 'copyright')
          expect(issue === undefined).toBe(
            (typeof value === 'string' && value.trim() !== '') || value === null,
          )
        if (key.startsWith('submit_to') || key === 'cancel_previous_submissions')
          expect(issue === undefined).toBe(typeof value === 'boolean')
        for (const i of result.issues) expect(i.message).not.toMatch(/undefined/)
      }),
      { numRuns: 300 },
    )
  })
})
