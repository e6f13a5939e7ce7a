import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportCodemagicYaml, importCodemagicYaml } from '../../../shared/codemagic-yaml'
import { defaultReleaseSettings, type ReleaseSettings } from '../../../shared/release-settings'

const NOW = Date.parse('2026-11-29T12:00:00Z')
const now = (): number => NOW
const fixture = readFileSync(join(__dirname, '../../fixtures/config/codemagic-two-workflows.yaml'), 'utf8')

function imported(text: string, workflow?: string): ReleaseSettings {
  const result = importCodemagicYaml(text, { now, workflow: workflow ?? null })
  expect(result.issues).toEqual([])
  return result.settings!
}

describe('import', () => {
  it('finds the only publishing workflow and its integration key name', () => {
    const result = importCodemagicYaml(fixture, { now })
    expect(result.workflows).toEqual(['ios-release'])
    expect(result.workflow).toBe('ios-release')
    expect(result.settings).toMatchObject({
      auth: 'integration',
      integrationName: 'Holdout Release Key',
      submitToTestflight: true,
      betaGroups: ['QA team', 'Beta testers'],
      submitToAppStore: true,
      releaseType: 'SCHEDULED',
      earliestReleaseDate: '2031-12-01T14:00:00+02:00',
      copyright: '2031 Example Ltd.',
      phasedRelease: true,
    })
  })

  it('asks for --workflow when several workflows publish, and names them', () => {
    const text = `workflows:\n  a:\n    publishing:\n      app_store_connect:\n        submit_to_testflight: true\n  b:\n    publishing:\n      app_store_connect:\n        submit_to_app_store: true\n`
    const ambiguous = importCodemagicYaml(text, { now })
    expect(ambiguous.settings).toBeNull()
    expect(ambiguous.workflows).toEqual(['a', 'b'])
    expect(ambiguous.issues[0]!.message).toMatch(/several workflows .*a, b.*--workflow/)
    expect(imported(text, 'b').submitToAppStore).toBe(true)
    expect(importCodemagicYaml(text, { now, workflow: 'c' }).issues[0]).toMatchObject({
      path: 'workflows.c',
      message: /no workflow named "c".*a, b/,
    })
  })

  it('names the file path of a bad value', () => {
    const text = fixture.replace('phased_release: true', 'phased_release: sometimes')
    const result = importCodemagicYaml(text, { now })
    expect(result.issues).toEqual([
      {
        path: 'workflows.ios-release.publishing.app_store_connect.phased_release',
        message: 'must be true or false (or leave it out to keep the current setting), found "sometimes"',
      },
    ])
  })

  it('a binary file picked by mistake is one message, not a stack of syntax errors', () => {
    // What a zip read as text looks like to a YAML parser: unbalanced brackets and stray tabs on every line.
    const junk = 'PK\u0003\u0004 ]]\n\t- {[: }\n'.repeat(40)
    const result = importCodemagicYaml(junk, { now })
    expect(result.settings).toBeNull()
    expect(result.issues).toHaveLength(1)
    expect(result.issues[0]!.message).toMatch(
      /^is not valid YAML at line \d+, column \d+: .* \(and \d+ more errors\)$/,
    )
  })

  it('reports malformed YAML with line and column, no stack', () => {
    const result = importCodemagicYaml('workflows:\n  a:\n    publishing: [\n', { now })
    expect(result.settings).toBeNull()
    expect(result.issues[0]!.message).toMatch(/not valid YAML at line \d+, column \d+/)
    expect(result.issues[0]!.message).not.toMatch(/\n\s+at /)
  })

  it('says when no workflow publishes to App Store Connect', () => {
    expect(importCodemagicYaml('workflows:\n  a:\n    name: x\n', { now }).issues[0]!.message).toMatch(
      /no workflow has publishing.app_store_connect/,
    )
  })

  it('accepts a quoted date and a YAML 1.1 timestamp alike', () => {
    const quoted = fixture.replace(
      'earliest_release_date: 2031-12-01T14:00:00+02:00',
      "earliest_release_date: '2031-12-01T14:00:00+02:00'",
    )
    expect(imported(quoted).earliestReleaseDate).toBe('2031-12-01T14:00:00+02:00')
    const yaml11 = '%YAML 1.1\n---\n' + fixture
    expect(imported(yaml11).earliestReleaseDate).toBe('2031-12-01T12:00:00+00:00')
  })

  it('reads a bare Ascent release file', () => {
    expect(imported('submit_to_testflight: true\nbeta_groups: [QA]\n')).toMatchObject({
      submitToTestflight: true,
      betaGroups: ['QA'],
    })
  })
})

