import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { exportCodemagicYaml, importCodemagicYaml } from '../../../shared/codemagic-yaml'
import type { ReleaseSettings } from '../../../shared/release-settings'

// codemagic.yaml files share settings between workflows with anchors: an alias (`app_store_connect: *asc`), a
// merge key (`<<: *asc`, `<<: [*a, *b]`), a whole shared workflow. Writing one workflow's settings must say what
// the window says for that workflow, and leave every other workflow, and the shared mapping, as they were.

const now = (): number => Date.parse('2026-11-29T12:00:00Z')

const SETTINGS = `auth: integration
submit_to_testflight: true
beta_groups: [QA team, Beta testers]
submit_to_app_store: true
release_type: SCHEDULED
earliest_release_date: 2031-12-01T14:00:00+02:00
copyright: 2031 Example Ltd.
phased_release: true`

const indent = (text: string, by: number): string => text.replace(/^/gm, ' '.repeat(by))

const ASC_ANCHOR = `  asc: &asc\n${indent(SETTINGS, 4)}\n`

/** Both workflows with their integration key, and what follows `publishing:` in each. */
function workflows(ios: string, tv: string): string {
  const one = (name: string, publishing: string): string =>
    `  ${name}:\n    integrations:\n      app_store_connect: Release Key\n    publishing:${publishing}\n`
  return `workflows:\n${one('ios', ios)}${one('tv', tv)}`
}

const section = (...lines: string[]): string =>
  `\n      app_store_connect:${lines.map((l) => `\n        ${l}`).join('')}`

const WORKFLOWS = ['ios', 'tv'] as const

const SHAPES: Record<string, string> = {
  'a merge key in the section': `definitions:\n${ASC_ANCHOR}${workflows(
    section('<<: *asc', 'what_to_test: iOS notes'),
    section('<<: *asc'),
  )}`,
  'the section as an alias': `definitions:\n${ASC_ANCHOR}${workflows(
    '\n      app_store_connect: *asc',
    '\n      app_store_connect: *asc',
  )}`,
  'publishing as an alias, beside another publisher': `definitions:
  publishing: &publishing
    email:
      recipients: [release@example.com]
    app_store_connect:
${indent(SETTINGS, 6)}
${workflows(' *publishing', ' *publishing')}`,
  'merge keys from two mappings, the first winning': `definitions:
${ASC_ANCHOR}  testflight_only: &testflight_only
    submit_to_app_store: false
    what_to_test: Shared notes
${workflows(section('<<: [*asc, *testflight_only]'), section('<<: [*testflight_only, *asc]'))}`,
  'values anchored in one workflow, aliased in the other': `workflows:
  ios:
    integrations:
      app_store_connect: &key Release Key
    publishing:
      app_store_connect:
        auth: &auth integration
        submit_to_testflight: true
        beta_groups: &groups [QA team, Beta testers]
        submit_to_app_store: true
        release_type: &release SCHEDULED
        earliest_release_date: &date 2031-12-01T14:00:00+02:00
        copyright: &copyright 2031 Example Ltd.
        phased_release: &phased true
  tv:
    integrations:
      app_store_connect: *key
    publishing:
      app_store_connect:
        auth: *auth
        submit_to_testflight: true
        beta_groups: *groups
        submit_to_app_store: true
        release_type: *release
        earliest_release_date: *date
        copyright: *copyright
        phased_release: *phased
`,
  'whole workflows merged from one': `definitions:
  base: &base
    integrations:
      app_store_connect: Release Key
    publishing:
      email:
        recipients: [release@example.com]
      app_store_connect:
${indent(SETTINGS, 8)}
workflows:
  ios:
    <<: *base
    name: iOS
  tv:
    <<: *base
    name: tvOS
`,
}

function settingsOf(text: string, workflow: string): ReleaseSettings {
  const result = importCodemagicYaml(text, { now, workflow })
  expect(result.issues).toEqual([])
  return result.settings!
}

/** What the window can change, each from the shared settings as imported. */
const CHANGES: Record<string, (s: ReleaseSettings) => ReleaseSettings> = {
  'TestFlight off': (s) => ({ ...s, submitToTestflight: false, betaGroups: [] }),
  'other beta groups': (s) => ({ ...s, betaGroups: ['Partners'] }),
  'App Store off': (s) => ({
    ...s,
    submitToAppStore: false,
    releaseType: 'MANUAL',
    earliestReleaseDate: null,
    copyright: null,
    phasedRelease: null,
    whatToTest: null,
  }),
  'release when approved, no copyright': (s) => ({
    ...s,
    releaseType: 'AFTER_APPROVAL',
    earliestReleaseDate: null,
    copyright: null,
  }),
  'no integration key': (s) => ({ ...s, auth: null }),
  'another integration key': (s) => ({ ...s, integrationName: 'Other Key' }),
}

