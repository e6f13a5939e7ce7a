import { Document, isMap, isScalar, parseDocument, YAMLMap } from 'yaml'
import { printableExcerpt } from './bounded-text'
import { parseReleaseDate } from './release-date'
import { yamlNestingProblem } from './yaml-depth'
import {
  parseReleaseSettings,
  settingsToYamlSection,
  SETTINGS_KEYS,
  type ReleaseSettings,
  type SettingsIssue,
} from './release-settings'

/** The path of an issue about the whole file (not YAML at all, nested too deep) rather than one key. */
export const WHOLE_FILE = '(file)'

/**
 * codemagic.yaml import and export. Import finds `workflows.*.publishing.app_store_connect`;
 * export edits that mapping in place through the yaml Document API so comments, key order and
 * every other key survive, and an unchanged round trip returns the file byte for byte.
 */

export interface ConfigImport {
  /** Workflows that have a `publishing.app_store_connect` section. */
  readonly workflows: readonly string[]
  readonly workflow: string | null
  readonly settings: ReleaseSettings | null
  readonly issues: readonly SettingsIssue[]
}

export interface ImportOptions {
  readonly workflow?: string | null
  readonly now?: () => number
}

const SECTION = ['publishing', 'app_store_connect'] as const

/**
 * Codemagic reads merge keys (`<<: *defaults`), as YAML 1.1 readers do; codemagic.yaml files share settings
 * between workflows that way, so they are merged here too rather than read as a key named "<<".
 */
const YAML_OPTIONS = { prettyErrors: true, merge: true } as const

/** A file of junk (or a binary picked by mistake) has thousands of syntax errors: one message says it. */
function yamlSyntaxIssues(doc: Document): SettingsIssue[] {
  const first = doc.errors[0]
  if (!first) return []
  const pos = first.linePos?.[0]
  const where = pos ? `line ${pos.line}, column ${pos.col}` : 'somewhere in the file'
  const reason = first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.message
  const more = doc.errors.length - 1
  const also = more > 0 ? ` (and ${more} more ${more === 1 ? 'error' : 'errors'})` : ''
  return [
    { path: WHOLE_FILE, message: `is not valid YAML at ${where}: ${printableExcerpt(reason, 160)}${also}` },
  ]
}

/**
 * The file as plain values. The yaml library refuses an alias bomb ("billion laughs") and an alias to an
 * anchor that does not exist by throwing: both are bad input, reported like any other syntax problem.
 */
function plainValue(doc: Document): { ok: true; value: unknown } | { ok: false; issue: SettingsIssue } {
  try {
    return { ok: true, value: doc.toJS() }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      issue: { path: WHOLE_FILE, message: `is not valid YAML: ${printableExcerpt(reason, 160)}` },
    }
  }
}

function workflowsWithSection(doc: Document): string[] {
  const workflows = doc.get('workflows')
  if (!isMap(workflows)) return []
  return workflows.items
    .filter((pair) => isMap(pair.value) && (pair.value as YAMLMap).hasIn([...SECTION]))
    .map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key))
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
}

/** The plain value at `path`, or undefined when some step is missing or not a mapping. */
function plainAt(root: unknown, path: readonly string[]): unknown {
  let current = root
  for (const key of path) {
    if (!isMapping(current) || !Object.hasOwn(current, key)) return undefined
    current = current[key]
  }
  return current
}

function plainWorkflowsWithSection(root: unknown): string[] {
  const workflows = plainAt(root, ['workflows'])
  if (!isMapping(workflows)) return []
  return Object.keys(workflows).filter((name) => plainAt(workflows, [name, ...SECTION]) !== undefined)
}

/** A bare Ascent release file: the settings mapping itself at the top level. */
function isBareReleaseFile(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return (
    keys.length > 0 &&
    keys.some((k) => (SETTINGS_KEYS as readonly string[]).includes(k)) &&
    !('workflows' in value)
  )
}