describe('export', () => {
  it('an unchanged round trip is byte-identical', () => {
    expect(exportCodemagicYaml(fixture, imported(fixture))).toBe(fixture)
  })

  it('an equal date written differently is not a change', () => {
    const settings = { ...imported(fixture), earliestReleaseDate: '2031-12-01T12:00:00+00:00' }
    expect(exportCodemagicYaml(fixture, settings)).toBe(fixture)
  })

  it('changes only what changed and keeps comments, order and other keys', () => {
    const settings: ReleaseSettings = {
      ...imported(fixture),
      betaGroups: ['QA team'],
      phasedRelease: null,
      copyright: '2032 Example Ltd.',
    }
    const out = exportCodemagicYaml(fixture, settings)
    expect(out).toContain('# Codemagic configuration for the Holdout app.')
    expect(out).toContain('# Riga time')
    expect(out).toContain('name: iOS release # shown in the Codemagic UI')
    expect(out).toContain('android-release:')
    expect(out).toContain('recipients:')
    expect(out).not.toContain('phased_release')
    expect(out).not.toContain('Beta testers')
    expect(out.indexOf('submit_to_testflight')).toBeLessThan(out.indexOf('submit_to_app_store'))
    const again = importCodemagicYaml(out, { now })
    expect(again.settings).toEqual(settings)
  })

  it('writes false for a flag the user turned off', () => {
    const out = exportCodemagicYaml(fixture, {
      ...imported(fixture),
      submitToTestflight: false,
      betaGroups: [],
    })
    expect(importCodemagicYaml(out, { now }).settings?.submitToTestflight).toBe(false)
    expect(out).toMatch(/submit_to_testflight: false/)
  })

  it('writes a minimal valid file when there is none', () => {
    const settings: ReleaseSettings = {
      ...defaultReleaseSettings,
      submitToTestflight: true,
      betaGroups: ['QA'],
      auth: 'integration',
      integrationName: 'Release',
    }
    const out = exportCodemagicYaml(null, settings)
    const back = importCodemagicYaml(out, { now })
    expect(back.issues).toEqual([])
    expect(back.settings).toEqual(settings)
  })

  it('keeps whats_new, one text or a text per locale, through import and export', () => {
    for (const whatsNew of [
      'Bug fixes and a faster sync.',
      { 'en-US': 'Faster sync.', 'de-DE': 'Schneller.' },
    ]) {
      const settings: ReleaseSettings = { ...imported(fixture), whatsNew }
      const out = exportCodemagicYaml(fixture, settings)
      expect(out).toContain('whats_new:')
      expect(out).toContain('# Riga time')
      expect(importCodemagicYaml(out, { now }).settings).toEqual(settings)
      // Unchanged: byte-identical.
      expect(exportCodemagicYaml(out, settings)).toBe(out)
    }
    const text = 'submit_to_app_store: true\nwhats_new:\n  en-US: Faster sync.\n  de_DE: Schneller.\n'
    expect(importCodemagicYaml(text, { now }).issues).toEqual([
      {
        path: 'app_store_connect.whats_new.de_DE',
        message: '"de_DE" is not a locale: use App Store Connect\'s codes, e.g. en-US, de-DE, fr-FR',
      },
    ])
  })

  it('keeps metadata_path through import and export, and takes it only with submit_to_app_store', () => {
    const settings: ReleaseSettings = {
      ...imported(fixture),
      submitToAppStore: true,
      metadataPath: 'fastlane',
    }
    const out = exportCodemagicYaml(fixture, settings)
    expect(out).toContain('metadata_path: fastlane')
    expect(importCodemagicYaml(out, { now }).settings).toEqual(settings)
    expect(importCodemagicYaml('metadata_path: fastlane\n', { now }).issues).toEqual([
      {
        path: 'app_store_connect.metadata_path',
        message: expect.stringMatching(/only applies with submit_to_app_store: true/),
      },
    ])
    expect(importCodemagicYaml('submit_to_app_store: true\nmetadata_path: 3\n', { now }).issues).toEqual([
      { path: 'app_store_connect.metadata_path', message: 'must be text (put it in quotes), found 3' },
    ])
  })

  it('writes back into a bare Ascent release file, keeping its comments', () => {
    const text = '# Holdout release\nsubmit_to_testflight: true\nbeta_groups: [QA] # testers\n'
    const settings = imported(text)
    expect(exportCodemagicYaml(text, settings)).toBe(text)
    const wanted: ReleaseSettings = { ...settings, betaGroups: ['QA', 'Partners'], submitToAppStore: true }
    const out = exportCodemagicYaml(text, wanted)
    expect(out).toContain('# Holdout release')
    expect(out).not.toContain('workflows')
    expect(imported(out)).toEqual(wanted)
  })

  it('refuses to guess the workflow when several publish', () => {
    const text = `workflows:\n  a:\n    publishing:\n      app_store_connect: {}\n  b:\n    publishing:\n      app_store_connect: {}\n`
    expect(() => exportCodemagicYaml(text, defaultReleaseSettings)).toThrow(/several workflows/)
    expect(
      exportCodemagicYaml(text, { ...defaultReleaseSettings, submitToAppStore: true }, { workflow: 'b' }),
    ).toMatch(/b:\n\s+publishing:\n\s+app_store_connect:\n\s+submit_to_app_store: true/)
  })
})