describe('export into settings that workflows share', () => {
  for (const [shape, text] of Object.entries(SHAPES)) {
    describe(shape, () => {
      it('reads each workflow with its shared settings, and an unchanged round trip is byte-identical', () => {
        for (const workflow of WORKFLOWS) {
          const settings = settingsOf(text, workflow)
          expect(settings.betaGroups).toEqual(['QA team', 'Beta testers'])
          expect(settings.integrationName).toBe('Release Key')
          expect(exportCodemagicYaml(text, settings, { workflow })).toBe(text)
        }
      })

      for (const [change, apply] of Object.entries(CHANGES)) {
        it(`${change}: says it for the chosen workflow only`, () => {
          for (const workflow of WORKFLOWS) {
            const wanted = apply(settingsOf(text, workflow))
            const out = exportCodemagicYaml(text, wanted, { workflow })
            expect(settingsOf(out, workflow)).toEqual(wanted)
            for (const other of WORKFLOWS.filter((w) => w !== workflow))
              expect(settingsOf(out, other)).toEqual(settingsOf(text, other))
            // The shared mappings are as they were, and the file still shares them.
            expect(plainDefinitions(out)).toEqual(plainDefinitions(text))
            if (text.startsWith('definitions:')) expect(out).toMatch(/\*\w+/)
            // Written once, the same settings change nothing more.
            expect(exportCodemagicYaml(out, wanted, { workflow })).toBe(out)
          }
        })
      }
    })
  }

  it('keeps another publisher the workflow took from a shared publishing mapping', () => {
    const out = withOtherGroupsOnIos(SHAPES['publishing as an alias, beside another publisher']!)
    const plain = parseDocument(out, { merge: true }).toJS() as {
      workflows: Record<string, { publishing: { email?: unknown } }>
    }
    expect(plain.workflows.ios!.publishing.email).toEqual({ recipients: ['release@example.com'] })
  })

  it('moves an anchor the other workflow still names to its first alias, and keeps a one-line list on one line', () => {
    const out = withOtherGroupsOnIos(SHAPES['values anchored in one workflow, aliased in the other']!)
    expect(out).toContain('beta_groups: [ Partners ]')
    expect(out).toContain('beta_groups: &groups [ QA team, Beta testers ]')
    expect(out).toContain('copyright: *copyright')
  })

  it('edits a section written in the workflow where it is written, so a workflow aliasing that section follows', () => {
    const text = `workflows:
  ios:
    publishing:
      app_store_connect: &asc
${indent(SETTINGS.replace('auth: integration\n', ''), 8)}
  tv:
    publishing:
      app_store_connect: *asc
`
    const wanted = { ...settingsOf(text, 'ios'), betaGroups: ['Partners'] }
    const out = exportCodemagicYaml(text, wanted, { workflow: 'ios' })
    expect(settingsOf(out, 'ios')).toEqual(wanted)
    expect(settingsOf(out, 'tv')).toEqual(wanted)
    expect(out).toContain('app_store_connect: *asc')
  })

  it('finds the one publishing workflow when its section is an alias', () => {
    const text = `definitions:\n  asc: &asc\n    submit_to_testflight: true\nworkflows:\n  ios:\n    publishing:\n      app_store_connect: *asc\n  android:\n    name: Android\n`
    const wanted = { ...settingsOf(text, 'ios'), submitToAppStore: true }
    const out = exportCodemagicYaml(text, wanted)
    expect(importCodemagicYaml(out, { now }).workflow).toBe('ios')
    expect(settingsOf(out, 'ios')).toEqual(wanted)
  })

  it('names the place that is not a mapping instead of failing inside the YAML library', () => {
    const settings = settingsOf(SHAPES['a merge key in the section']!, 'ios')
    for (const [text, words] of [
      [`workflows:\n  ios:\n    publishing: [email]\n`, 'workflows.ios.publishing is a list, not a mapping'],
      [
        `workflows:\n  ios:\n    publishing:\n      app_store_connect: yes\n`,
        'workflows.ios.publishing.app_store_connect is a value, not a mapping',
      ],
      [`workflows: [ios]\n`, 'workflows is a list, not a mapping'],
    ] as const) {
      expect(() => exportCodemagicYaml(text, settings, { workflow: 'ios' })).toThrow(words)
    }
  })

  it('writes into a file of comments only, keeping them', () => {
    const text = '# Release settings go here.\n'
    const wanted = {
      ...settingsOf(SHAPES['a merge key in the section']!, 'ios'),
      integrationName: null,
      auth: null,
    }
    const out = exportCodemagicYaml(text, wanted, { workflow: 'ios' })
    expect(out).toContain('# Release settings go here.')
    expect(settingsOf(out, 'ios')).toEqual(wanted)
  })

  it('makes a section where an empty one stood', () => {
    const text = `workflows:\n  ios:\n    publishing:\n      app_store_connect:\n`
    const wanted = {
      ...settingsOf(SHAPES['a merge key in the section']!, 'ios'),
      integrationName: null,
      auth: null,
    }
    const out = exportCodemagicYaml(text, wanted, { workflow: 'ios' })
    expect(settingsOf(out, 'ios')).toEqual(wanted)
  })
})

/** The file after the window gives the iOS workflow other beta groups. */
function withOtherGroupsOnIos(text: string): string {
  return exportCodemagicYaml(
    text,
    { ...settingsOf(text, 'ios'), betaGroups: ['Partners'] },
    { workflow: 'ios' },
  )
}

function plainDefinitions(text: string): unknown {
  return (parseDocument(text, { merge: true }).toJS() as { definitions: unknown }).definitions
}