export function importCodemagicYaml(text: string, options: ImportOptions = {}): ConfigImport {
  const tooDeep = yamlNestingProblem(text)
  if (tooDeep !== null)
    return { workflows: [], workflow: null, settings: null, issues: [{ path: WHOLE_FILE, message: tooDeep }] }
  const doc = parseDocument(text, YAML_OPTIONS)
  const syntax = yamlSyntaxIssues(doc)
  if (syntax.length > 0) return { workflows: [], workflow: null, settings: null, issues: syntax }
  const plain = plainValue(doc)
  if (!plain.ok) return { workflows: [], workflow: null, settings: null, issues: [plain.issue] }
  const root = plain.value
  const validate = { now: options.now }
  if (typeof options.workflow === 'string' && options.workflow.trim() === '') {
    return {
      workflows: plainWorkflowsWithSection(root),
      workflow: null,
      settings: null,
      issues: [{ path: 'workflows', message: 'the workflow name is empty: give the name of a workflow' }],
    }
  }

  if (isBareReleaseFile(root)) {
    const result = parseReleaseSettings(root, { ...validate, basePath: 'app_store_connect' })
    return {
      workflows: [],
      workflow: null,
      settings: result.ok ? result.settings : null,
      issues: result.issues,
    }
  }

  const workflows = plainWorkflowsWithSection(root)
  let workflow: string
  if (options.workflow) {
    if (plainAt(root, ['workflows', options.workflow]) === undefined) {
      const known =
        workflows.length > 0 ? `; workflows with App Store Connect publishing: ${workflows.join(', ')}` : ''
      return {
        workflows,
        workflow: null,
        settings: null,
        issues: [
          {
            path: `workflows.${options.workflow}`,
            message: `no workflow named "${printableExcerpt(options.workflow)}"${known}`,
          },
        ],
      }
    }
    workflow = options.workflow
  } else if (workflows.length === 1) {
    workflow = workflows[0]!
  } else if (workflows.length === 0) {
    return {
      workflows,
      workflow: null,
      settings: null,
      issues: [
        {
          path: 'workflows',
          message: 'no workflow has publishing.app_store_connect: add that section to a workflow',
        },
      ],
    }
  } else {
    return {
      workflows,
      workflow: null,
      settings: null,
      issues: [
        {
          path: 'workflows',
          message: `several workflows publish to App Store Connect (${workflows.join(', ')}): choose one with --workflow NAME`,
        },
      ],
    }
  }

  const basePath = `workflows.${workflow}.publishing.app_store_connect`
  const section = plainAt(root, ['workflows', workflow, ...SECTION])
  const integration = plainAt(root, ['workflows', workflow, 'integrations', 'app_store_connect'])
  const integrationName = typeof integration === 'string' ? integration : null
  if (section === undefined) {
    return {
      workflows,
      workflow,
      settings: null,
      issues: [
        { path: basePath, message: `workflow "${workflow}" has no publishing.app_store_connect section` },
      ],
    }
  }
  const result = parseReleaseSettings(section, { ...validate, basePath, integrationName })
  return { workflows, workflow, settings: result.ok ? result.settings : null, issues: result.issues }
}

function sameValue(existing: unknown, wanted: unknown, key: string): boolean {
  if (
    key === 'earliest_release_date' &&
    (typeof existing === 'string' || existing instanceof Date) &&
    typeof wanted === 'string'
  ) {
    const a = parseReleaseDate(existing)
    const b = parseReleaseDate(wanted)
    return a.ok && b.ok && a.epochMs === b.epochMs
  }
  return JSON.stringify(existing) === JSON.stringify(wanted)
}

const MINIMAL_WORKFLOW = 'ascent-release'

export interface ExportOptions {
  readonly workflow?: string | null
}

/**
 * Writes settings into `text` (an existing codemagic.yaml, or null for a new minimal file).
 * Keys the settings leave at their default are removed only if the file had them with another value.
 */
export function exportCodemagicYaml(
  text: string | null,
  settings: ReleaseSettings,
  options: ExportOptions = {},
): string {
  const wanted = settingsToYamlSection(settings)
  if (text === null || text.trim() === '') {
    const workflow = options.workflow ?? MINIMAL_WORKFLOW
    const body: Record<string, unknown> = { name: 'Ascent release' }
    if (settings.integrationName) body.integrations = { app_store_connect: settings.integrationName }
    body.publishing = { app_store_connect: wanted }
    return new Document({ workflows: { [workflow]: body } }).toString()
  }

  const tooDeep = yamlNestingProblem(text)
  if (tooDeep !== null) throw new Error(tooDeep)
  const doc = parseDocument(text, YAML_OPTIONS)
  if (doc.errors.length > 0) throw new Error(yamlSyntaxIssues(doc)[0]!.message)
  const workflows = workflowsWithSection(doc)
  const workflow = options.workflow ?? (workflows.length === 1 ? workflows[0]! : null)
  if (!workflow) {
    throw new Error(
      workflows.length === 0
        ? 'no workflow has publishing.app_store_connect: choose the workflow to write into'
        : `several workflows publish to App Store Connect (${workflows.join(', ')}): choose one`,
    )
  }
  const path = ['workflows', workflow, ...SECTION]
  let section = doc.getIn(path, true)
  if (!isMap(section)) {
    doc.setIn(path, doc.createNode({}))
    section = doc.getIn(path, true)
  }
  const map = section as YAMLMap
  // `app_store_connect: {}` would otherwise grow into a one-line flow mapping.
  if (map.items.length === 0) map.flow = false
  let changed = false
  for (const key of SETTINGS_KEYS) {
    if (key === 'api_key' || key === 'key_id' || key === 'issuer_id') continue
    const has = map.has(key)
    const existing: unknown = has ? map.toJSON()[key] : undefined
    if (key in wanted) {
      if (!has || !sameValue(existing, wanted[key], key)) {
        map.set(key, doc.createNode(wanted[key]))
        changed = true
      }
    } else if (has) {
      // The file says something the settings no longer say: a flag turned off is written as false and a
      // release type back to MANUAL is written out, so the file keeps saying what it means; the rest is removed.
      const replacement =
        typeof existing === 'boolean' && key !== 'phased_release'
          ? false
          : key === 'release_type'
            ? 'MANUAL'
            : undefined
      if (replacement === undefined) {
        map.delete(key)
        changed = true
      } else if (existing !== replacement) {
        map.set(key, doc.createNode(replacement))
        changed = true
      }
    }
  }
  if (settings.integrationName) {
    const integrationPath = ['workflows', workflow, 'integrations', 'app_store_connect']
    if (doc.getIn(integrationPath) !== settings.integrationName) {
      doc.setIn(integrationPath, settings.integrationName)
      changed = true
    }
  }
  return changed ? doc.toString() : text
}
